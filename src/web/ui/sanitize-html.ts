import { defangUrl } from './defang.ts';
import { escapeHtml } from './html.ts';

/** Basic formatting kept (without any attribute); everything else is unwrapped to its text. */
const KEPT = new Set([
  'p',
  'br',
  'b',
  'i',
  'u',
  'em',
  'strong',
  'small',
  'ul',
  'ol',
  'li',
  'table',
  'thead',
  'tbody',
  'tr',
  'td',
  'th',
  'div',
  'span',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'code',
  'hr',
  'a',
  'font',
  'center',
]);
const VOID = new Set(['br', 'hr']);
/** Elements whose content is never shown: code, styles, metadata, embedded documents and forms. */
const DROPPED = new Set([
  'script',
  'style',
  'head',
  'title',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'noscript',
  'noembed',
  'noframes',
  'template',
  'svg',
  'math',
  'textarea',
  'select',
  'xmp',
  'plaintext',
  'video',
  'audio',
  'canvas',
  'button',
]);
/** What replaces an unwrapped element that carried a URL. */
const RENAMED: Record<string, string> = { font: 'span', center: 'div', a: 'span' };

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '©',
  reg: '®',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
  euro: '€',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});?/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : '\ufffd';
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

const attribute = (attrs: string, name: string): string | null => {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(attrs);
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3] ?? '') : null;
};

/**
 * Spam HTML → markup that can only format text: output is rebuilt from scratch (never copied), so it
 * holds only the KEPT tags with no attributes at all — no scripts, handlers, styles, or URLs a browser
 * could fetch. Link and image targets are appended as defanged text for staff to read. Bounded: stops
 * after `maxLength` input characters.
 */
export function sanitizeHtml(input: string, maxLength = 500_000): string {
  const src = input.slice(0, maxLength);
  const out: string[] = [];
  const open: string[] = [];
  const linkTargets: Array<string | null> = [];
  const tag =
    /<!--[\s\S]*?(?:-->|$)|<![^>]*>?|<\?[^>]*>?|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>?/g;
  let last = 0;
  for (let m = tag.exec(src); m; m = tag.exec(src)) {
    if (m.index > last) out.push(escapeHtml(decodeEntities(src.slice(last, m.index))));
    last = tag.lastIndex;
    const name = m[2]?.toLowerCase();
    if (!name) continue; // comment, doctype, processing instruction
    const closing = m[1] === '/';
    if (!closing && DROPPED.has(name)) {
      // skip to the matching end tag (or the end): its content is never text for staff
      const end = new RegExp(`</${name}\\s*>`, 'i');
      const rest = src.slice(last);
      const e = end.exec(rest);
      last = e ? last + e.index + e[0].length : src.length;
      tag.lastIndex = last;
      continue;
    }
    if (name === 'img' && !closing) {
      const s = attribute(m[3] ?? '', 'src');
      const alt = attribute(m[3] ?? '', 'alt');
      out.push(escapeHtml(`[image${alt ? ` "${alt}"` : ''}${s ? `: ${defangUrl(s)}` : ''}]`));
      continue;
    }
    if (!KEPT.has(name)) continue;
    const el = RENAMED[name] ?? name;
    if (closing) {
      const at = open.lastIndexOf(el);
      if (at < 0) continue;
      while (open.length > at) out.push(`</${open.pop()!}>`);
      if (name === 'a') {
        const href = linkTargets.pop();
        if (href) out.push(escapeHtml(` [${defangUrl(href)}]`));
      }
      continue;
    }
    if (name === 'a') linkTargets.push(attribute(m[3] ?? '', 'href'));
    out.push(`<${el}>`);
    if (!VOID.has(el)) open.push(el);
  }
  if (last < src.length) out.push(escapeHtml(decodeEntities(src.slice(last))));
  while (open.length) out.push(`</${open.pop()!}>`);
  return out.join('');
}

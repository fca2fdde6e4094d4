import { decodeHeaderValue } from '../../mime/decode-header-value.ts';
import { decodeText } from '../../mime/decode-text.ts';
import { decodeTransfer } from '../../mime/decode-transfer.ts';
import { firstHeader } from '../../mime/header-map.ts';
import { HEADERS_ONLY_TYPES, MESSAGE_TYPES, type MimePart } from '../../mime/mime-part.ts';
import { normalizeRaw } from '../../mime/normalize-raw.ts';
import { partText } from '../../mime/part-text.ts';
import { newWalkState } from '../../mime/walk-limits.ts';
import { walkMime } from '../../mime/walk-mime.ts';
import { DEFAULT_LIMITS, type ParseLimits } from '../../parse/parse-options.ts';
import { defangText } from './defang.ts';
import { html, type SafeHtml } from './html.ts';
import { decodeEntities, sanitizeHtml } from './sanitize-html.ts';

const MAX_TEXT = 200_000;
/** Bytes of a stored message the page reads; the raw download has all of it. */
const MAX_READ = 5 * 1024 * 1024;
const SHOWN_HEADERS = ['from', 'to', 'cc', 'subject', 'date', 'message-id'];
/** Parts shown as an attached original or report section (RFC 5965 §2, RFC 3464 §2, RFC 6522 §4). */
const ATTACHED_TYPES = new Set([
  ...MESSAGE_TYPES,
  ...HEADERS_ONLY_TYPES,
  'message/feedback-report',
  'message/delivery-status',
  'message/global-delivery-status',
]);

export interface MessageParts {
  headers: string;
  text: string | null;
  html: string | null;
  /** An attached original (message/rfc822 or text/rfc822-headers), as text. */
  attached: Array<{ type: string; text: string }>;
  /** Why only part of the message is shown (a walk bound that was hit), or null. */
  incomplete: string | null;
}

const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');

/** Text of a part, never throwing: a decoding failure shows the transmitted bytes instead. */
function safePartText(part: MimePart): string {
  try {
    return partText(part);
  } catch {
    return Buffer.from(part.body, 'latin1').toString('utf8');
  }
}

const isAttachment = (part: MimePart): boolean =>
  /^\s*attachment\b/i.test(firstHeader(part.headers, 'content-disposition') ?? '');

/**
 * Splits a stored message into what the page may show: headers, text, HTML and attached originals. Reads
 * it with the bounded MIME walker the pipeline uses (`src/mime/`), so hostile structure — deep nesting,
 * thousands of parts, a huge header block, broken transfer encodings — costs at most the parse bounds and
 * never throws: past a bound the page shows what was read and says why the rest is missing.
 */
export function messageParts(raw: Buffer, limits: ParseLimits = DEFAULT_LIMITS): MessageParts {
  const state = newWalkState(limits);
  const root = walkMime(normalizeRaw(raw.subarray(0, MAX_READ)), state);
  const headers = SHOWN_HEADERS.flatMap((h) => {
    const v = firstHeader(root.headers, h);
    return v === null ? [] : [`${h}: ${oneLine(decodeHeaderValue(v))}`];
  }).join('\n');
  let text: string | null = null;
  let htmlBody: string | null = null;
  const attached: MessageParts['attached'] = [];
  // Depth-first over the message's own parts; an enclosed message is shown whole as an attachment.
  const visit = (part: MimePart): void => {
    if (ATTACHED_TYPES.has(part.type)) {
      const bytes = decodeTransfer(part.body, firstHeader(part.headers, 'content-transfer-encoding'));
      attached.push({
        type: part.type,
        text: decodeText(Buffer.from(bytes, 'latin1'), part.params.charset).slice(0, MAX_TEXT),
      });
      return;
    }
    if (part.type.startsWith('multipart/')) {
      for (const child of part.children) visit(child);
      return;
    }
    if (isAttachment(part)) return;
    if (part.type === 'text/plain' && text === null) text = safePartText(part).slice(0, MAX_TEXT);
    else if (part.type === 'text/html' && htmlBody === null) htmlBody = safePartText(part).slice(0, MAX_TEXT);
  };
  visit(root);
  const incomplete =
    state.exceeded ?? (raw.length > MAX_READ ? `message larger than ${MAX_READ} bytes` : null);
  return { headers, text, html: htmlBody, attached, incomplete };
}

/**
 * The message as staff may see it: text by default (escaped, links defanged); HTML only after
 * `sanitizeHtml`, inside `<iframe sandbox srcdoc>` — a unique origin with scripts off, under the page's CSP
 * (no remote anything). `showHtml` is a link, not a toggle: the page works without JS.
 */
export function messageView(
  parts: MessageParts,
  o: { showHtml: boolean; htmlHref: string; textHref: string; rawHref: string | null },
): SafeHtml {
  const text =
    parts.text ?? (parts.html ? decodeEntities(sanitizeHtml(parts.html).replace(/<[^>]+>/g, ' ')) : '');
  const body =
    o.showHtml && parts.html
      ? html`<iframe class="message" sandbox title="Sanitized HTML of the message" srcdoc="${`<!doctype html><meta charset="utf-8"><body>${sanitizeHtml(parts.html)}</body>`}"></iframe>
<p class="muted">Sanitized: only basic formatting kept; scripts, styles, forms and remote content removed; link targets shown defanged.</p>`
      : html`<pre class="message" tabindex="0" aria-label="Message text">${defangText(text.slice(0, MAX_TEXT))}</pre>`;
  return html`${parts.incomplete ? html`<p class="notice">Only part of this message is shown: ${parts.incomplete}. The raw .eml has all of it.</p>` : ''}
<pre class="message" aria-label="Message headers">${defangText(parts.headers)}</pre>
<p>${parts.html ? (o.showHtml ? html`<a href="${o.textHref}">Show as text</a>` : html`<a href="${o.htmlHref}">Show sanitized HTML</a>`) : html`<span class="muted">No HTML part.</span>`}
${o.rawHref ? html` · <a href="${o.rawHref}" download>Download raw .eml</a>` : ''}</p>
${body}
${parts.attached.map((a) => html`<details><summary>Attached ${a.type}</summary><pre class="message">${defangText(a.text)}</pre></details>`)}`;
}

/** What the page shows in place of a message that could not be rendered (the error is logged as http.error). */
export function unrenderableMessage(rawHref: string | null): SafeHtml {
  return html`<p class="error">This message could not be shown; the server log has the details.${rawHref ? html` <a href="${rawHref}" download>Download raw .eml</a>` : ''}</p>`;
}

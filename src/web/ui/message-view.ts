import { simpleParser, type ParsedMail } from 'mailparser';
import { defangText } from './defang.ts';
import { html, type SafeHtml } from './html.ts';
import { decodeEntities, sanitizeHtml } from './sanitize-html.ts';

const MAX_TEXT = 200_000;

interface MessageParts {
  headers: string;
  text: string | null;
  html: string | null;
  /** An attached original (message/rfc822 or text/rfc822-headers), as text. */
  attached: Array<{ type: string; text: string }>;
}

const headerBlock = (m: ParsedMail): string =>
  ['from', 'to', 'cc', 'subject', 'date', 'message-id']
    .map((h) => {
      const v = m.headers.get(h);
      if (v === undefined) return null;
      const s =
        typeof v === 'string'
          ? v
          : v instanceof Date
            ? v.toISOString()
            : typeof v === 'object' && v !== null && 'text' in v && typeof v.text === 'string'
              ? v.text
              : JSON.stringify(v);
      return `${h}: ${s.replace(/[\r\n]+/g, ' ')}`;
    })
    .filter((x) => x !== null)
    .join('\n');

/** Splits a stored message into what the page may show: headers, text, HTML and attached originals. */
export async function messageParts(raw: Buffer): Promise<MessageParts> {
  const m = await simpleParser(raw.subarray(0, 5 * 1024 * 1024), {
    skipImageLinks: true,
    skipHtmlToText: false,
    skipTextLinks: true,
  });
  const attached = m.attachments
    .filter((a) =>
      /^(message\/(rfc822|global)|text\/rfc822-headers|message\/feedback-report|message\/delivery-status)$/i.test(
        a.contentType,
      ),
    )
    .map((a) => ({ type: a.contentType, text: a.content.toString('utf8').slice(0, MAX_TEXT) }));
  return {
    headers: headerBlock(m),
    text: m.text ?? null,
    html: typeof m.html === 'string' ? m.html : null,
    attached,
  };
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
  return html`<pre class="message" aria-label="Message headers">${defangText(parts.headers)}</pre>
<p>${parts.html ? (o.showHtml ? html`<a href="${o.textHref}">Show as text</a>` : html`<a href="${o.htmlHref}">Show sanitized HTML</a>`) : html`<span class="muted">No HTML part.</span>`}
${o.rawHref ? html` · <a href="${o.rawHref}" download>Download raw .eml</a>` : ''}</p>
${body}
${parts.attached.map((a) => html`<details><summary>Attached ${a.type}</summary><pre class="message">${defangText(a.text)}</pre></details>`)}`;
}

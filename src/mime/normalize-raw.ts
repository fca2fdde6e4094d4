/**
 * Raw bytes → one latin1 "binary" string (one char per byte) with LF line endings, ready for the MIME
 * walk. Accepts CRLF, LF and bare CR (old Mac mail); drops an mbox `From ` envelope line and leading
 * junk lines before the first header (logs pasted ahead of a message happen in real mailboxes).
 */
export function normalizeRaw(raw: Buffer): string {
  let text = raw.toString('latin1');
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  text = text.replace(/^\n+/, '');
  if (text.startsWith('From ')) text = text.slice(text.indexOf('\n') + 1 || text.length);
  if (!/^[!-9;-~]+[ \t]*:/.test(text)) {
    // Up to 4 KB of junk: restart at the first run of three header-looking lines.
    const m = /^(?:[!-9;-~]+:[^\n]*\n(?:[ \t][^\n]*\n)*){3}/m.exec(text.slice(0, 4096));
    if (m) text = text.slice(m.index);
  }
  return text;
}

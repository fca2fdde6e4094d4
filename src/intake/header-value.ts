/**
 * Reads one top-level header from raw bytes without parsing the message: intake needs the
 * Message-ID cheaply. Looks only in the header block (up to the first empty line, at most 64 KB),
 * unfolds continuation lines (RFC 5322 §2.2.3).
 */
export function headerValue(raw: Buffer, name: string): string | null {
  const limit = Math.min(raw.length, 64 * 1024);
  const head = raw.subarray(0, limit).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = end === -1 ? head : head.slice(0, end);
  const re = new RegExp(`^${name.replace(/[-]/g, '\\-')}[ \\t]*:(.*(?:\\r?\\n[ \\t].*)*)`, 'im');
  const m = re.exec(block);
  return m ? m[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : null;
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface SourceMessage {
  /** Where it came from: `file` or `file#n` for the n-th message of an mbox. */
  source: string;
  raw: Buffer;
}

/** Does the file start like a message (a header field, or an mbox `From ` line)? */
function looksLikeMail(file: string): boolean {
  const head = readFileSync(file).subarray(0, 1024).toString('latin1').replace(/^\s+/, '');
  return /^From \S/.test(head) || /^[!-9;-~]+:/.test(head);
}

/**
 * Every file named, and every file below the directories named (recursively, hidden files skipped,
 * sorted) that starts like a message — a README or an index beside the mail is not ingested.
 */
export function listInputFiles(paths: string[]): { files: string[]; skipped: string[] } {
  const files: string[] = [];
  const skipped: string[] = [];
  const visit = (p: string, named: boolean): void => {
    if (statSync(p).isDirectory()) {
      for (const e of readdirSync(p).sort()) if (!e.startsWith('.')) visit(join(p, e), false);
    } else if (named || looksLikeMail(p)) files.push(p);
    else skipped.push(p);
  };
  for (const p of paths) visit(p, true);
  return { files, skipped };
}

// mboxrd/mboxo separator: a line starting "From " followed by an address or MAILER-DAEMON and a date.
const SEPARATOR = /^From \S+ .*\d{4}\s*$/;

/**
 * The messages in one file: a single RFC 5322 message, or an mbox (RFC 4155) split on its "From "
 * lines, with mboxrd's `>From ` quoting undone. A file with one leading `From ` line and nothing else
 * like it is one message (parse copes with the mbox first line).
 */
export function messagesInFile(file: string): SourceMessage[] {
  const raw = readFileSync(file);
  const text = raw.toString('latin1');
  if (!text.startsWith('From ')) return [{ source: file, raw }];
  const lines = text.split('\n');
  const starts: number[] = [];
  let offset = 0;
  const offsets: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    offsets.push(offset);
    // A separator begins the file or follows an empty line (RFC 4155 §2).
    if (SEPARATOR.test(lines[i]!.replace(/\r$/, '')) && (i === 0 || lines[i - 1]!.replace(/\r$/, '') === ''))
      starts.push(i);
    offset += lines[i]!.length + 1;
  }
  if (starts.length <= 1) return [{ source: file, raw }];
  return starts.map((start, n) => {
    const end = n + 1 < starts.length ? starts[n + 1]! : lines.length;
    const body = lines
      .slice(start + 1, end)
      .map((l) => (/^>+From /.test(l) ? l.slice(1) : l))
      .join('\n')
      .replace(/\r?\n$/, '\n');
    return { source: `${file}#${n + 1}`, raw: Buffer.from(body, 'latin1') };
  });
}

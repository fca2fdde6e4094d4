import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedReport, ReportKind } from '../../src/report/parsed-report.ts';
import { parseMessage } from '../../src/parse/parse-message.ts';

// The shared real-world corpus (../shared/corpus relative to the repo root). It is not part of the
// repository (several sources are GPL/Artistic), so a fresh clone skips this suite.
const corpus = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');
const present = existsSync(join(corpus, 'INDEX.tsv'));
if (!present) console.warn(`corpus test skipped: ${corpus} not found (see /work/shared/corpus/README.md)`);

/** The folder is "a first guess at the kind, not a ruling" (corpus README). */
const KIND_BY_FOLDER: Record<string, ReportKind> = {
  arf: 'fbl',
  'dmarc-forensic': 'auth-failure',
  dsn: 'bounce',
  autoreply: 'autoreply',
  forward: 'complaint',
  spamcop: 'complaint',
  xarf: 'other',
  other: 'other',
};

/**
 * Where we disagree with the folder (or the source project), and why.
 * | file | folder says | we say | why |
 */
const DISAGREEMENTS: Record<string, { kind: ReportKind; why: string }> = {
  // Apple Mail's List-Unsubscribe mailto ("sent this email to unsubscribe"), to an opt-out VERP address:
  // exactly abusedesk's `unsubscribe` kind (sisimai calls it feedback/opt-out; the folder says other).
  'other/sisimai-arf-26.eml': { kind: 'unsubscribe', why: 'List-Unsubscribe mailto request' },
  // A genuine Postfix DSN (multipart/report, Action: failed, 5.0.0): its 550 text asks the sender to
  // confirm, but the message was not delivered — abusedesk counts it as a bounce (soft: policy, not the address).
  'other/bounceparser-whitelist.eml': { kind: 'bounce', why: 'RFC 3464 DSN with Action: failed' },
  // Challenge-response systems are `autoreply` in abusedesk's vocabulary, not `other`.
  'other/bounceparser-bluebottle.eml': {
    kind: 'autoreply',
    why: 'challenge-response (abusedesk kind: autoreply)',
  },
  'other/bounceparser-boxbe-cr.eml': {
    kind: 'autoreply',
    why: 'Boxbe challenge-response in a multipart/report',
  },
  // Starts with application debug-log lines and has no top-level headers: nobody to acknowledge or to
  // suppress for, so staff triage it (`other`), though a newsletter is attached inside.
  'forward/phpbh-unsubscribe.eml': { kind: 'other', why: 'no top-level headers: reporter unknown' },
};

/**
 * DSN statuses we state differently from the source project's tests. sisimai reports its own private
 * code 5.0.918 for Google Workspace's "Send mail as" misconfiguration; it is not an RFC 3463 code. The
 * rejection is about the sender's setup (policy), so we infer 5.7.1 — soft, never a hard bounce of the address.
 */
const STATUS_DISAGREEMENTS: Record<string, string[]> = {
  'dsn/sisimai-lhost-googleworkspace-01.eml': ['5.7.1'],
};

interface Row {
  file: string;
  category: string;
  expected: Record<string, unknown> | null;
  notes: string;
}
const rows: Row[] = present
  ? readFileSync(join(corpus, 'INDEX.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const c = line.split('\t');
        return { file: c[0]!, category: c[1]!, expected: c[6] ? JSON.parse(c[6]) : null, notes: c[7] ?? '' };
      })
  : [];

/** crisp-*.txt are body-only inline-forward fragments: we give them the minimal headers a forward has. */
function rawOf(row: Row): Buffer {
  const bytes = readFileSync(join(corpus, row.file));
  if (!row.file.endsWith('.txt')) return bytes;
  // Like the library's own tests: the parent subject when the source gives one, else none for non-forwards.
  const subject =
    typeof row.expected?.subjectInput === 'string'
      ? row.expected.subjectInput
      : row.expected?.forwarded === false
        ? ''
        : `Fwd: ${typeof row.expected?.subject === 'string' ? row.expected.subject : 'spam'}`;
  return Buffer.concat([
    Buffer.from(
      `From: Reporter <reporter@example.org>\nTo: abuse@esp.example\nSubject: ${subject}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n`,
    ),
    bytes,
  ]);
}

function expectedKind(row: Row): ReportKind {
  const override = DISAGREEMENTS[row.file];
  if (override) return override.kind;
  if (row.file.endsWith('.txt') && row.expected?.forwarded === false) return 'other';
  return KIND_BY_FOLDER[row.category] ?? 'other';
}

const complainantCount = (r: ParsedReport): number =>
  r.complainants.length + (r.redactedComplainants?.length ?? 0);

describe.skipIf(!present)('shared corpus', () => {
  for (const row of rows) {
    it(row.file, async () => {
      const r = await parseMessage(rawOf(row));
      // The source project's own assertions (feedbackType, isBounce) do not apply where we overrule its kind.
      const e = DISAGREEMENTS[row.file] ? {} : (row.expected ?? {});
      expect(r.kind, r.reason).toBe(expectedKind(row));
      if (typeof e.feedbackType === 'string') expect(r.feedbackType).toBe(e.feedbackType);
      // sisimai's count is records: one per recipient, and one for a report whose recipient is withheld.
      if (r.kind === 'fbl' && typeof e.count === 'number')
        expect(Math.max(1, complainantCount(r))).toBe(e.count);
      if (r.kind === 'bounce') {
        if (typeof e.count === 'number') expect(r.bounces.length).toBe(e.count);
        const statuses =
          STATUS_DISAGREEMENTS[row.file] ??
          (Array.isArray(e.status) ? e.status : typeof e.status === 'string' ? [e.status] : null);
        if (statuses) expect(r.bounces.map((b) => b.status)).toEqual(statuses);
        if (e.hardBounce === true) expect(r.bounces.some((b) => b.hard)).toBe(true);
        if (Array.isArray(e.addresses)) expect(r.bounces.map((b) => b.recipient)).toEqual(e.addresses);
        if (typeof e.origMessageId === 'string') expect(r.original?.messageId).toBe(e.origMessageId);
      }
      if (e.isBounce === false) expect(r.kind).not.toBe('bounce');
      if (typeof e.userAgent === 'string') expect(r.userAgent).toBe(e.userAgent);
      if (typeof e.originalSubject === 'string') expect(r.original?.subject).toBe(e.originalSubject);
      if (typeof e.sourceIp === 'string') expect(r.sourceIp).toBe(e.sourceIp);
      if (row.file.endsWith('.txt') && e.forwarded === true) {
        expect(r.original?.subject).toBe(e.subject);
        if (typeof e.to0 === 'string') expect(r.complainants[0]).toBe(e.to0);
        else if (Array.isArray(e.to)) expect(r.complainants).toEqual(e.to);
      }
      // Never a complaint from an autoreply; never an address to suppress from a hashed local part.
      if (row.category === 'autoreply') expect(r.kind).not.toBe('complaint');
      if (/hash/i.test(row.notes)) expect(r.complainants.every((c) => !/^[0-9a-f]{32}@/.test(c))).toBe(true);
    });
  }
});

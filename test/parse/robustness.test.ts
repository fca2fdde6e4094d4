import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/parse/parse-message.ts';
import type { ParsedReport } from '../../src/report/parsed-report.ts';

// No input makes parseMessage throw, hang or balloon: every run ends (the parser enforces its own time
// bound) and names exactly one kind with a reason.
const TIMEOUT_MS = 200;
const KINDS = ['fbl', 'complaint', 'bounce', 'auth-failure', 'autoreply', 'unsubscribe', 'reply', 'other'];
const fixtures = join(import.meta.dirname, '..', 'fixtures');
const seeds = readdirSync(fixtures, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.eml'))
  .map((f) => readFileSync(join(fixtures, f)));

async function parseBounded(raw: Buffer): Promise<ParsedReport> {
  // The time bound is the parser's own (it answers kind other past it); timing itself is for `npm run bench`.
  const report = await parseMessage(raw, { limits: { timeoutMs: TIMEOUT_MS } });
  expect(KINDS).toContain(report.kind);
  expect(report.reason.length).toBeGreaterThan(0);
  expect(JSON.stringify(report).length).toBeLessThan(raw.length * 4 + 64 * 1024);
  return report;
}

const mimeLine = fc.oneof(
  fc.constantFrom(
    'Content-Type: multipart/mixed; boundary=b',
    'Content-Type: message/rfc822',
    'Content-Type: text/rfc822-headers',
    'Content-Type: message/feedback-report',
    'Content-Type: multipart/report; report-type=feedback-report; boundary=b',
    'Content-Transfer-Encoding: base64',
    'Content-Transfer-Encoding: quoted-printable',
    '--b',
    '--b--',
    '',
    'Feedback-Type: abuse',
    'Original-Rcpt-To: x@example.com',
    'Subject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=',
    'From: a@b.example',
    '=?utf-8?Q?=E2=82?=',
    '\r',
    'From x',
  ),
  fc.string({ maxLength: 80 }),
);

describe('robustness', () => {
  it('random bytes never throw and stay within the time bound', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        await parseBounded(Buffer.from(bytes));
      }),
      { numRuns: 150 },
    );
  });

  it('random MIME-shaped text never throws', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(mimeLine, { maxLength: 120 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        async (lines, nl) => {
          await parseBounded(Buffer.from(lines.join(nl), 'utf8'));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('mutated fixtures never throw', async () => {
    const mutation = fc.record({
      seed: fc.nat({ max: seeds.length - 1 }),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      cut: fc.nat({ max: 400 }),
      insert: fc.uint8Array({ maxLength: 200 }),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ seed, at, cut, insert }) => {
        const src = seeds[seed]!;
        const pos = Math.floor(at * src.length);
        await parseBounded(
          Buffer.concat([src.subarray(0, pos), Buffer.from(insert), src.subarray(pos + cut)]),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('deep nesting past maxDepth becomes other with the reason', async () => {
    let msg = 'From: a@b.example\nSubject: spam\n\nhi\n';
    for (let i = 0; i < 40; i++) msg = `From: x${i}@example.com\nContent-Type: message/rfc822\n\n${msg}`;
    const r = await parseBounded(Buffer.from(msg));
    expect(r.kind).toBe('other');
    expect(r.reason).toMatch(/nesting deeper than/);
  });

  it('too many parts becomes other with the reason', async () => {
    const parts = Array.from({ length: 2000 }, (_, i) => `--b\nContent-Type: text/plain\n\npart ${i}\n`).join(
      '',
    );
    const r = await parseBounded(
      Buffer.from(`From: a@b.example\nContent-Type: multipart/mixed; boundary=b\n\n${parts}--b--\n`),
    );
    expect(r.kind).toBe('other');
    expect(r.reason).toMatch(/more than 500 MIME parts/);
  });

  it('an oversized header block becomes other with the reason', async () => {
    const big = `X-Junk: ${'a'.repeat(300 * 1024)}\nFrom: a@b.example\n\nbody\n`;
    const r = await parseBounded(Buffer.from(big));
    expect(r.kind).toBe('other');
    expect(r.reason).toMatch(/header block larger than/);
  });

  it('decodes ISO-2022-JP, Windows-1252 and ISO-8859-2 text', async () => {
    const jp = await parseMessage(
      Buffer.concat([
        Buffer.from(
          'From: a@b.example\nTo: abuse@esp.example\nSubject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\nContent-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: text/plain\n\nsee attached\n--q\nContent-Type: message/rfc822\n\nFrom: s@news.acme.example\nTo: k@example.jp\nSubject: =?windows-1252?Q?Caf=E9_=80?=\nMessage-ID: <w@x>\n\nhi\n--q--\n',
        ),
      ]),
    );
    expect(jp.kind).toBe('complaint');
    expect(jp.original?.subject).toBe('Café €');
    const l2 = await parseMessage(
      Buffer.concat([
        Buffer.from(
          'From: a@b.example\nTo: abuse@esp.example\nContent-Type: text/plain; charset=iso-8859-2\nContent-Transfer-Encoding: 8bit\n\n' +
            'Spam.\n\n\n-------- Forwarded Message --------\nSubject: \t',
          'latin1',
        ),
        Buffer.from([0x50, 0xf8, 0xed, 0x6c, 0x69, 0xb9]), // "Příliš" in ISO-8859-2
        Buffer.from(
          '\nDate: \tMon, 2 Mar 2026 10:00:00 +0000\nFrom: \tAcme <news@news.acme.example>\nTo: \tpetr@example.cz\n\n\n\nBuy now.\n',
        ),
      ]),
    );
    expect(l2.kind).toBe('complaint');
    expect(l2.original?.subject).toBe('Příliš');
    expect(l2.complainants).toEqual(['petr@example.cz']);
  });
});

describe('pathological bodies', () => {
  // One character (or short unit) repeated over a 60,000-character body: the shape that exposes regexes with
  // quadratic backtracking. Each must be read within the parser's own default time bound, under every kind of
  // top-level header block the detectors branch on.
  const units = [
    '-',
    ' ',
    '<',
    '|',
    '\n',
    '\n\n',
    ' \n',
    '\r\n',
    '<a@b.example>',
    'a@b.example ',
    '5.1.1 ',
    '> ',
    ':',
    '=',
    '*',
  ];
  const heads = [
    'From: a@example.org\r\nSubject: hello\r\n',
    'From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n',
    'From: a@example.org\r\nSubject: Fwd: x\r\n',
    'From: a@example.org\r\nSubject: Automatic reply: x\r\n',
  ];
  it.each(units)('%j repeated is read within the time bound', async (unit) => {
    for (const head of heads) {
      const raw = Buffer.from(
        `${head}To: abuse@esp.example\r\n\r\n${unit.repeat(Math.ceil(60_000 / unit.length))}\r\n`,
      );
      const report = await parseMessage(raw);
      expect(report.reason).not.toMatch(/parse time limit/);
    }
  });
});

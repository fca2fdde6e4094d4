import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAutoreplyRules } from '../../src/classify/autoreply-rules.ts';
import { detectAutoreply } from '../../src/classify/autoreply.ts';
import type { AutoreplySource } from '../../src/extract/bounce/bounce-source.ts';
import { extractBounces } from '../../src/extract/bounce/extract-bounces.ts';
import { autoreplySourceFromEml, bounceSourceFromEml } from './bounce-source-from-eml.ts';
import { CORPUS_DIR, CORPUS_PRESENT, CORPUS_SKIP_MESSAGE, readCorpusIndex } from './corpus-index.ts';

function source(headers: Record<string, string>, subject: string, bodyText = '', from = 'Pat <pat@example.org>'): AutoreplySource {
  return { headers: new Map(Object.entries(headers).map(([name, value]) => [name, [value]])), subject, from, bodyText };
}

describe('detectAutoreply', () => {
  it('fires on RFC 3834 Auto-Submitted: auto-replied alone, and names the marker', () => {
    expect(detectAutoreply(source({ 'auto-submitted': 'auto-replied' }, 'Re: hello'))?.reason).toMatch(/Auto-Submitted: auto-replied/);
  });

  it('honours "Auto-Submitted: no" (RFC 3834 §5): header signs no longer count', () => {
    expect(detectAutoreply(source({ 'auto-submitted': 'no', 'x-auto-response-suppress': 'All', precedence: 'bulk' }, 'Re: hello', 'thank you for your message'))).toBeNull();
  });

  it('needs a second sign for auto-generated, and one of the weak signs must be content', () => {
    expect(detectAutoreply(source({ 'auto-submitted': 'auto-generated' }, 'Your invoice'))).toBeNull();
    // A newsletter: bulk, no-reply sender, null return path — all headers, no autoreply content.
    expect(detectAutoreply(source({ precedence: 'bulk', 'return-path': '<>' }, 'March news', 'Our new range', 'news@noreply.example.com'))).toBeNull();
    expect(detectAutoreply(source({ 'auto-submitted': 'auto-generated' }, 'Request received [#123]'))?.reason).toMatch(/acknowledgement/);
  });

  it.each([
    ['Out of Office: Spring sale', 'English'],
    ['Réponse automatique : soldes', 'French'],
    ['Automatische Antwort: Angebot', 'German'],
    ['Risposta automatica: saldi', 'Italian'],
    ['Fuera de la oficina', 'Spanish'],
    ['Raspuns automat: reduceri', 'Romanian'],
    ['Afwezig: uitverkoop', 'Dutch'],
    ['Resposta automática: promoções', 'Portuguese'],
  ])('recognises the subject "%s" (%s)', (subject, language) => {
    expect(detectAutoreply(source({}, subject))?.reason).toContain(`${language} out-of-office subject`);
  });

  it('treats X-MS-Exchange-Inbox-Rules-Loop as weak: a rule-forwarded spam is not an autoreply', () => {
    expect(detectAutoreply(source({ 'x-ms-exchange-inbox-rules-loop': 'pat@example.org' }, 'Cheap pills', 'Buy now'))).toBeNull();
  });

  it('stays silent on bounces, ARF reports, forwards and Apple Mail unsubscribes', () => {
    expect(detectAutoreply(source({ 'auto-submitted': 'auto-replied' }, 'Undelivered Mail Returned to Sender', '', 'MAILER-DAEMON@mx.example.net'))).toBeNull();
    expect(detectAutoreply(source({ 'auto-submitted': 'auto-generated', 'content-type': 'multipart/report; report-type=feedback-report' }, 'FW: Spring sale'))).toBeNull();
    expect(detectAutoreply(source({ 'content-type': 'multipart/report; report-type=delivery-status', 'auto-submitted': 'auto-replied' }, 'Delivery report'))).toBeNull();
    expect(detectAutoreply(source({}, 'Fwd: Out of Office deals', 'spam below'))).toBeNull();
    expect(detectAutoreply(source({ 'auto-submitted': 'auto-replied' }, 'unsubscribe', 'Apple Mail sent this email to unsubscribe'))).toBeNull();
  });

  it('recognises a challenge-response even in multipart/report dress (Boxbe)', () => {
    const boxbe = source({ 'content-type': 'multipart/report; report-type=delivery-status' }, 'Re: offer', 'Please add yourself to my Boxbe Guest List', 'noreply@boxbe.com');
    expect(detectAutoreply(boxbe)?.reason).toMatch(/challenge-response/);
  });
});

describe('compileAutoreplyRules', () => {
  it('names every bad rule by index', () => {
    const bad = [
      { on: 'subject', pattern: 'x', strength: 'strong', kind: 'vacation', marker: 'ok' },
      { on: 'header', pattern: 'x', strength: 'strong', kind: 'vacation', marker: 'no header name' },
      { on: 'body', pattern: '[', strength: 'weak', kind: 'hint', marker: 'bad regex' },
    ];
    expect(() => compileAutoreplyRules(bad, 'rules.json')).toThrow(/rule #1: .*header[\s\S]*rule #2: pattern is not a valid regular expression/);
  });
});

const FIXTURES = resolve(import.meta.dirname, '../fixtures/autoreply');

describe('golden autoreply fixtures (test/fixtures/autoreply)', () => {
  const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.eml'));
  it.each(files)('%s', async (name) => {
    const expected = JSON.parse(readFileSync(resolve(FIXTURES, name.replace(/\.eml$/, '.expected.json')), 'utf8')) as { kind: string };
    expect(expected.kind).toBe('autoreply');
    const raw = readFileSync(resolve(FIXTURES, name));
    expect(detectAutoreply(await autoreplySourceFromEml(raw))).not.toBeNull();
    expect(extractBounces(await bounceSourceFromEml(raw))).toBeNull();
  });

  it('no bounce fixture is taken for an autoreply', async () => {
    const dir = resolve(import.meta.dirname, '../fixtures/bounce');
    for (const name of readdirSync(dir).filter((file) => file.endsWith('.eml'))) {
      expect(detectAutoreply(await autoreplySourceFromEml(readFileSync(resolve(dir, name)))), name).toBeNull();
    }
  });
});

/** Challenge-response requests filed under other/: PRODUCT.md counts them as autoreplies. */
const CHALLENGES = ['other/bounceparser-boxbe-cr.eml', 'other/bounceparser-bluebottle.eml'];
/** Not autoreplies although some carry Auto-Submitted (Apple Mail unsubscribe, a Postfix DSN, plain mail). */
const NOT_AUTOREPLIES = ['other/sisimai-arf-26.eml', 'other/bounceparser-whitelist.eml', 'other/sisimai-not-is-not-bounce-01.eml'];

describe.skipIf(!CORPUS_PRESENT)('shared corpus: autoreplies', () => {
  const index = readCorpusIndex();
  const detect = async (file: string) => detectAutoreply(await autoreplySourceFromEml(readFileSync(resolve(CORPUS_DIR, file))));
  const autoreplies = [...index.keys()].filter((file) => file.startsWith('autoreply/'));

  // bounceparser-autoreply.eml is a TODO in its source project (no Auto-Submitted); we catch it by two weak signs.
  it.each([...autoreplies, ...CHALLENGES])('%s is an autoreply and not a bounce', async (file) => {
    expect(index.get(file)?.expected?.isBounce ?? false).toBe(false);
    expect((await detect(file))?.reason).toMatch(/^autoreply \(/);
    expect(extractBounces(await bounceSourceFromEml(readFileSync(resolve(CORPUS_DIR, file))))).toBeNull();
  });

  it.each(NOT_AUTOREPLIES)('%s is not an autoreply', async (file) => {
    expect(await detect(file)).toBeNull();
  });

  it('no DSN, ARF, forward, SpamCop, X-ARF or auth-failure sample is taken for an autoreply', async () => {
    const others = [...index.keys()].filter((file) => /^(dsn|arf|forward|spamcop|xarf|dmarc-forensic)\//.test(file));
    expect(others.length).toBeGreaterThan(60);
    const wrong: string[] = [];
    for (const file of others) if ((await detect(file)) !== null) wrong.push(file);
    expect(wrong).toEqual([]);
  });
});

if (!CORPUS_PRESENT) it.skip(CORPUS_SKIP_MESSAGE, () => undefined);

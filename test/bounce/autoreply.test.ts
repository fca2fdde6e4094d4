import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAutoreplyRules } from '../../src/classify/autoreply-rules.ts';
import { detectAutoreply } from '../../src/classify/autoreply.ts';
import type { AutoreplySource } from '../../src/extract/bounce/bounce-source.ts';
import { extractBounces } from '../../src/extract/bounce/extract-bounces.ts';
import { parseMessage } from '../../src/parse/parse-message.ts';
import { autoreplySourceFromEml, bounceSourceFromEml } from './bounce-source-from-eml.ts';
import { CORPUS_DIR, CORPUS_PRESENT, CORPUS_SKIP_MESSAGE, readCorpusIndex } from './corpus-index.ts';

function source(
  headers: Record<string, string>,
  subject: string,
  bodyText = '',
  from = 'Pat <pat@example.org>',
): AutoreplySource {
  return {
    headers: new Map(Object.entries(headers).map(([name, value]) => [name, [value]])),
    subject,
    from,
    bodyText,
  };
}

describe('detectAutoreply', () => {
  it('fires on RFC 3834 Auto-Submitted: auto-replied alone, and names the marker', () => {
    expect(detectAutoreply(source({ 'auto-submitted': 'auto-replied' }, 'Re: hello'))?.reason).toMatch(
      /Auto-Submitted: auto-replied/,
    );
  });

  it('honours "Auto-Submitted: no" (RFC 3834 §5): header signs no longer count', () => {
    expect(
      detectAutoreply(
        source(
          { 'auto-submitted': 'no', 'x-auto-response-suppress': 'All', precedence: 'bulk' },
          'Re: hello',
          'thank you for your message',
        ),
      ),
    ).toBeNull();
  });

  it('needs a second sign for auto-generated, and one of the weak signs must be content', () => {
    expect(detectAutoreply(source({ 'auto-submitted': 'auto-generated' }, 'Your invoice'))).toBeNull();
    // A newsletter: bulk, no-reply sender, null return path — all headers, no autoreply content.
    expect(
      detectAutoreply(
        source(
          { precedence: 'bulk', 'return-path': '<>' },
          'March news',
          'Our new range',
          'news@noreply.example.com',
        ),
      ),
    ).toBeNull();
    expect(
      detectAutoreply(source({ 'auto-submitted': 'auto-generated' }, 'Request received [#123]'))?.reason,
    ).toMatch(/acknowledgement/);
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
    ['Automatyczna odpowiedź: Wiosenna wyprzedaż', 'Polish'],
    ['Automatiskt svar: Vårrea', 'Swedish'],
    ['Automatisk svar: Forårsudsalg', 'Danish'],
    ['Fraværsmelding', 'Norwegian'],
    ['Automaattinen vastaus: Kevätale', 'Finnish'],
    ['Automatická odpověď: Jarní výprodej', 'Czech'],
    ['Automatická odpoveď: Jarný výpredaj', 'Slovak'],
    ['Automatikus válasz: Tavaszi akció', 'Hungarian'],
    ['Otomatik yanıt: Bahar indirimi', 'Turkish'],
    ['Автоматический ответ: Весенняя распродажа', 'Russian'],
    ['Автоматична відповідь: Весняний розпродаж', 'Ukrainian'],
    ['Αυτόματη απάντηση: Ανοιξιάτικες προσφορές', 'Greek'],
    ['自動応答: 春のセール', 'Japanese'],
    ['自动回复: 春季促销', 'Chinese (simplified)'],
    ['自動回覆: 春季特賣', 'Chinese (traditional)'],
    ['자동 회신: 봄 세일', 'Korean'],
  ])('recognises the subject "%s" (%s)', (subject, language) => {
    expect(detectAutoreply(source({}, subject))?.reason).toContain(`${language} out-of-office subject`);
  });

  it.each([
    ['Jestem poza biurem do 20 marca.', 'Polish'],
    ['Jag är på semester till och med den 23 mars.', 'Swedish'],
    ['Jeg er på ferie til og med 20. marts.', 'Danish and Norwegian'],
    ['Jeg er ute av kontoret frem til 24. mars.', 'Danish and Norwegian'],
    ['Olen lomalla 16.–27.3.', 'Finnish'],
    ['Jsem mimo kancelář do 20. 3.', 'Czech and Slovak'],
    ['Szabadságon vagyok március 23-ig.', 'Hungarian'],
    ['20 Mart tarihine kadar izindeyim.', 'Turkish'],
    ['Я в отпуске до 23 марта.', 'Russian and Ukrainian'],
    ['3月20日まで不在にしております。', 'Japanese'],
    ['我目前正在休假，3月23日返回。', 'Chinese'],
    ['我目前不在辦公室。', 'Chinese'],
    ['저는 3월 20일까지 휴가 중입니다.', 'Korean'],
    ['Ik ben op vakantie tot en met 17 maart.', 'Dutch and Portuguese'],
    ['Encontro-me de férias até 18 de março.', 'Dutch and Portuguese'],
  ])('reads the absence sentence "%s" (%s) as a weak sign', (body, language) => {
    // Alone it is one weak sign; with a Precedence header it makes two.
    expect(detectAutoreply(source({}, 'Re: Spring sale', body))).toBeNull();
    expect(detectAutoreply(source({ precedence: 'bulk' }, 'Re: Spring sale', body))?.reason).toContain(
      `${language} absence sentence`,
    );
  });

  it('counts Precedence: junk/bulk with an absence subject, never a bare Precedence header', () => {
    expect(detectAutoreply(source({ precedence: 'junk' }, 'Urlop'))?.reason).toMatch(/two weak signs/);
    expect(detectAutoreply(source({ precedence: 'bulk' }, 'Lomalla 16.–27.3.'))?.reason).toMatch(
      /one-word absence subject/,
    );
    expect(detectAutoreply(source({ precedence: 'junk' }, 'Hello'))).toBeNull();
    expect(detectAutoreply(source({ precedence: 'bulk' }, 'Hello', 'Our spring range is here.'))).toBeNull();
    // A one-word absence word that opens a longer subject is a newsletter's, not a responder's.
    expect(detectAutoreply(source({ precedence: 'bulk' }, 'Urlop w Grecji -40%'))).toBeNull();
  });

  it('takes no newsletter (List-Unsubscribe, List-Id) for an autoreply unless a responder header says so', () => {
    const news = {
      precedence: 'bulk',
      'list-unsubscribe': '<https://news.example.com/u/1>',
      'return-path': '<>',
    };
    expect(
      detectAutoreply(
        source(news, 'Out of office? Take the office with you', 'We have received your message'),
      ),
    ).toBeNull();
    expect(
      detectAutoreply(source({ 'list-id': '<staff.example.com>' }, 'Automatic reply: agenda')),
    ).toBeNull();
    expect(
      detectAutoreply(source({ ...news, 'auto-submitted': 'auto-replied' }, 'Automatic reply: agenda'))
        ?.reason,
    ).toMatch(/Auto-Submitted/);
  });

  it('recognises X-Apple-Action: vacation (iCloud)', () => {
    expect(detectAutoreply(source({ 'x-apple-action': 'vacation' }, 'Re: Spring sale'))?.reason).toMatch(
      /X-Apple-Action/,
    );
  });

  it('reads only the text above a forward banner, and ignores a subject kept from the forwarded mail', () => {
    const forwarded =
      'Please stop this.\n\n---------- Forwarded message ---------\nFrom: Acme <news@acme.example>\nSubject: On holiday? 20% off cruises\n\nThis is an automated message. I am away? Never again.';
    expect(detectAutoreply(source({ precedence: 'bulk' }, 'SPAM', forwarded))).toBeNull();
    expect(detectAutoreply(source({}, 'On holiday? 20% off cruises', forwarded))).toBeNull();
    expect(
      detectAutoreply(
        source(
          {},
          'Lomalla',
          'Olen lomalla.\n\n-----Original Message-----\nFrom: x@example.com\nSubject: Re: kokous',
        ),
      )?.reason,
    ).toMatch(/Finnish/);
  });

  it.each([
    'PD: Wyprzedaż',
    'VB: Vårrea',
    'VS: Udsalg',
    'VL: Kevätale',
    'İLT: İndirim',
    'ENC: Promoção',
    'Пересл: Скидки',
    '转发: 促销',
    '転送: セール',
    '전달: 세일',
  ])('stays silent on a person forwarding an out-of-office ("%s")', (prefix) => {
    expect(detectAutoreply(source({}, `${prefix} Automatic reply`, 'look at this'))).toBeNull();
  });

  it('treats X-MS-Exchange-Inbox-Rules-Loop as weak: a rule-forwarded spam is not an autoreply', () => {
    expect(
      detectAutoreply(
        source({ 'x-ms-exchange-inbox-rules-loop': 'pat@example.org' }, 'Cheap pills', 'Buy now'),
      ),
    ).toBeNull();
  });

  it('stays silent on bounces, ARF reports, forwards and Apple Mail unsubscribes', () => {
    expect(
      detectAutoreply(
        source(
          { 'auto-submitted': 'auto-replied' },
          'Undelivered Mail Returned to Sender',
          '',
          'MAILER-DAEMON@mx.example.net',
        ),
      ),
    ).toBeNull();
    expect(
      detectAutoreply(
        source(
          {
            'auto-submitted': 'auto-generated',
            'content-type': 'multipart/report; report-type=feedback-report',
          },
          'FW: Spring sale',
        ),
      ),
    ).toBeNull();
    expect(
      detectAutoreply(
        source(
          {
            'content-type': 'multipart/report; report-type=delivery-status',
            'auto-submitted': 'auto-replied',
          },
          'Delivery report',
        ),
      ),
    ).toBeNull();
    expect(detectAutoreply(source({}, 'Fwd: Out of Office deals', 'spam below'))).toBeNull();
    expect(
      detectAutoreply(
        source(
          { 'auto-submitted': 'auto-replied' },
          'unsubscribe',
          'Apple Mail sent this email to unsubscribe',
        ),
      ),
    ).toBeNull();
  });

  it('recognises a challenge-response even in multipart/report dress (Boxbe)', () => {
    const boxbe = source(
      { 'content-type': 'multipart/report; report-type=delivery-status' },
      'Re: offer',
      'Please add yourself to my Boxbe Guest List',
      'noreply@boxbe.com',
    );
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
    expect(() => compileAutoreplyRules(bad, 'rules.json')).toThrow(
      /rule #1: .*header[\s\S]*rule #2: pattern is not a valid regular expression/,
    );
  });
});

const FIXTURES = resolve(import.meta.dirname, '../fixtures/autoreply');

describe('golden autoreply fixtures (test/fixtures/autoreply)', () => {
  const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.eml'));
  it.each(files)('%s', async (name) => {
    const expected = JSON.parse(
      readFileSync(resolve(FIXTURES, name.replace(/\.eml$/, '.expected.json')), 'utf8'),
    ) as { kind: string };
    const raw = readFileSync(resolve(FIXTURES, name));
    // Every fixture here looks like an autoreply to detectAutoreply alone; the bounce ones show that bounce
    // detection, which runs first, keeps a failed delivery a bounce though it carries Auto-Submitted.
    expect(detectAutoreply(await autoreplySourceFromEml(raw))).not.toBeNull();
    if (expected.kind === 'bounce') {
      expect(extractBounces(await bounceSourceFromEml(raw))?.bounces.length).toBeGreaterThan(0);
      expect((await parseMessage(raw)).kind).toBe('bounce');
      return;
    }
    expect(expected.kind).toBe('autoreply');
    expect(extractBounces(await bounceSourceFromEml(raw))).toBeNull();
  });

  /** Each language's fixture is recognised by its subject and, separately, by its body. */
  const LANGUAGE_FIXTURES: [string, string, string][] = [
    ['automatyczna-odpowiedz-pl.eml', 'Polish out-of-office subject', 'Polish absence sentence'],
    ['automatiskt-svar-sv.eml', 'Swedish out-of-office subject', 'Swedish absence sentence'],
    ['automatisk-svar-da.eml', 'Danish out-of-office subject', 'Danish and Norwegian absence sentence'],
    [
      'fravaersmelding-gmail-no.eml',
      'Norwegian out-of-office subject',
      'Danish and Norwegian absence sentence',
    ],
    ['automaattinen-vastaus-fi.eml', 'Finnish out-of-office subject', 'Finnish absence sentence'],
    ['automaticka-odpoved-cs.eml', 'Czech out-of-office subject', 'Czech and Slovak absence sentence'],
    ['automatikus-valasz-sieve-hu.eml', 'Hungarian out-of-office subject', 'Hungarian absence sentence'],
    ['otomatik-yanit-tr.eml', 'Turkish out-of-office subject', 'Turkish absence sentence'],
    [
      'avtomaticheskiy-otvet-ru.eml',
      'Russian out-of-office subject',
      'Russian and Ukrainian absence sentence',
    ],
    ['jido-outou-iso2022jp-ja.eml', 'Japanese out-of-office subject', 'Japanese absence sentence'],
    [
      'zidong-huifu-gb2312-zh-cn.eml',
      'Chinese (simplified) out-of-office subject',
      'Chinese absence sentence',
    ],
    [
      'zidong-huifu-big5-zh-tw.eml',
      'Chinese (traditional) out-of-office subject',
      'Chinese absence sentence',
    ],
    ['jadong-hoesin-ko.eml', 'Korean out-of-office subject', 'Korean absence sentence'],
    ['automatisch-antwoord-nl.eml', 'Dutch out-of-office subject', 'Dutch and Portuguese absence sentence'],
    ['resposta-automatica-pt.eml', 'Portuguese out-of-office subject', 'non-English absence sentence'],
  ];
  it.each(LANGUAGE_FIXTURES)(
    '%s: subject and body each recognised, decoded from their charset',
    async (name, subjectMarker, bodyMarker) => {
      const full = await autoreplySourceFromEml(readFileSync(resolve(FIXTURES, name)));
      expect(
        detectAutoreply({ ...full, headers: new Map(), from: 'x@example.org', bodyText: '' })?.reason,
      ).toContain(subjectMarker);
      expect(
        detectAutoreply({
          ...full,
          headers: new Map([['precedence', ['bulk']]]),
          from: 'x@example.org',
          subject: 'Re: Spring sale',
        })?.reason,
      ).toContain(bodyMarker);
    },
  );

  it('an out-of-office answering our acknowledgement quotes the ticket id, yet is an autoreply, not a reply', async () => {
    const report = await parseMessage(readFileSync(resolve(FIXTURES, 'ticket-ack-out-of-office-sv.eml')));
    expect(report.kind).toBe('autoreply');
  });

  it('no bounce fixture is taken for an autoreply', async () => {
    const dir = resolve(import.meta.dirname, '../fixtures/bounce');
    for (const name of readdirSync(dir).filter((file) => file.endsWith('.eml'))) {
      expect(
        detectAutoreply(await autoreplySourceFromEml(readFileSync(resolve(dir, name)))),
        name,
      ).toBeNull();
    }
  });
});

/** Challenge-response requests filed under other/: they are autoreplies in our vocabulary. */
const CHALLENGES = ['other/bounceparser-boxbe-cr.eml', 'other/bounceparser-bluebottle.eml'];
/** Not autoreplies although some carry Auto-Submitted (Apple Mail unsubscribe, a Postfix DSN, plain mail). */
const NOT_AUTOREPLIES = [
  'other/sisimai-arf-26.eml',
  'other/bounceparser-whitelist.eml',
  'other/sisimai-not-is-not-bounce-01.eml',
];

describe.skipIf(!CORPUS_PRESENT)('shared corpus: autoreplies', () => {
  const index = readCorpusIndex();
  const detect = async (file: string) =>
    detectAutoreply(await autoreplySourceFromEml(readFileSync(resolve(CORPUS_DIR, file))));
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
    const others = [...index.keys()].filter((file) =>
      /^(dsn|arf|forward|spamcop|xarf|dmarc-forensic)\//.test(file),
    );
    expect(others.length).toBeGreaterThan(60);
    const wrong: string[] = [];
    for (const file of others) if ((await detect(file)) !== null) wrong.push(file);
    expect(wrong).toEqual([]);
  });
});

if (!CORPUS_PRESENT) it.skip(CORPUS_SKIP_MESSAGE, () => undefined);

import EmailForwardParser, { type EmailForwardMailbox, type EmailForwardResult } from 'email-forward-parser';
import { headerMapOf } from '../report/reported-original.ts';
import { parseAddresses } from '../extract/parse-addresses.ts';
import type { MessageFacts } from '../report/message-facts.ts';
import { partHeader } from '../mime/part-text.ts';
import type { Finding } from '../report/finding.ts';
import { humanComplainants } from './human-complainants.ts';

const parser = new EmailForwardParser();

const mailboxes = (
  v: EmailForwardMailbox | EmailForwardMailbox[] | null | undefined,
): EmailForwardMailbox[] => (v ? (Array.isArray(v) ? v : [v]) : []);
const show = (m: EmailForwardMailbox): string =>
  m.name && m.address ? `${m.name} <${m.address}>` : (m.address ?? m.name ?? '');

/**
 * Lines that open a quoted original in a person's forward, as mail clients write them: dashed banners
 * (Gmail, Thunderbird, Yahoo, Outlook's "-----Original Message-----", QQ Mail's "原始邮件", localized
 * variants) and Apple Mail's "Begin forwarded message:" in its languages. Outlook's "On … wrote:" reply
 * attributions are deliberately absent: they open replies as often as forwards.
 */
const BANNER_WORDS = [
  'forwarded message',
  'original message',
  'weitergeleitete nachricht',
  'urspr(?:ü|ue)ngliche nachricht',
  'original-nachricht',
  'message transf(?:é|e)r(?:é|e)',
  'message transmis',
  "message d'origine",
  'mensaje reenviado',
  'mensaje original',
  'messaggio inoltrato',
  'messaggio originale',
  'doorgestuurd bericht',
  'oorspronkelijk bericht',
  'origineel bericht',
  'mensagem encaminhada',
  'mensagem reencaminhada',
  'mensagem original',
  'mesaj redirec(?:ț|ţ|t)ionat',
  'mesaj original',
  'przekazana wiadomo(?:ś|s)(?:ć|c)',
  'wiadomo(?:ś|s)(?:ć|c) przes(?:ł|l)ana dalej',
  'tre(?:ś|s)(?:ć|c) przekazanej wiadomo(?:ś|s)ci',
  'oryginalna wiadomo(?:ś|s)(?:ć|c)',
  'vidarebefordrat meddelande',
  'originalmeddelande',
  'ursprungligt meddelande',
  'videresendt meddelelse',
  'oprindelig meddelelse',
  'videresendt melding',
  'opprinnelig melding',
  'edelleenl(?:ä|a)hetetty viesti',
  'alkuper(?:ä|a)inen viesti',
  'v(?:ä|a)litetty viesti',
  'p(?:ř|r)eposlan(?:á|a) zpr(?:á|a)va',
  'p(?:ů|u)vodn(?:í|i) zpr(?:á|a)va',
  'preposlan(?:á|a) spr(?:á|a)va',
  'tov(?:á|a)bb(?:í|i)tott (?:ü|u)zenet',
  'eredeti (?:ü|u)zenet',
  '(?:İ|I|i)letilmi(?:ş|s) mesaj',
  '(?:İ|I|i)letilen (?:İ|I|i)leti',
  'orijinal (?:ileti|mesaj)',
  'пересылаемое сообщение',
  'перенаправленное сообщение',
  'исходное сообщение',
  'переслане повідомлення',
  'メッセージを転送',
  '転送メッセージ',
  '元のメッセージ',
  '原始邮件',
  '转发邮件',
  '原始郵件',
  '轉寄郵件',
  '원본 메시지',
  '전달된 메시지',
];
const APPLE_WORDS = [
  'begin forwarded message',
  'anfang der weitergeleiteten nachricht',
  'd(?:é|e)but du message (?:r(?:é|e)exp(?:é|e)di(?:é|e)|transf(?:é|e)r(?:é|e))',
  'inicio del mensaje reenviado',
  'inizio messaggio inoltrato',
  'begin doorgestuurd bericht',
  'in(?:í|i)cio da mensagem (?:reencaminhada|encaminhada)',
  'pocz(?:ą|a)tek przekazywanej wiadomo(?:ś|s)ci',
  'vidarebefordrat mejl',
  'start p(?:å|a) videresendt besked',
  'videresendt melding',
  'v(?:ä|a)litetty viesti alkaa',
  'za(?:č|c)(?:á|a)tek p(?:ř|r)eposílané zpr(?:á|a)vy',
  'tov(?:á|a)bb(?:í|i)tott lev(?:é|e)l kezdete',
  '(?:İ|I|i)leti ba(?:ş|s)lang(?:ı|i)c(?:ı|i)',
  'начало переадресованного сообщения',
  '転送されたメッセージ',
];
const BANNER = `[-_=]{2,}[ \\t]*(?:${BANNER_WORDS.join('|')})[ \\t]*[-_=]{2,}`;
const APPLE = `(?:${APPLE_WORDS.join('|')})[ \\t]*[:：]`;
/** One line that opens a quoted original (see BANNER_WORDS). */
export const FORWARD_MARKER = new RegExp(`^[ \\t>]*(?:${BANNER}|${APPLE})[ \\t]*$`, 'im');
const FORWARD_MARKER_LINES = new RegExp(FORWARD_MARKER.source, 'gim');
/** The Gmail banner, which the library reads in every locale; our extra banners are rewritten to it. */
const LIBRARY_BANNER = '---------- Forwarded message ---------';

/** Reply prefixes (en, de, nl, nordic, pl, tr, fi, it, es/pt, ru, zh, ja, ko): a reply quotes, it does not forward. */
const REPLY_SUBJECT =
  /^\s*(?:re|aw|antw|sv|odp|ynt|yan[ıi]t|vs|vast|r|rif|res|ref|отв|ответ|回复|答复|回覆|返信|답장)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]/i;

/** The subject line of a quoted header block, in the labels the common mail clients use. */
const QUOTED_SUBJECT =
  /^[ \t>*]*(?:subject|betreff|objet|sujet|asunto|oggetto|onderwerp|assunto|subiect(?:ul)?|temat|(?:ä|a)mne|emne|aihe|p(?:ř|r)edm(?:ě|e)t|predmet|t(?:á|a)rgy|konu|тема|件名|主题|主旨|제목)[ \t]*\*?[ \t]*[:：][ \t]*(.*)$/im;

/**
 * Where a person's own words end and a forwarded original begins, if the text has a forward banner:
 * `before` is the text above it, `quotedSubject` the Subject line of the quoted header block below it.
 */
export function forwardedBlock(text: string): { before: string; quotedSubject: string | null } | null {
  const m = FORWARD_MARKER.exec(text);
  if (!m) return null;
  const after = text.slice(m.index + m[0].length, m.index + m[0].length + 1500);
  const subject = QUOTED_SUBJECT.exec(after)?.[1]?.trim() ?? null;
  return { before: text.slice(0, m.index), quotedSubject: subject || null };
}

/** RFC 5322 §2.1.1: no real line is longer; the library's regexes cost quadratic time on longer ones. */
const MAX_LINE = 998;
/** A forward's banner and quoted header block sit near the top; the library need not scan a whole novel. */
const MAX_BODY = 64 * 1024;

/** Bounds what the library scans, so a hostile body (one 60,000-character line) cannot stall parsing. */
function bounded(body: string): string {
  const head = body.length > MAX_BODY ? body.slice(0, MAX_BODY) : body;
  return head.replace(new RegExp(`[^\\n]{${MAX_LINE}}[^\\n]+`, 'g'), (line) => line.slice(0, MAX_LINE));
}

function read(body: string, subject: string | null): EmailForwardResult | null {
  try {
    return parser.read(bounded(body), subject);
  } catch {
    return null;
  }
}

/** The library's reading, retried with our extra banners rewritten to one it knows. */
function readForward(body: string, subject: string | null): EmailForwardResult | null {
  const first = read(body, subject);
  if (first?.forwarded && first.email.from.address) return first;
  const rewritten = body.replace(FORWARD_MARKER_LINES, LIBRARY_BANNER);
  if (rewritten === body) return null;
  const second = read(rewritten, subject);
  return second?.forwarded && second.email.from.address ? second : null;
}

function finding(facts: MessageFacts, result: EmailForwardResult, reason: string): Finding {
  const e = result.email;
  const to = mailboxes(e.to).flatMap((m) => parseAddresses(m.address));
  const reporter = facts.reporter;
  const headers = headerMapOf([
    ['From', show(e.from)],
    ['To', mailboxes(e.to).map(show).join(', ')],
    ['Cc', mailboxes(e.cc).map(show).join(', ')],
    ['Subject', e.subject],
    ['Date', e.date],
  ]);
  return {
    kind: 'complaint',
    reason,
    feedbackType: 'abuse',
    reporter,
    complainants: humanComplainants(to, reporter),
    original: { headers, rawHeaders: '', bodyText: e.body ?? '', html: '', headersOnly: false },
  };
}

/**
 * Inline forwards (Gmail, Outlook, Apple Mail, Thunderbird, Yahoo… in many languages): the
 * email-forward-parser library finds the quoted header block; headers are lost but links survive.
 *
 * With a forward prefix in the subject ("Fwd:", "TR:", "WG:", "PD:"…) the library may also split on a
 * bare quoted From line. Without one — the reporter wrote "SPAM!!" or "look at this" — only a forward
 * banner in the body counts, and not when the subject is a reply's ("Re:"), when the quoted sender is
 * the reporter (a follow-up quoting their own mail) or the mailbox written to (a conversation with us).
 */
export function detectInlineForward(facts: MessageFacts): Finding | null {
  if (facts.bodyText.trim() === '') return null;
  const prefixed = facts.subject.trim() !== '' && read('', facts.subject)?.forwarded === true;
  if (prefixed) {
    const result = readForward(facts.bodyText, facts.subject);
    // A "Fwd:" subject alone is not a forward of anything: require the quoted header block's sender.
    return result ? finding(facts, result, 'human report: inline forward') : null;
  }
  if (REPLY_SUBJECT.test(facts.subject)) return null;
  const result = readForward(facts.bodyText, null);
  if (!result) return null;
  const quotedFrom = (result.email.from.address ?? '').toLowerCase();
  const reporter = facts.reporter;
  const ours = [
    ...parseAddresses(partHeader(facts.part, 'to')),
    ...parseAddresses(partHeader(facts.part, 'cc')),
  ];
  if (quotedFrom === reporter || ours.includes(quotedFrom)) return null;
  return finding(
    facts,
    result,
    facts.subject.trim() === ''
      ? 'human report: inline forward'
      : 'human report: inline forward (no forward prefix in the subject)',
  );
}

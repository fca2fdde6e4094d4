import type { AutoreplySource } from '../extract/bounce/bounce-source.ts';
import { BOUNCE_SUBJECT, DELIVERY_SYSTEM_SENDER } from '../extract/bounce/text-bounce-evidence.ts';
import { autoreplyRules, type AutoreplyRule } from './autoreply-rules.ts';
import { forwardedBlock } from './detect-inline-forward.ts';

export interface AutoreplyVerdict {
  reason: string;
}

/** Auto-replies say what they are in their first lines; reading further only finds quoted originals. */
const BODY_WINDOW = 2048;
/**
 * A person forwarding something (maybe an out-of-office) to abuse@ is not an autoreply. Outlook's and
 * webmail's localized forward prefixes: en/de/es/fr/it, pl PD, da VS, sv VB, fi VL, no Videresend,
 * tr İLT, pt-br ENC, ro Redir, ru Пересл, zh 转发/轉寄, ja 転送, ko 전달.
 */
const FORWARD_SUBJECT =
  /^\s*(?:fwd?|fw|tr|wg|rv|i|pd|vs|vb|vl|videresend|[İi]lt|enc|redir\.?|пересл|转发|轉寄|転送|전달)\s*[:：]/i;
/** Apple Mail's one-click unsubscribe mail carries Auto-Submitted: auto-replied; it is an unsubscribe request. */
const UNSUBSCRIBE_SUBJECT = /^\s*unsubscribe\b/i;

interface Hit {
  rule: AutoreplyRule;
  text: string;
}

function contentType(source: AutoreplySource): string {
  return (source.headers.get('content-type')?.[0] ?? '').toLowerCase();
}

function quote(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  return trimmed.length > 60 ? `${trimmed.slice(0, 57)}...` : trimmed;
}

function collectHits(source: AutoreplySource, body: string, subjectUsable: boolean): Hit[] {
  const hits: Hit[] = [];
  for (const rule of autoreplyRules) {
    if (rule.on === 'header') {
      const values = rule.header === 'from' ? [source.from] : (source.headers.get(rule.header!) ?? []);
      const value = values.find((candidate) => rule.regex.test(candidate));
      if (value !== undefined) hits.push({ rule, text: `${rule.header}: ${quote(value)}` });
    } else if (rule.on === 'subject') {
      const match = subjectUsable ? rule.regex.exec(source.subject) : null;
      if (match !== null) hits.push({ rule, text: `subject "${quote(match[0])}"` });
    } else {
      const match = rule.regex.exec(body);
      if (match !== null) hits.push({ rule, text: `body "${quote(match[0])}"` });
    }
  }
  return hits;
}

/**
 * Recognises out-of-office and vacation replies, challenge-response requests and "we received your mail"
 * acknowledgements. A strong sign (RFC 3834 Auto-Submitted: auto-replied, X-Autoreply, X-Apple-Action:
 * vacation, an out-of-office subject — Outlook's localized "Automatic reply:" and the like — in EN, FR, DE,
 * IT, ES, RO, NL, PT, PL, SV, DA, NO, FI, CS, SK, HU, TR, RU, UK, EL, JA, ZH, KO, a challenge-response
 * request) decides alone; weak signs (null Return-Path, Precedence: bulk/junk, X-Auto-Response-Suppress,
 * an absence sentence, a one-word absence subject…) need two, one of them in the subject or body, so that
 * a newsletter sent to abuse@ is not taken for an autoreply; list mail needs a responder header.
 *
 * Conservative about reports: returns null for bounces from delivery systems, for ARF and other
 * multipart/report messages (only a challenge-response may borrow that format), and for unsubscribe mail.
 */
export function detectAutoreply(source: AutoreplySource): AutoreplyVerdict | null {
  const type = contentType(source);
  if (type.includes('multipart/report') && type.includes('feedback-report')) return null;
  if (DELIVERY_SYSTEM_SENDER.test(source.from) && BOUNCE_SUBJECT.test(source.subject)) return null;
  if (UNSUBSCRIBE_SUBJECT.test(source.subject)) return null;

  // Below a forward banner is someone else's mail (a newsletter's "this is an automated message"): only
  // the text above it speaks for the sender. When the subject is the quoted original's, the person kept
  // the forwarded mail's subject, so it says nothing about this message either.
  const block = forwardedBlock(source.bodyText);
  const text = block ? block.before : source.bodyText;
  const body = text.length > BODY_WINDOW ? text.slice(0, BODY_WINDOW) : text;
  const keptSubject =
    block !== null && block.quotedSubject !== null && block.quotedSubject === source.subject.trim();
  const hits = collectHits(source, body, !FORWARD_SUBJECT.test(source.subject) && !keptSubject);
  // RFC 3834 §5: "Auto-Submitted: no" says explicitly that a person sent it; only content signs may overrule.
  const explicitlyHuman = (source.headers.get('auto-submitted') ?? []).some((value) =>
    /^\s*no\b/i.test(value),
  );
  const usable = hits.filter((hit) => !(explicitlyHuman && hit.rule.on === 'header'));
  const isReport = type.includes('multipart/report');
  const candidates = isReport ? usable.filter((hit) => hit.rule.kind === 'challenge-response') : usable;

  // A newsletter or list mail (List-Unsubscribe, List-Id) sent to abuse@ is no autoreply, whatever its
  // subject says ("Out of office? Try our deals"): only a header that only responders set decides for it.
  const listMail = ['list-unsubscribe', 'list-id'].some(
    (name) => (source.headers.get(name) ?? []).length > 0,
  );
  const strong = candidates.filter((hit) => hit.rule.strong && !(listMail && hit.rule.on !== 'header'));
  const weak = candidates.filter((hit) => !strong.includes(hit));
  const weakFromContent = weak.some((hit) => hit.rule.on !== 'header');
  if (strong.length === 0 && (listMail || !(weak.length >= 2 && weakFromContent))) return null;

  const deciding = strong.length > 0 ? [...strong, ...weak] : weak;
  const kind =
    deciding.find((hit) => hit.rule.kind !== 'hint' && hit.rule.kind !== 'rfc3834')?.rule.kind ??
    'automatic reply';
  const how = strong.length > 0 ? 'strong sign' : 'two weak signs';
  return {
    reason: `autoreply (${kind}, ${how}): ${deciding.map((hit) => `${hit.rule.marker} [${hit.text}]`).join('; ')}`,
  };
}

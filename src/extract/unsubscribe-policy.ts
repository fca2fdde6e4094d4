import type { UnsubscribePolicy } from '../report/parsed-report.ts';

// Link text or URL words for "unsubscribe" in the languages our reporters write in.
const UNSUBSCRIBE_WORDS =
  /unsubscribe|unsub\b|opt[-_ ]?out|d[ée]sinscri|d[ée]sabonn|abmelden|abbestellen|austragen|disiscri|cancella(?:zione|re) iscrizione|darse de baja|\bbaja\b|cancelar suscripci|dezabon|dezabonare|afmelden|uitschrijven/i;

const LINK = /(?:https?:\/\/|mailto:)[^\s"'<>]+/gi;

export function unsubscribePolicy(
  listUnsubscribe: string | null,
  listUnsubscribePost: string | null,
  headersKnown: boolean,
  bodies: string[],
): UnsubscribePolicy {
  const uris = [...(listUnsubscribe ?? '').matchAll(/<([^>]+)>/g)].map((m) => m[1]!.trim());
  const header = headersKnown ? uris.length > 0 : null;
  const oneClick = headersKnown
    ? /List-Unsubscribe=One-Click/i.test(listUnsubscribePost ?? '') && uris.some((u) => /^https:/i.test(u))
    : null;
  const bodyLink = bodies.some((text) => {
    for (const m of text.matchAll(LINK)) {
      // the link itself, or the words just before it (anchor text survives html-to-text as "text <url>" or "text (url)")
      const before = text.slice(Math.max(0, m.index - 80), m.index);
      if (UNSUBSCRIBE_WORDS.test(m[0]) || UNSUBSCRIBE_WORDS.test(before)) return true;
    }
    return false;
  });
  return { header, oneClick, bodyLink };
}

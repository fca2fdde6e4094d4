/**
 * The reporter's own words: the top of a human report's text, before the forwarded or quoted original
 * begins. Used to pick the language of the acknowledgement and shown to staff first.
 */
const ORIGINAL_STARTS = [
  /^-{2,}\s*(forwarded message|original message|message transféré|message d'origine|weitergeleitete nachricht|ursprüngliche nachricht|messaggio inoltrato|messaggio originale|mensaje reenviado|mensaje original|mesaj redirecționat|mesaj original|doorgestuurd bericht)/i,
  /^begin forwarded message:/i,
  /^(on|le|am|il|el|în data de|op) .{4,120}(wrote|a écrit|schrieb|ha scritto|escribió|a scris|schreef)\s*:?\s*$/i,
  /^(from|de|von|da|van|de la)\s*:\s*\S/i,
  /^>/,
];

export function reporterWords(text: string, max = 2000): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (ORIGINAL_STARTS.some((re) => re.test(l))) break;
    out.push(line);
  }
  return out.join('\n').trim().slice(0, max);
}

/**
 * Which of our acknowledgement languages the reporter wrote in, from their own words (the text above the
 * forwarded part). Deterministic stop-word scoring:
 *
 * 1. The text (first 4 KB) is NFC-normalised and lower-cased; Romanian cedilla letters (ş ţ, legacy
 *    encodings) are folded to comma-below (ș ț); links and addresses are dropped; words are runs of letters (so "n'ai" is "n" + "ai").
 * 2. Loanwords every language uses (spam, email, stop) are in no list. Each word found in a language's list adds 1 / (number of languages listing it) to that language:
 *    "de" or "la" count a little for several languages, "jamais" or "nicht" count fully for one.
 * 3. A forward marker a mail client writes in the user's language ("Message transféré",
 *    "Weitergeleitete Nachricht", …) adds 2.
 * 4. The highest score wins; ties go to the earlier language in LANGUAGES; no score at all gives `en`.
 */
export const LANGUAGES = ['en', 'fr', 'de', 'it', 'es', 'ro'] as const;
export type Language = (typeof LANGUAGES)[number];

const STOP_WORDS: Record<Language, string> = {
  en: "the and is are was were this that these those you your yours i me my we our us it its not no never please thank thanks hello hi dear to of for from with have has had did do does don t i'm been about sign signed up again any received receiving getting keep sending asked message messages what why who kind regards",
  fr: 'le la les un une des du de et est sont je j n ne pas jamais vous votre vos nous notre il elle ce cette ces ça cela que qui quoi pour avec sans sur dans au aux ai avez ont été merci bonjour bonsoir madame monsieur reçu reçois recevoir encore toujours plus mon ma mes me m inscrit inscrite désinscrire désabonner demandé pourquoi svp cordialement salutations voici',
  de: 'der die das den dem des ein eine einen einem und ist sind ich mich mir mein meine nicht nie kein keine sie ihr ihre wir uns es zu von mit für auf bei aus habe hast hat haben wurde bitte danke hallo guten tag sehr geehrte geehrter damen herren schon wieder immer noch diese dieser diesen dies erhalte erhalten bekomme bekommen abgemeldet angemeldet abmelden warum grüßen freundlichen grüße mfg',
  it: 'il lo la i gli le un una uno di del della dei delle e è sono io mi mio mia non mai più voi vostro vostra lei noi ci che chi per con su da in questo questa questi queste ho hai ha abbiamo hanno grazie buongiorno buonasera ciao gentile gentili salve ricevo ricevere ricevuto ancora continuo sempre iscritto iscritta disiscritto cancellato cancellare chiesto perché cordiali saluti distinti',
  es: 'el la los las un una unos unas de del y es son soy yo me mi mis no nunca más usted ustedes su sus nosotros nos que qué quien para con sin por en este esta estos estas esto he ha han hemos gracias hola buenos buenas días tardes estimados estimado recibo recibir recibiendo sigo todavía siempre suscrito suscrita darme baja otra vez pedido solicitado por qué atentamente saludos correo correos',
  ro: 'și si în in un o unei unui de la pe cu din pentru este sunt am ai au eu mă mi meu mea nu niciodată mai vă voi dumneavoastră noi ne ce care cine acest această aceste acesta acestea mulțumesc mulțumim bună ziua buna seara salut vă rog primesc primit primi continuu încă mereu abonat abonată dezabonat dezabonez cerut solicitat de ce cu stimă toate mesaje mesajele iar',
};

/** Forward and reply markers mail clients write in their UI language. */
const MARKERS: Record<Language, string[]> = {
  en: ['forwarded message', 'begin forwarded message', 'original message'],
  fr: ['message transféré', 'début du message réexpédié', "message d'origine", 'message original'],
  de: ['weitergeleitete nachricht', 'ursprüngliche nachricht', 'anfang der weitergeleiteten nachricht'],
  it: ['messaggio inoltrato', 'messaggio originale', 'inizio messaggio inoltrato'],
  es: ['mensaje reenviado', 'mensaje original', 'inicio del mensaje reenviado'],
  ro: ['mesaj redirecționat', 'mesaj transmis', 'mesajul original', 'mesaj original'],
};

const MARKER_WEIGHT = 2;
const MAX_TEXT = 4096;

const fold = (s: string): string => s.normalize('NFC').toLowerCase().replace(/ş/g, 'ș').replace(/ţ/g, 'ț');

/** word → per-language weight (1 / number of languages listing the word). */
const WEIGHTS: Map<string, Array<[Language, number]>> = (() => {
  const owners = new Map<string, Language[]>();
  for (const lang of LANGUAGES) {
    for (const w of new Set(
      fold(STOP_WORDS[lang])
        .split(/[^\p{L}]+/u)
        .filter(Boolean),
    ))
      owners.set(w, [...(owners.get(w) ?? []), lang]);
  }
  return new Map(
    [...owners].map(([w, langs]) => [w, langs.map((l) => [l, 1 / langs.length] as [Language, number])]),
  );
})();

/** Per-language scores (exported for tests and for showing staff why a language was chosen). */
export function languageScores(text: string): Record<Language, number> {
  const scores: Record<Language, number> = { en: 0, fr: 0, de: 0, it: 0, es: 0, ro: 0 };
  // Links and addresses are not words anyone wrote (`?y=1` is not Spanish).
  const t = fold(text.slice(0, MAX_TEXT)).replace(/\b[a-z][a-z0-9+.-]*:\/\/\S*|\S+@\S+|\bwww\.\S+/g, ' ');
  for (const word of t.split(/[^\p{L}]+/u)) {
    for (const [lang, w] of WEIGHTS.get(word) ?? []) scores[lang] += w;
  }
  for (const lang of LANGUAGES) {
    for (const m of MARKERS[lang]) if (t.includes(m)) scores[lang] += MARKER_WEIGHT;
  }
  return scores;
}

export function detectLanguage(text: string): Language {
  const scores = languageScores(text);
  let best: Language = 'en';
  for (const lang of LANGUAGES) if (scores[lang] > scores[best]) best = lang;
  return best;
}

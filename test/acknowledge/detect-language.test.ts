import { describe, expect, it } from 'vitest';
import { detectLanguage, languageScores } from '../../src/acknowledge/detect-language.ts';

describe('detectLanguage', () => {
  const snippets: Array<[string, string]> = [
    ['en', 'Hi, I never signed up for this and I keep getting these emails. Please make it stop.'],
    ['en', 'This is spam, please deal with it. Thanks'],
    [
      'fr',
      "Bonjour, je n'ai jamais demandé à recevoir ces messages. Merci de faire le nécessaire pour que cela cesse.",
    ],
    ['fr', 'Je reçois encore ce spam alors que je me suis désinscrit.'],
    ['de', 'Hallo, ich habe mich nie für diesen Newsletter angemeldet. Bitte unterbinden Sie das.'],
    ['de', 'Schon wieder Spam von diesem Absender, obwohl ich abgemeldet bin.'],
    ['it', 'Buongiorno, non mi sono mai iscritto a questa lista. Vi prego di fermare questi messaggi.'],
    ['it', 'Ancora spam, grazie'],
    ['es', 'Hola, nunca me he suscrito a esta lista. Por favor, dejen de enviarme correos.'],
    ['es', 'Otra vez spam. Gracias'],
    ['ro', 'Bună ziua, nu m-am abonat niciodată la această listă. Vă rog să opriți aceste mesaje.'],
    // legacy cedilla letters (ş ţ) fold to comma-below (ș ț)
    ['ro', 'Vă mulţumesc, dar nu vreau să mai primesc aceste mesaje.'],
  ];
  it.each(snippets)('%s: %s', (lang, text) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it.each([
    ['fr', '---------- Message transféré ---------'],
    ['de', '-------- Weitergeleitete Nachricht --------'],
    ['it', '-------- Messaggio inoltrato --------'],
    ['es', '---------- Mensaje reenviado ---------'],
    ['ro', '----- Mesaj redirecţionat -----'],
    ['ro', '----- Mesaj redirecționat -----'],
  ])('forward marker alone names the client language: %s', (lang, text) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it('falls back to English when nothing is recognised', () => {
    expect(detectLanguage('')).toBe('en');
    expect(detectLanguage('SPAM!!!')).toBe('en');
    expect(detectLanguage('https://example.com/x?y=1 12345')).toBe('en');
    expect(languageScores('spam')).toEqual({ en: 0, fr: 0, de: 0, it: 0, es: 0, ro: 0 });
  });

  it('weights shared words less than words of one language', () => {
    const s = languageScores('de la');
    expect(s.fr).toBeLessThan(1);
    expect(s.ro).toBeLessThan(1);
    expect(languageScores('jamais').fr).toBe(1);
  });

  it('is deterministic and reads at most the first 4 KB', () => {
    const long = `${'Hello, this is the thing. '.repeat(200)} Bonjour je ne veux pas`;
    expect(detectLanguage(long)).toBe('en');
    expect(detectLanguage(long)).toBe(detectLanguage(long));
  });
});

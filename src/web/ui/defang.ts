const URL_IN_TEXT = /\b(?:https?|ftp|javascript|data|vbscript):[^\s<>"'`]*/gi;

/**
 * A URL made unclickable and unmistakable (hxxp://evil[.]example/…): staff can read and copy it
 * into their tools, but no browser or mail client will turn it back into a link.
 */
export function defangUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):(\/\/)?([^/?#]*)(.*)$/is.exec(url.trim());
  if (!m) return url.replace(/\./g, '[.]');
  const scheme = m[1]!.toLowerCase().replace(/^http/, 'hxxp').replace(/^ftp$/, 'fxp');
  if (!m[2]) return `${scheme}[:]${m[3]!}${m[4]!}`;
  return `${scheme}://${m[3]!.replace(/\./g, '[.]')}${m[4]!}`;
}

/** Every URL inside a text defanged. */
export const defangText = (text: string): string => text.replace(URL_IN_TEXT, (u) => defangUrl(u));

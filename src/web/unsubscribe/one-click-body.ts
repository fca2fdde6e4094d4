import { parseForm, formValues } from '../ui/parse-form.ts';

/** The key/value pair RFC 8058 §3.1 requires in the body of a one-click unsubscribe POST. */
export const ONE_CLICK_KEY = 'List-Unsubscribe';
export const ONE_CLICK_VALUE = 'One-Click';

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The values of `name` in a multipart/form-data body (RFC 7578): each part's Content-Disposition name. */
function multipartValues(body: string, boundary: string, name: string): string[] {
  const values: string[] = [];
  for (const chunk of body.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith('--')) break; // the close delimiter
    const m = /^\r?\n([\s\S]*?)\r?\n\r?\n([\s\S]*?)\r?\n?$/.exec(chunk);
    if (!m) continue;
    const field = /content-disposition:\s*form-data;[^\r\n]*?\bname="?([^";\r\n]+)"?/i.exec(m[1]!);
    if (field && same(field[1]!, name)) values.push(m[2]!);
  }
  return values;
}

/**
 * True when a one-click POST body carries `List-Unsubscribe=One-Click` (RFC 8058 §3.1), sent as
 * application/x-www-form-urlencoded or multipart/form-data (the two encodings the RFC names); a body of
 * any other type counts when it is that pair alone. Names and values compare case-insensitively.
 */
export function isOneClickBody(contentType: string | undefined, body: string | null | undefined): boolean {
  if (typeof body !== 'string' || body === '') return false;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  let values: string[];
  if (type === 'multipart/form-data') {
    const boundary = /;\s*boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
    values = boundary ? multipartValues(body, boundary, ONE_CLICK_KEY) : [];
  } else if (type === 'application/x-www-form-urlencoded') {
    const form = parseForm(body);
    values = Object.keys(form)
      .filter((k) => same(k, ONE_CLICK_KEY))
      .flatMap((k) => formValues(form, k));
  } else {
    values = same(body.trim(), `${ONE_CLICK_KEY}=${ONE_CLICK_VALUE}`) ? [ONE_CLICK_VALUE] : [];
  }
  return values.some((v) => same(v.trim(), ONE_CLICK_VALUE));
}

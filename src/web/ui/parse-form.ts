/** An `application/x-www-form-urlencoded` body: repeated names (checkbox lists) become arrays. */
export type FormBody = Record<string, string | string[]>;

export function parseForm(body: string): FormBody {
  const out: FormBody = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else out[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** One value of a form field (the first if repeated). */
export const formValue = (f: FormBody, name: string): string => {
  const v = f[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};

/** Every value of a form field. */
export const formValues = (f: FormBody, name: string): string[] => {
  const v = f[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

/** Markup that is already safe to send (built by `html` or `rawHtml`). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for element content and quoted attribute values. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

const render = (v: Interpolation): string => {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
};

/**
 * The one way UI markup is built: every interpolated value is escaped unless it is itself `SafeHtml`
 * (arrays are joined). Message-derived text can therefore only become markup by a deliberate `rawHtml`.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Trusted markup (built by our own sanitizer or constants) — never message text. */
export const rawHtml = (s: string): SafeHtml => new SafeHtml(s);

import { html, type SafeHtml } from './html.ts';

/**
 * A ticket-page form that was refused: which form (`resolve`, `pending`, `unsuppress:<id>`…), the message shown
 * next to it and what was typed, so the page comes back with the error beside the form and nothing lost.
 */
export interface TicketFormError {
  form: string;
  message: string;
  values: Record<string, string>;
}

/** The error paragraph for one form (empty when the error belongs to another form or there is none). */
export const formErrorOf = (e: TicketFormError | undefined, form: string): SafeHtml =>
  e?.form === form ? html`<p id="form-error" class="form-error" role="alert">${e.message}</p>` : html``;

/** What was typed into a field of a refused form (empty for any other form). */
export const typedValue = (e: TicketFormError | undefined, form: string, field: string): string =>
  e?.form === form ? (e.values[field] ?? '') : '';

import { html, type SafeHtml } from './html.ts';
import { formValue, type FormBody } from './parse-form.ts';
import { UiError } from './ui-error.ts';

/**
 * The confirmation every consequential staff action carries (un-suppress, client status changes, removals):
 * a required reason and an explicit "I confirm" box, both checked again on the server so a forged or
 * scripted POST cannot skip them. `reason` refills the field after an error.
 */
export const confirmFields = (what: string, reason = ''): SafeHtml =>
  html`<label>Reason <input name="reason" required maxlength="500" value="${reason}"></label>
<label class="confirm"><input type="checkbox" name="confirm" value="yes" required> ${what}</label>`;

/** The confirmed reason of a form, or a 400 that says what is missing. */
export function confirmedReason(body: FormBody): string {
  const c = confirmation(body);
  if (c.refused) throw c.refused;
  return c.reason;
}

/**
 * confirmedReason without the throw, for a route that re-renders the refused form: the reason, or the 400
 * that says what is missing.
 */
export function confirmation(
  body: FormBody,
): { reason: string; refused?: never } | { reason?: never; refused: UiError } {
  const reason = formValue(body, 'reason').trim().slice(0, 500);
  if (!reason) return { refused: new UiError(400, 'Give a reason for this change.') };
  if (formValue(body, 'confirm') !== 'yes')
    return { refused: new UiError(400, 'Tick the confirmation box to go ahead.') };
  return { reason };
}

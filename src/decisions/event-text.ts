import { describeDecision } from './describe-decision.ts';
import { isDecision } from './read-decisions.ts';

/** A ticket event's line: rendered from its decision record when it has one, else its stored text (notes, status changes, reports). */
export function eventText(e: { text: string; data: unknown }): string {
  return isDecision(e.data) ? describeDecision(e.data) : e.text;
}

import { decisionKinds, note, type Decision } from './decision.ts';

/** Whether a stored value (a ticket event's data, an element of `reports.decisions`) is a decision record. */
export function isDecision(value: unknown): value is Decision {
  if (typeof value !== 'object' || value === null) return false;
  const kind: unknown = Reflect.get(value, 'kind');
  const rule: unknown = Reflect.get(value, 'rule');
  const reason: unknown = Reflect.get(value, 'reason');
  return decisionKinds.some((k) => k === kind) && typeof rule === 'string' && typeof reason === 'string';
}

/** The decisions stored in `reports.decisions` (JSON); anything that is not a record is kept as a note with its text. */
export function readDecisions(json: string | null): Decision[] {
  if (!json) return [];
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value)) return [];
  return value.map((v: unknown) =>
    isDecision(v) ? v : note('unrecognised', typeof v === 'string' ? v : JSON.stringify(v)),
  );
}

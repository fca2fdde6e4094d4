import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOUNCE_REASONS, DEAD_ADDRESS_REASONS, isHardBounce } from '../../src/report/bounce-reason.ts';
import { classifyDiagnostic } from '../../src/extract/bounce/classify-diagnostic.ts';

/** Words real diagnostics are made of, so generated text hits the rules, not only random noise. */
const WORDS = [
  '550',
  '5.1.1',
  'user',
  'unknown',
  'mailbox',
  'full',
  'blocked',
  'spam',
  'relay',
  'denied',
  'host',
  'not found',
  'domain',
  'suspended',
  'quota',
  'policy',
  'null MX',
  'moved',
  'rate',
  'TLS',
  'Spamhaus',
  'ユーザ',
  '不存在',
  'inconnu',
];
const text = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.array(fc.constantFrom(...WORDS), { maxLength: 20 }).map((words) => words.join(' ')),
);
const status = fc.oneof(
  fc.constant(null),
  fc
    .tuple(fc.constantFrom('2', '4', '5'), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 40 }))
    .map(([c, s, d]) => `${c}.${s}.${d}`),
);

describe('bounce reason vocabulary (property)', () => {
  it('every input gets a reason from BOUNCE_REASONS and a basis', () => {
    fc.assert(
      fc.property(text, status, fc.boolean(), (diagnostic, code, delayed) => {
        const klass = classifyDiagnostic(diagnostic, code, delayed);
        expect(BOUNCE_REASONS).toContain(klass.reason);
        expect(klass.basis.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('hard ⇔ a dead-address reason, not delayed, and notaccept only when permanent', () => {
    fc.assert(
      fc.property(text, status, fc.boolean(), (diagnostic, code, delayed) => {
        const { reason } = classifyDiagnostic(diagnostic, code, delayed);
        const hard = isHardBounce(reason, code, delayed);
        const permanentEnough = reason !== 'notaccept' || code === null || !code.startsWith('4');
        expect(hard).toBe(DEAD_ADDRESS_REASONS.has(reason) && !delayed && permanentEnough);
      }),
      { numRuns: 2000 },
    );
  });
});

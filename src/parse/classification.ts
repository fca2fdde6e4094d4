import { classifyReport } from '../classify/classify-report.ts';
import type { Finding } from '../report/finding.ts';
import { defaultDetectors, type ReportDetectors } from './default-detectors.ts';
import { messageFacts, type MessageFacts } from '../report/message-facts.ts';
import type { MimePart } from '../mime/mime-part.ts';
import { newWalkState } from '../mime/walk-limits.ts';
import { walkMime } from '../mime/walk-mime.ts';
import { normalizeRaw } from '../mime/normalize-raw.ts';
import type { ReportKind } from '../report/parsed-report.ts';
import { DEFAULT_LIMITS, DEFAULT_TICKET_ID, type ParseOptions } from './parse-options.ts';

/** What the message was read as: the MIME tree, its facts and the detectors' finding. */
export interface ClassifiedMessage {
  root: MimePart;
  facts: MessageFacts;
  finding: Finding;
}

/**
 * Exactly one kind with its reason; `message` is null when the message could not be read (kind `other`), and
 * when it was classified in the parse pool (the tree stays in the thread; the extracted report comes back).
 */
export interface Classification {
  kind: ReportKind;
  reason: string;
  message: ClassifiedMessage | null;
}

const unreadable = (reason: string): Classification => ({ kind: 'other', reason, message: null });

/**
 * Reads the MIME structure within the parse bounds and runs the detectors: the kind and why. Never throws —
 * a message it cannot read is kind `other` with the reason.
 */
export function classifyMessage(
  raw: Buffer,
  options: ParseOptions = {},
  detectors: ReportDetectors = defaultDetectors,
): Classification {
  try {
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const state = newWalkState(limits);
    const root = walkMime(normalizeRaw(raw), state);
    if (state.exceeded) return unreadable(`message past a parse bound: ${state.exceeded}`);
    const facts = messageFacts(root);
    const parseEmbedded = (text: string): MimePart =>
      walkMime(text, { limits: state.limits, parts: state.parts, exceeded: null }, 1);
    const finding = classifyReport(facts, {
      rcptTo: options.envelope?.rcptTo ?? [],
      unsubscribeMailboxes: options.mailboxes?.unsubscribe ?? ['unsubscribe'],
      ticketIdPattern: options.ticketIdPattern ?? DEFAULT_TICKET_ID,
      parseEmbedded,
      ...detectors,
    });
    if (performance.now() > state.limits.deadline)
      return unreadable('message past a parse bound: parse time limit exceeded');
    return { kind: finding.kind, reason: finding.reason, message: { root, facts, finding } };
  } catch (e) {
    return unreadable(`parse error: ${(e as Error).message}`);
  }
}

import type { AutoreplySource, BounceExtraction, BounceSource } from '../extract/bounce/bounce-source.ts';
import { detectAutoreply } from '../classify/autoreply.ts';
import { extractBounces } from '../extract/bounce/extract-bounces.ts';

/** The bounce and autoreply detectors parseMessage uses (their own modules; injected for tests). */
export interface ReportDetectors {
  extractBounces: (source: BounceSource) => BounceExtraction | null;
  detectAutoreply: (source: AutoreplySource) => { reason: string } | null;
}

export const defaultDetectors: ReportDetectors = {
  extractBounces,
  detectAutoreply,
};

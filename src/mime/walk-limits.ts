/** Bounds on one MIME walk, so hostile input stays cheap: past any of them the walk stops and says which. */
export interface WalkLimits {
  maxDepth: number;
  maxParts: number;
  maxHeaderBytes: number;
  /** Absolute deadline, ms since epoch (performance.now() clock). */
  deadline: number;
}

export interface WalkState {
  limits: WalkLimits;
  parts: number;
  /** The first bound that was exceeded, as a reason string; null while within bounds. */
  exceeded: string | null;
}

/** A walk not started yet: within `limits`, with a deadline `timeoutMs` from now. */
export const newWalkState = (limits: Omit<WalkLimits, 'deadline'> & { timeoutMs: number }): WalkState => ({
  limits: { ...limits, deadline: performance.now() + limits.timeoutMs },
  parts: 0,
  exceeded: null,
});

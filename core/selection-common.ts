/** What the calling policies share: the pick they return and how an out-of-order call is counted. */
import type { CallReason, CounterDef, Ticket } from './types.js';
import { countQueuedBefore, type WaitingIndex } from './waiting-index.js';

export interface Selection {
  ticket: Ticket;
  reason: CallReason;
  /** Whether the pick was a priority-segment ticket taken while regular customers waited. */
  countsTowardStreak: boolean;
}

/** The earlier of two tickets in queue order (queue time, then issue time). */
export function earliest(a: Ticket | undefined, b: Ticket | undefined): Ticket | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.queuedAt !== b.queuedAt) return a.queuedAt < b.queuedAt ? a : b;
  return a.issuedAt <= b.issuedAt ? a : b;
}

/** Tickets of the counter's services queued before `t`: the customers a call of `t` passed over. */
export function passedOver(counter: CounterDef, index: WaitingIndex, t: Ticket): number {
  let n = 0;
  for (const s of counter.services) {
    const l = index.line(s.code);
    n += countQueuedBefore(l.priority, t.queuedAt) + countQueuedBefore(l.regular, t.queuedAt);
  }
  return n;
}

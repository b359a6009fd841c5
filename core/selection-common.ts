/**
 * What the calling policies share. A policy ranks the heads of the lines a counter serves (the
 * longest-waiting priority and regular customer of each service): the real call passes tickets,
 * the wait estimator's walk passes the customers it imagines, and both get the same answer.
 */
import type { CallReason, CounterDef, SkillLevel, Ticket } from './types.js';
import { countQueuedBefore, type WaitingIndex } from './waiting-index.js';

export interface Selection {
  ticket: Ticket;
  reason: CallReason;
  /** Whether the pick was a priority-segment ticket taken while regular customers waited. */
  countsTowardStreak: boolean;
}

/** The head of one line (one service, one segment class) as a policy sees it. */
export interface LineHead {
  queuedAt: number;
  /** Breaks ties of queue time (a transfer keeps its visit's queue time). */
  issuedAt: number;
  /** The counter's skill level for the service. */
  level: SkillLevel;
  /** A secondary service served as primary: no counter with it as primary is open. */
  covering: boolean;
  /** A priority-segment customer. */
  priority: boolean;
  targetMinutes: number;
  /** Reserve duty starts once the line's customer has waited this long. */
  thresholdMinutes: number;
}

export interface HeadPick {
  /** Index into the heads given. */
  index: number;
  rule: CallReason['rule'];
  countsTowardStreak: boolean;
}

/**
 * Whether head a goes strictly before head b in plain queue order (queue time, then issue time).
 * Heads of two services issued in the same millisecond are equal here, so the caller keeps the
 * one it met first: the counter lists its services in the order it serves them.
 */
export function before(a: { queuedAt: number; issuedAt: number }, b: { queuedAt: number; issuedAt: number }): boolean {
  if (a.queuedAt !== b.queuedAt) return a.queuedAt < b.queuedAt;
  return a.issuedAt < b.issuedAt;
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

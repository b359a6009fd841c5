/**
 * The delay-history baseline (Ibrahim & Whitt's "last to enter service"): a customer who takes a
 * ticket is told the wait of the last customer of the same service to be called that day. It
 * needs no model at all and is hard to beat when the queue moves steadily. Before anyone of the
 * service has been called that day it says 0 (nobody has had to wait yet).
 */
export interface CalledFact {
  id: string;
  serviceCode: string;
  businessDay: string;
  issuedAt: number;
  calledAt?: number;
}

/** The running form the engine keeps: the last call's wait per service, for the current day. */
export class DelayHistory {
  private readonly last = new Map<string, { at: number; minutes: number }>();
  private day = '';

  /** A ticket of `day` called at `calledAt` after waiting since `issuedAt`. */
  called(serviceCode: string, day: string, issuedAt: number, calledAt: number): void {
    if (day !== this.day) {
      this.last.clear();
      this.day = day;
    }
    const prev = this.last.get(serviceCode);
    if (!prev || calledAt >= prev.at) this.last.set(serviceCode, { at: calledAt, minutes: (calledAt - issuedAt) / 60_000 });
  }

  /** What the baseline tells a customer of `serviceCode` who takes a ticket on `day`. */
  minutes(serviceCode: string, day: string): number {
    return day === this.day ? (this.last.get(serviceCode)?.minutes ?? 0) : 0;
  }
}

/**
 * The baseline every ticket would have been told, worked out afterwards from the day's tickets
 * (the simulator's evaluation, and any code that has tickets but not the engine's memory).
 */
export function delayHistoryBaselines(tickets: readonly CalledFact[]): Map<string, number> {
  // At one millisecond: other customers' calls first (the record does not say which came first;
  // count them as known), then issues, then the calls of customers issued that millisecond
  // (called at once: a customer is never told their own wait).
  type Ev = { at: number; kind: 0 | 1 | 2; t: CalledFact };
  const events: Ev[] = [];
  for (const t of tickets) {
    events.push({ at: t.issuedAt, kind: 1, t });
    if (t.calledAt !== undefined) events.push({ at: t.calledAt, kind: t.calledAt === t.issuedAt ? 2 : 0, t });
  }
  events.sort((a, b) => a.at - b.at || a.kind - b.kind);
  const history = new DelayHistory();
  const out = new Map<string, number>();
  for (const e of events) {
    if (e.kind !== 1) history.called(e.t.serviceCode, e.t.businessDay, e.t.issuedAt, e.at);
    else out.set(e.t.id, history.minutes(e.t.serviceCode, e.t.businessDay));
  }
  return out;
}

/**
 * The facts a wait estimate is made from, gathered from the queue's state: the counters that
 * serve the service, what each is doing now, the lines they serve, the service times learned
 * today and the recent arrivals. estimate.ts turns these facts into minutes; the engine only
 * asks for them.
 */
import type { EstimateCounter, EstimateInput, LineFacts } from './estimate.js';
import type { CounterDef, CounterState, ServiceDef, Ticket } from './types.js';

// Weight of the newest service time in the running mean: recent enough to follow a slow
// afternoon, smooth enough that one long loan appointment does not swing every estimate.
const SERVICE_TIME_WEIGHT = 0.1;

/** Mean service time per service, learned from the day's finished tickets. */
export class ServiceTimes {
  private readonly meanMs = new Map<string, number>();

  constructor(private readonly services: ReadonlyMap<string, ServiceDef>) {}

  /** Learns from a finished ticket (status done); others are ignored. */
  learn(t: Ticket): void {
    if (t.status !== 'done') return;
    const from = t.startedAt ?? t.calledAt;
    if (from === undefined || t.endedAt === undefined) return;
    const ms = t.endedAt - from;
    if (ms <= 0) return;
    const prev = this.meanMs.get(t.serviceCode);
    this.meanMs.set(t.serviceCode, prev === undefined ? ms : prev + SERVICE_TIME_WEIGHT * (ms - prev));
  }

  /** The learned mean, or the service's configured typical time until one is learned. */
  meanMinutes(serviceCode: string): number {
    const learned = this.meanMs.get(serviceCode);
    if (learned !== undefined) return learned / 60_000;
    return this.services.get(serviceCode)?.typicalServiceMinutes ?? 5;
  }
}

/** What the gathering reads of the queue's state. */
export interface QueueFacts {
  readonly services: ReadonlyMap<string, ServiceDef>;
  readonly counterDefs: ReadonlyMap<string, CounterDef>;
  counter(id: string): CounterState;
  ticket(id: string): Ticket | undefined;
  isActive(t: Ticket): boolean;
  isPriority(segment: string): boolean;
  waitingCount(serviceCode: string): number;
  priorityWaiting(serviceCode: string): number;
  meanServiceMinutes(serviceCode: string): number;
  arrivalRates(serviceCode: string, now: number): { all: number; priority: number };
}

/** Open counters that have the service as primary (they share its new arrivals). */
export function openPrimaryCounters(q: QueueFacts, serviceCode: string): number {
  let n = 0;
  for (const def of q.counterDefs.values()) {
    if (q.counter(def.id).status === 'closed') continue;
    if (def.services.some((s) => s.code === serviceCode && s.level === 'primary')) n++;
  }
  return n;
}

/**
 * The estimator's input for a ticket of `serviceCode` with `ahead` customers before it, all but
 * the calibration (the estimator adds its own).
 */
export function gatherEstimateInput(
  q: QueueFacts,
  serviceCode: string,
  ahead: number,
  segment: string,
  now: number,
): Omit<EstimateInput, 'calibration'> {
  const counters: EstimateCounter[] = [];
  const lines: Record<string, LineFacts> = {};
  for (const def of q.counterDefs.values()) {
    if (!def.services.some((s) => s.code === serviceCode)) continue;
    const st = q.counter(def.id);
    const cur = st.currentTicketId ? q.ticket(st.currentTicketId) : undefined;
    let busyMinutes = 0;
    if (cur && q.isActive(cur)) {
      const m = q.meanServiceMinutes(cur.serviceCode);
      const elapsed = (now - (cur.startedAt ?? cur.calledAt ?? now)) / 60_000;
      // A service that has run past its mean still has some way to go (long tails).
      busyMinutes = Math.max(0.3 * m, m - elapsed);
    }
    const primary: string[] = [];
    const secondary: string[] = [];
    for (const s of def.services) {
      if (q.services.get(s.code)?.enabled === false) continue;
      (s.level === 'primary' ? primary : secondary).push(s.code);
      if (!lines[s.code]) {
        const rates = q.arrivalRates(s.code, now);
        lines[s.code] = {
          waiting: q.waitingCount(s.code),
          priorityWaiting: q.priorityWaiting(s.code),
          openPrimaryCounters: openPrimaryCounters(q, s.code),
          meanServiceMinutes: q.meanServiceMinutes(s.code),
          arrivalsPerMinute: rates.all,
          priorityArrivalsPerMinute: rates.priority,
        };
      }
    }
    counters.push({ status: st.status, statusMinutes: Math.max(0, (now - st.since) / 60_000), busyMinutes, primary, secondary });
  }
  if (!lines[serviceCode]) {
    lines[serviceCode] = {
      waiting: q.waitingCount(serviceCode),
      priorityWaiting: 0,
      openPrimaryCounters: 0,
      meanServiceMinutes: q.meanServiceMinutes(serviceCode),
      arrivalsPerMinute: 0,
      priorityArrivalsPerMinute: 0,
    };
  }
  return { serviceCode, ahead, priority: q.isPriority(segment), counters, lines };
}

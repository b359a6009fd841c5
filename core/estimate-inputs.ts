/**
 * The facts a wait estimate is made from, gathered from the queue's state and what the estimator
 * knows ahead (the roster, the branch's history): every counter that is open, paused or
 * rostered for later today, with what it is doing now; every line with its waiting customers,
 * service times by hour and expected arrivals. estimate-walk.ts turns these into minutes; the
 * engine only asks for them.
 */
import type { HourlyRates } from './branch-history.js';
import type { WalkCounter, WalkInput, WalkLine } from './estimate-walk.js';
import type { CounterPlan } from './roster-plan.js';
import type { CounterDef, CounterState, QueueRules, ServiceDef, Ticket } from './types.js';
import type { ServiceLines } from './waiting-index.js';

// Weight of the newest service time in the running mean: recent enough to follow a slow
// afternoon, smooth enough that one long loan appointment does not swing every estimate.
const SERVICE_TIME_WEIGHT = 0.1;
const MINUTE = 60_000;

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
  readonly rules: QueueRules;
  counter(id: string): CounterState;
  ticket(id: string): Ticket | undefined;
  isActive(t: Ticket): boolean;
  isPriority(segment: string): boolean;
  /** The waiting customers of a service, priority and regular, each in queue order. */
  lines(serviceCode: string): ServiceLines;
  /** Today's running mean, or the configured typical time. */
  meanServiceMinutes(serviceCode: string): number;
}

/** What the estimator knows ahead of the queue's state. */
export interface Foresight {
  localMinutes(now: number): number;
  serviceMinutesByHour(serviceCode: string, fallback: number): Float64Array;
  arrivalRates(serviceCode: string, now: number): HourlyRates | undefined;
  plan(counterId: string, state: CounterState, busyUntil: number, now: number): CounterPlan | undefined;
}

export interface Customer {
  serviceCode: string;
  segment: string;
  queuedAt: number;
  issuedAt: number;
  /** Customers before them in their own segment line. */
  position: number;
  /** In the line already (an existing ticket) or joining it (a new ticket, a transfer). */
  inLine: boolean;
}

export function gatherWalkInput(q: QueueFacts, k: Foresight, us: Customer, now: number): WalkInput {
  const localMinutes = k.localMinutes(now);
  const hour = Math.min(23, Math.floor(localMinutes / 60));
  const lines = new Map<string, WalkLine>();
  for (const s of q.services.values()) {
    if (!s.enabled && s.code !== us.serviceCode) continue;
    const l = q.lines(s.code);
    lines.set(s.code, {
      targetMinutes: s.targetWaitMinutes,
      thresholdMinutes: s.reserveAfterMinutes ?? s.targetWaitMinutes,
      priority: l.priority,
      regular: l.regular,
      serviceMinutes: k.serviceMinutesByHour(s.code, q.meanServiceMinutes(s.code)),
      rates: k.arrivalRates(s.code, now),
    });
  }
  const counters: WalkCounter[] = [];
  for (const def of q.counterDefs.values()) {
    const services = def.services.filter((s) => lines.has(s.code));
    if (services.length === 0) continue;
    const st = q.counter(def.id);
    let busyUntil = now;
    const cur = st.currentTicketId ? q.ticket(st.currentTicketId) : undefined;
    if (cur && q.isActive(cur)) {
      const m = lines.get(cur.serviceCode)?.serviceMinutes[hour] ?? q.meanServiceMinutes(cur.serviceCode);
      const elapsed = (now - (cur.startedAt ?? cur.calledAt ?? now)) / MINUTE;
      // A service that has run past its mean still has some way to go (long tails).
      busyUntil = now + Math.max(0.3 * m, m - elapsed) * MINUTE;
    }
    const plan = k.plan(def.id, st, busyUntil, now);
    if (!plan) continue;
    counters.push({ services, ...plan, streak: st.priorityStreak });
  }
  if (!counters.some((c) => c.services.some((s) => s.code === us.serviceCode))) {
    // Nobody is expected to serve the service today: the configured counters are taken to
    // open within a service time (a branch without a roster, the demo at night).
    const m = lines.get(us.serviceCode)?.serviceMinutes[hour] ?? q.meanServiceMinutes(us.serviceCode);
    for (const def of q.counterDefs.values()) {
      if (!def.services.some((s) => s.code === us.serviceCode)) continue;
      const at = now + m * MINUTE;
      counters.push({ services: def.services.filter((s) => lines.has(s.code)), freeAt: at, openFrom: at, closeAt: Infinity, breaks: [], streak: 0 });
    }
  }
  return {
    now,
    localMinutes,
    rules: q.rules,
    lines,
    counters,
    us: { serviceCode: us.serviceCode, priority: q.isPriority(us.segment), queuedAt: us.queuedAt, issuedAt: us.issuedAt, position: us.position, inLine: us.inLine },
  };
}

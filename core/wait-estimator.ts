/**
 * The engine's wait estimator (decision record 0005). It learns from the tickets and counters
 * that pass through the engine — arrivals and service times into the branch's history, the
 * last call of each service (the delay-history baseline), the error of each printed range once
 * its ticket is called — and turns the queue's state into the printed range:
 *   model (estimate-walk.ts, fed by estimate-inputs.ts) → calibration (wait-calibration.ts).
 * Its state across days (history and calibration) is a plain value the service persists.
 */
import { z } from 'zod';
import { BranchHistory, branchHistoryStateSchema, type HourlyRates } from './branch-history.js';
import { localParts } from './calendar.js';
import { DelayHistory } from './delay-history.js';
import { baselineWaitMinutes, rangeOf, round1, type WaitEstimate } from './estimate.js';
import { gatherWalkInput, type Customer, type Foresight, type QueueFacts } from './estimate-inputs.js';
import { walkWait } from './estimate-walk.js';
import { RosterPlan } from './roster-plan.js';
import type { CounterState, RosterShift, Ticket } from './types.js';
import { calibrationStateSchema, WaitCalibration } from './wait-calibration.js';

// Without history, arrivals are counted over this recent window: long enough to see a few,
// short enough to follow the lunch peak.
const ARRIVAL_WINDOW_MS = 30 * 60_000;

export const estimatorStateSchema = z.object({
  history: branchHistoryStateSchema,
  calibration: calibrationStateSchema,
});
export type EstimatorState = z.infer<typeof estimatorStateSchema>;

export class WaitEstimator {
  private history: BranchHistory;
  private calibration: WaitCalibration;
  private roster: RosterPlan;
  private readonly delays = new DelayHistory();
  private readonly arrivals = new Map<string, number[]>();
  private readonly priorityArrivals = new Map<string, number[]>();
  /** When each counter last began a pause today (a rostered break already taken). */
  private readonly pausedAt = new Map<string, number>();
  // Per-minute caches: many estimates are asked for at one moment (the service list, a burst).
  private cacheMinute = -1;
  private readonly rateCache = new Map<string, HourlyRates | undefined>();
  private readonly minutesCache = new Map<string, Float64Array>();
  private allRates: Map<string, HourlyRates> | undefined;

  constructor(
    private readonly isPriority: (segment: string) => boolean,
    private timeZone: string,
    roster: readonly RosterShift[],
    state?: EstimatorState,
  ) {
    this.history = new BranchHistory(timeZone, state?.history);
    this.calibration = new WaitCalibration(state?.calibration);
    this.roster = new RosterPlan(roster, timeZone);
  }

  setConfig(timeZone: string, roster: readonly RosterShift[]): void {
    if (timeZone !== this.timeZone) {
      this.timeZone = timeZone;
      this.history = new BranchHistory(timeZone, this.history.toState());
    }
    this.roster = new RosterPlan(roster, timeZone);
    this.cacheMinute = -1;
  }

  toState(): EstimatorState {
    return { history: this.history.toState(), calibration: this.calibration.toState() };
  }

  /** The last business day the history holds. */
  get historyThrough(): string | undefined {
    return this.history.lastDay;
  }

  /** Takes one ticket change: an arrival, a call (learns the error), a finished service. */
  observe(prev: Ticket | undefined, next: Ticket): void {
    if (!prev && next.status === 'waiting') this.arrived(next);
    const wasWaiting = prev ? prev.status === 'waiting' : true;
    if (wasWaiting && next.status === 'called') this.called(next);
    if (next.status === 'done' && prev?.status !== 'done') this.finished(next);
  }

  observeCounter(prev: CounterState | undefined, next: CounterState): void {
    if (next.status === 'paused' && prev?.status !== 'paused') this.pausedAt.set(next.id, next.since);
  }

  /** Learns from a ticket of today found at start-up (the engine's snapshot). */
  replay(t: Ticket): void {
    // A day the history already holds (an earlier day's ticket still open at start-up).
    const through = this.history.lastDay;
    if (through !== undefined && t.businessDay <= through) return;
    this.arrived(t);
    if (t.calledAt !== undefined) this.called(t);
    if (t.status === 'done') this.finished(t);
  }

  /** The business day closed: fold it into the history, start the calibration's new day. */
  closeDay(): void {
    this.history.closeDay();
    this.calibration.startDay();
    this.pausedAt.clear();
    this.arrivals.clear();
    this.priorityArrivals.clear();
    this.cacheMinute = -1;
  }

  private arrived(t: Ticket): void {
    const priority = this.isPriority(t.segment);
    this.history.arrival(t.serviceCode, priority, t.businessDay, t.issuedAt);
    push(this.arrivals, t.serviceCode, t.issuedAt);
    if (priority) push(this.priorityArrivals, t.serviceCode, t.issuedAt);
  }

  private called(t: Ticket): void {
    if (t.calledAt === undefined || t.rejoins > 0) return;
    this.delays.called(t.serviceCode, t.businessDay, t.issuedAt, t.calledAt);
    const est = t.estimate;
    // A rejoined ticket's wait restarted; its first estimate says nothing about the second wait.
    if (!est || est.modelMinutes === undefined) return;
    this.calibration.record(t.serviceCode, est.modelMinutes, (t.calledAt - t.issuedAt) / 60_000, est.minMinutes !== undefined && est.maxMinutes !== undefined ? { minMinutes: est.minMinutes, maxMinutes: est.maxMinutes } : undefined);
  }

  private finished(t: Ticket): void {
    const from = t.startedAt ?? t.calledAt;
    if (from === undefined || t.endedAt === undefined) return;
    this.history.served(t.serviceCode, t.businessDay, from, (t.endedAt - from) / 60_000);
  }

  /** The wait range for `us` (a ticket in its line, or one about to join it). */
  estimate(q: QueueFacts, us: Customer, day: string, now: number): WaitEstimate {
    this.refreshCaches(now);
    const foresight: Foresight = {
      localMinutes: (at) => localParts(at, this.timeZone).minutes,
      serviceMinutesByHour: (code, fallback) => this.serviceMinutesByHour(code, fallback),
      arrivalRates: (code, at) => this.arrivalRatesOf(code, at),
      plan: (id, state, busyUntil, at) => this.roster.plan(id, state, busyUntil, at, this.pausedAt.get(id)),
    };
    const input = gatherWalkInput(q, foresight, us, now);
    const model = walkWait(input).minutes;
    const range = rangeOf(model, this.calibration.quantiles(us.serviceCode, model));
    const lines = q.lines(us.serviceCode);
    const ahead = q.isPriority(us.segment) ? us.position : lines.priority.length + us.position;
    let servers = 0;
    for (const def of q.counterDefs.values()) if (def.services.some((s) => s.code === us.serviceCode) && q.counter(def.id).status !== 'closed') servers++;
    if (servers === 0) for (const def of q.counterDefs.values()) if (def.services.some((s) => s.code === us.serviceCode)) servers++;
    return {
      ...range,
      baselineMinutes: round1(baselineWaitMinutes(ahead, servers, q.meanServiceMinutes(us.serviceCode))),
      delayBaselineMinutes: round1(this.delays.minutes(us.serviceCode, day)),
      modelMinutes: Math.round(model * 1000) / 1000,
    };
  }

  private refreshCaches(now: number): void {
    const minute = Math.floor(now / 60_000);
    if (minute === this.cacheMinute) return;
    this.cacheMinute = minute;
    this.rateCache.clear();
    this.minutesCache.clear();
    this.allRates = this.history.arrivalRates(now);
  }

  private serviceMinutesByHour(code: string, fallback: number): Float64Array {
    // Without history the figure is today's running mean, which each finished service moves.
    if (!this.history.hasHistory) return new Float64Array(24).fill(fallback);
    let v = this.minutesCache.get(code);
    if (!v) this.minutesCache.set(code, (v = this.history.serviceMinutesByHour(code, fallback)));
    return v;
  }

  /** The history's rates; without history, the recent window's rate held for the rest of the day. */
  private arrivalRatesOf(code: string, now: number): HourlyRates | undefined {
    if (this.rateCache.has(code)) return this.rateCache.get(code);
    let r = this.allRates?.get(code);
    if (!r && !this.history.hasHistory) {
      const all = rate(this.arrivals.get(code), now);
      const priority = rate(this.priorityArrivals.get(code), now);
      r = all > 0 ? { all: new Float64Array(24).fill(all), priority: new Float64Array(24).fill(priority), regular: new Float64Array(24).fill(all - priority) } : undefined;
    }
    this.rateCache.set(code, r);
    return r;
  }
}

function push(map: Map<string, number[]>, key: string, at: number): void {
  const list = map.get(key);
  if (list) list.push(at);
  else map.set(key, [at]);
}

function rate(list: number[] | undefined, now: number): number {
  if (!list) return 0;
  // Arrival times are appended in order, so the window is a suffix of the list.
  let drop = 0;
  while (drop < list.length && list[drop]! < now - ARRIVAL_WINDOW_MS) drop++;
  if (drop > 0) list.splice(0, drop);
  let n = 0;
  for (const at of list) if (at <= now) n++;
  return n / (ARRIVAL_WINDOW_MS / 60_000);
}

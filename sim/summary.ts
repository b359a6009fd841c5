/**
 * Figures of a simulated day: waits per service and segment, no-shows, counter utilisation,
 * and how well the printed wait ranges held (against the queue-length baseline).
 */
import { delayHistoryBaselines } from '../core/delay-history.js';
import { accuracyTotals, type AccuracyTotals } from '../core/estimate-accuracy.js';
import { quantile } from '../core/wait-calibration.js';
import type { QueueConfig } from '../core/types.js';
import type { SimResult, SimTicket } from './simulator.js';

export interface WaitStats {
  tickets: number;
  called: number;
  served: number;
  noShows: number;
  meanWait: number;
  p50Wait: number;
  p90Wait: number;
  maxWait: number;
  /** Share of called tickets called within the service's target wait. */
  withinTarget: number;
}

export interface EstimatorAccuracy {
  tickets: number;
  /** Mean absolute error of the estimator's point (the range's centre) and of the baseline, minutes. */
  maeEstimator: number;
  maeBaseline: number;
  /** Share of tickets whose actual wait fell inside the printed range. */
  insideRange: number;
  meanRangeWidth: number;
  /** The delay-history baseline's (the wait of the last customer of the service called). */
  maeDelayBaseline: number;
  /** Mean interval score of the printed range (α = 0.2): width plus 10 × minutes outside. */
  intervalScore: number;
  /** Same, for tickets that had someone ahead (the empty-queue case is easy for both). */
  maeEstimatorQueued: number;
  maeBaselineQueued: number;
}

export interface SimSummary {
  profile: string;
  seed: number;
  days: string[];
  customers: number;
  byService: Record<string, WaitStats>;
  bySegment: Record<string, WaitStats>;
  counters: { id: string; served: number; utilisation: number; openMinutes: number; pausedMinutes: number }[];
  estimator: EstimatorAccuracy;
  commands: number;
  elapsedMs: number;
  customersPerSecond: number;
}

const round = (x: number, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : 0);

export function waitStats(tickets: SimTicket[], targetOf: (code: string) => number): WaitStats {
  const called = tickets.filter((t) => t.waitMinutes !== undefined);
  const waits = called.map((t) => t.waitMinutes!).sort((a, b) => a - b);
  const within = called.filter((t) => t.waitMinutes! <= targetOf(t.serviceCode)).length;
  return {
    tickets: tickets.length,
    called: called.length,
    served: tickets.filter((t) => t.status === 'done').length,
    noShows: tickets.filter((t) => t.status === 'no_show').length,
    meanWait: round(waits.reduce((s, w) => s + w, 0) / (waits.length || 1)),
    p50Wait: round(quantile(waits, 0.5)),
    p90Wait: round(quantile(waits, 0.9)),
    maxWait: round(waits.at(-1) ?? 0),
    withinTarget: round(called.length ? within / called.length : 1, 3),
  };
}

/**
 * The accuracy totals of simulated tickets whose wait is known and who did not rejoin (their wait
 * restarted), with each one's delay-history baseline.
 */
export function simAccuracyTotals(tickets: SimTicket[]): AccuracyTotals {
  const delay = delayHistoryBaselines(tickets);
  return accuracyTotals(
    tickets
      .filter((x) => x.waitMinutes !== undefined && x.estimate && x.rejoins === 0)
      .map((x) => ({ waitMinutes: x.waitMinutes!, ...x.estimate!, delayBaselineMinutes: delay.get(x.id), ahead: x.ahead })),
  );
}

export function estimatorAccuracy(tickets: SimTicket[]): EstimatorAccuracy {
  const t = simAccuracyTotals(tickets);
  const d = t.delayPoints || 1;
  const n = t.tickets || 1;
  const queued = t.queuedPoints || 1;
  return {
    tickets: t.tickets,
    maeEstimator: round(t.errorEstimator / n),
    maeBaseline: round(t.errorBaseline / n),
    maeDelayBaseline: round(t.errorDelayBaseline / d),
    intervalScore: round(t.intervalScoreSum / n),
    insideRange: round(t.inside / n, 3),
    meanRangeWidth: round(t.widthSum / n),
    maeEstimatorQueued: round(t.queuedErrorEstimator / queued),
    maeBaselineQueued: round(t.queuedErrorBaseline / queued),
  };
}

export function summarise(result: SimResult, config: QueueConfig): SimSummary {
  const target = new Map(config.services.map((s) => [s.code, s.targetWaitMinutes]));
  const targetOf = (code: string) => target.get(code) ?? Infinity;
  // Transfers are continuations of a visit, not customers; the simulator makes none, but a
  // database replayed here might.
  const customers = result.tickets;
  const group = (key: (t: SimTicket) => string) => {
    const m = new Map<string, SimTicket[]>();
    for (const t of customers) {
      const k = key(t);
      const list = m.get(k);
      if (list) list.push(t);
      else m.set(k, [t]);
    }
    return Object.fromEntries([...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, ts]) => [k, waitStats(ts, targetOf)]));
  };
  return {
    profile: result.profile,
    seed: result.seed,
    days: result.days,
    customers: customers.length,
    byService: group((t) => t.serviceCode),
    bySegment: group((t) => t.segment),
    counters: result.counters.map((c) => ({
      id: c.id,
      served: c.served,
      utilisation: round(c.openMinutes > 0 ? c.busyMinutes / c.openMinutes : 0, 3),
      openMinutes: round(c.openMinutes, 1),
      pausedMinutes: round(c.pausedMinutes, 1),
    })),
    estimator: estimatorAccuracy(customers),
    commands: result.commands,
    elapsedMs: round(result.elapsedMs, 0),
    customersPerSecond: round(customers.length / (result.elapsedMs / 1000), 0),
  };
}

/**
 * The service-quality figures of simulated days (issue bars, docs/simulator.md): how the printed
 * wait ranges held (coverage, width, interval score, error against both baselines) and whether
 * any line starved (each service's p90 wait against its target, with the load of the counters
 * that can serve it; VIPs left past twice their target while a regular customer within target
 * was called).
 */
import { AIMED_COVERAGE } from '../core/estimate-accuracy.js';
import { quantile } from '../core/wait-calibration.js';
import type { QueueConfig } from '../core/types.js';
import type { SimCounterStats, SimTicket } from './simulator.js';
import { simAccuracyTotals } from './summary.js';

/** The bars the evaluation is held to. */
export const BARS = {
  coverage: { min: 0.78, max: 0.88 },
  /** Mean width at most this many times the mean wait, or `widthFloorMinutes`, whichever is larger. */
  widthPerWait: 1.5,
  widthFloorMinutes: 8,
  /** Estimator MAE at most this share of the better baseline's. */
  maeShare: 0.8,
  /** A service's p90 wait at most this many targets while its counters are busy less than `busyBelow`. */
  p90Targets: 2,
  busyBelow: 0.85,
  vipTargets: 2,
} as const;

export interface EstimateQuality {
  tickets: number;
  coverage: number;
  meanWidth: number;
  meanWait: number;
  /** max(1.5 × mean wait, 8 min) */
  widthLimit: number;
  /** Mean interval score of the printed range at α = 0.2. */
  intervalScore: number;
  mae: number;
  maeQueueLength: number;
  maeDelayHistory: number;
  /** mae ÷ the better baseline's. */
  maeShareOfBest: number;
}

export interface ServiceLevel {
  code: string;
  tickets: number;
  p90Wait: number;
  /** The longest wait of the service's customers (issue to first call). */
  maxWait: number;
  targetMinutes: number;
  /** Busy share of the open time of the counters that can serve the service. */
  utilisation: number;
  /** Whether the starvation bar applies (the counters had room) and holds. */
  bound: boolean;
  ok: boolean;
}

export interface VipCheck {
  /** Calls of a regular customer within target while a VIP of the counter's services waited past 2× target. */
  violations: number;
  /** Priority-segment tickets that waited past twice their target at all. */
  overdueVips: number;
}

interface RunFacts {
  tickets: SimTicket[];
  counters: SimCounterStats[];
}

const round = (x: number, d = 3) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : 0);

export function estimateQuality(tickets: SimTicket[]): EstimateQuality {
  const t = simAccuracyTotals(tickets);
  const n = t.tickets || 1;
  const d = t.delayPoints || 1;
  const meanWait = t.waitSum / n;
  const mae = t.delayErrorEstimator / d;
  const ql = t.delayErrorBaseline / d;
  const les = t.errorDelayBaseline / d;
  return {
    tickets: t.tickets,
    coverage: round(t.inside / n),
    meanWidth: round(t.widthSum / n, 2),
    meanWait: round(meanWait, 2),
    widthLimit: round(Math.max(BARS.widthPerWait * meanWait, BARS.widthFloorMinutes), 2),
    intervalScore: round(t.intervalScoreSum / n, 2),
    mae: round(mae, 2),
    maeQueueLength: round(ql, 2),
    maeDelayHistory: round(les, 2),
    maeShareOfBest: round(mae / Math.max(1e-9, Math.min(ql, les))),
  };
}

function servingCounters(config: QueueConfig, code: string): Set<string> {
  return new Set(config.counters.filter((c) => c.services.some((s) => s.code === code)).map((c) => c.id));
}

export function serviceLevels(runs: RunFacts[], config: QueueConfig): ServiceLevel[] {
  return config.services
    .map((s) => {
      const waits = runs
        .flatMap((r) => r.tickets)
        .filter((t) => t.serviceCode === s.code && t.waitMinutes !== undefined)
        .map((t) => t.waitMinutes!)
        .sort((a, b) => a - b);
      const serving = servingCounters(config, s.code);
      let busy = 0;
      let open = 0;
      for (const r of runs) {
        for (const c of r.counters) {
          if (!serving.has(c.id)) continue;
          busy += c.busyMinutes;
          open += c.openMinutes;
        }
      }
      const utilisation = open > 0 ? busy / open : 0;
      const p90 = waits.length ? quantile(waits, 0.9) : 0;
      const bound = utilisation < BARS.busyBelow;
      return {
        code: s.code,
        tickets: waits.length,
        p90Wait: round(p90, 1),
        maxWait: round(waits.at(-1) ?? 0, 1),
        targetMinutes: s.targetWaitMinutes,
        utilisation: round(utilisation),
        bound,
        ok: !bound || p90 <= BARS.p90Targets * s.targetWaitMinutes,
      };
    })
    .filter((s) => s.tickets > 0);
}

/**
 * VIPs left waiting: every call of a regular customer still within target, at a counter that
 * could have served a priority-segment customer who had by then waited past twice their target.
 */
export function vipCheck(tickets: SimTicket[], config: QueueConfig): VipCheck {
  const priority = new Set(config.segments.filter((s) => s.priority).map((s) => s.code));
  const target = new Map(config.services.map((s) => [s.code, s.targetWaitMinutes * 60_000]));
  const serves = new Map(config.counters.map((c) => [c.id, new Set(c.services.map((s) => s.code))]));
  const overdue = tickets
    .filter((t) => priority.has(t.segment))
    .map((t) => ({ t, from: t.issuedAt + BARS.vipTargets * (target.get(t.serviceCode) ?? Infinity), to: t.calledAt ?? t.endedAt ?? Infinity }))
    .filter((v) => v.from < v.to);
  let violations = 0;
  if (overdue.length) {
    for (const r of tickets) {
      if (priority.has(r.segment) || r.calledAt === undefined || r.counterId === undefined) continue;
      if (r.calledAt - r.issuedAt > (target.get(r.serviceCode) ?? Infinity)) continue;
      const can = serves.get(r.counterId);
      if (overdue.some((v) => v.t.businessDay === r.businessDay && v.from < r.calledAt! && r.calledAt! < v.to && can?.has(v.t.serviceCode))) violations++;
    }
  }
  return { violations, overdueVips: overdue.length };
}

export function coverageHolds(q: EstimateQuality): boolean {
  return q.coverage >= BARS.coverage.min && q.coverage <= BARS.coverage.max;
}

export function barsOf(q: EstimateQuality, services: ServiceLevel[], vip: VipCheck) {
  return {
    coverage: coverageHolds(q),
    width: q.meanWidth <= q.widthLimit,
    mae: q.maeShareOfBest <= BARS.maeShare,
    starvation: services.every((s) => s.ok),
    vip: vip.violations === 0,
  };
}

export { AIMED_COVERAGE };

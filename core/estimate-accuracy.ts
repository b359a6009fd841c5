/**
 * How the wait estimate did, as one definition for the simulator's report and the live
 * dashboard: the share of waits inside the printed range, the range width, and the mean
 * absolute error of the estimator's point and of the queue-length baseline (overall and for
 * customers who had someone ahead). Callers choose which tickets count and how to round.
 */
export interface AccuracyPoint {
  waitMinutes: number;
  minMinutes: number;
  maxMinutes: number;
  /** Point estimates; a ticket without them counts for the range only. */
  expectedMinutes?: number | null;
  baselineMinutes?: number | null;
  ahead?: number;
}

export interface AccuracyTotals {
  tickets: number;
  inside: number;
  widthSum: number;
  /** Tickets with both point estimates, and their absolute errors. */
  points: number;
  errorEstimator: number;
  errorBaseline: number;
  /** The same for tickets that had someone ahead. */
  queuedPoints: number;
  queuedErrorEstimator: number;
  queuedErrorBaseline: number;
}

export function accuracyTotals(points: Iterable<AccuracyPoint>): AccuracyTotals {
  const t: AccuracyTotals = { tickets: 0, inside: 0, widthSum: 0, points: 0, errorEstimator: 0, errorBaseline: 0, queuedPoints: 0, queuedErrorEstimator: 0, queuedErrorBaseline: 0 };
  for (const p of points) {
    const w = p.waitMinutes;
    t.tickets++;
    if (w >= p.minMinutes && w <= p.maxMinutes) t.inside++;
    t.widthSum += p.maxMinutes - p.minMinutes;
    if (p.expectedMinutes == null || p.baselineMinutes == null) continue;
    const e = Math.abs(p.expectedMinutes - w);
    const b = Math.abs(p.baselineMinutes - w);
    t.points++;
    t.errorEstimator += e;
    t.errorBaseline += b;
    if ((p.ahead ?? 0) > 0) {
      t.queuedPoints++;
      t.queuedErrorEstimator += e;
      t.queuedErrorBaseline += b;
    }
  }
  return t;
}

/**
 * How the wait estimate did, as one definition for the simulator's report and the live
 * dashboard: the share of waits inside the printed range, the range width, the interval score,
 * and the mean absolute error of the estimator's point and of the two baselines — queue length
 * (n+1)/(s·μ) and delay history (the wait of the last customer of the service to be called).
 * Callers choose which tickets count and how to round.
 */
export interface AccuracyPoint {
  waitMinutes: number;
  minMinutes: number;
  maxMinutes: number;
  /** Point estimates; a ticket without them counts for the range only. */
  expectedMinutes?: number | null;
  baselineMinutes?: number | null;
  /** The delay-history baseline; when missing the ticket counts for the other figures only. */
  delayBaselineMinutes?: number | null;
  ahead?: number;
}

/** The range aims to hold this share of waits (DESIGN §3), and to miss the rest. */
export const AIMED_MISS = 0.2;
export const AIMED_COVERAGE = 1 - AIMED_MISS;

/**
 * The interval score of a central (1−α) range (Gneiting & Raftery 2007): its width, plus 2/α
 * times how far the wait fell outside it. Lower is better; it rewards narrow ranges and punishes
 * misses in proportion to their size, so a range cannot look good by width alone.
 */
export function intervalScore(lo: number, hi: number, y: number, alpha = AIMED_MISS): number {
  return hi - lo + (2 / alpha) * (Math.max(0, lo - y) + Math.max(0, y - hi));
}

export interface AccuracyTotals {
  tickets: number;
  inside: number;
  widthSum: number;
  waitSum: number;
  intervalScoreSum: number;
  /** Tickets with both point estimates, and their absolute errors. */
  points: number;
  errorEstimator: number;
  errorBaseline: number;
  /** Tickets that also have the delay-history baseline, and the errors over those. */
  delayPoints: number;
  delayErrorEstimator: number;
  delayErrorBaseline: number;
  errorDelayBaseline: number;
  /** The same for tickets that had someone ahead. */
  queuedPoints: number;
  queuedErrorEstimator: number;
  queuedErrorBaseline: number;
}

export function accuracyTotals(points: Iterable<AccuracyPoint>): AccuracyTotals {
  const t: AccuracyTotals = {
    tickets: 0,
    inside: 0,
    widthSum: 0,
    waitSum: 0,
    intervalScoreSum: 0,
    points: 0,
    errorEstimator: 0,
    errorBaseline: 0,
    delayPoints: 0,
    delayErrorEstimator: 0,
    delayErrorBaseline: 0,
    errorDelayBaseline: 0,
    queuedPoints: 0,
    queuedErrorEstimator: 0,
    queuedErrorBaseline: 0,
  };
  for (const p of points) {
    const w = p.waitMinutes;
    t.tickets++;
    if (w >= p.minMinutes && w <= p.maxMinutes) t.inside++;
    t.widthSum += p.maxMinutes - p.minMinutes;
    t.waitSum += w;
    t.intervalScoreSum += intervalScore(p.minMinutes, p.maxMinutes, w);
    if (p.expectedMinutes == null || p.baselineMinutes == null) continue;
    const e = Math.abs(p.expectedMinutes - w);
    const b = Math.abs(p.baselineMinutes - w);
    t.points++;
    t.errorEstimator += e;
    t.errorBaseline += b;
    if (p.delayBaselineMinutes != null) {
      t.delayPoints++;
      t.delayErrorEstimator += e;
      t.delayErrorBaseline += b;
      t.errorDelayBaseline += Math.abs(p.delayBaselineMinutes - w);
    }
    if ((p.ahead ?? 0) > 0) {
      t.queuedPoints++;
      t.queuedErrorEstimator += e;
      t.queuedErrorBaseline += b;
    }
  }
  return t;
}

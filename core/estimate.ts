/**
 * The wait range printed on a ticket (DESIGN §3, decision record 0005): the model's minutes
 * (estimate-walk.ts) stretched by the branch's own recent errors (wait-calibration.ts), and the
 * two baselines it is measured against. Pure arithmetic.
 */
import type { CalibrationQuantiles } from './wait-calibration.js';

export interface WaitRange {
  minMinutes: number;
  maxMinutes: number;
}

/** What the engine keeps with a ticket: the printed range plus the points it was made from. */
export interface WaitEstimate extends WaitRange {
  /** The estimator's calibrated point estimate, minutes (the centre used for accuracy). */
  expectedMinutes: number;
  /** The queue-length baseline (n+1)/(s·μ) at the same moment, for comparison. */
  baselineMinutes: number;
  /** The delay-history baseline: the wait of the last customer of the service to be called. */
  delayBaselineMinutes: number;
  /** The model's own minutes, before calibration (the calibration learns from it). */
  modelMinutes: number;
}

function fromLogRatio(model: number, q: number): number {
  return Math.max(0, (model + 1) * Math.exp(q) - 1);
}

/**
 * The printed range: the calibrated quantiles around the model, to the nearest minute (the
 * calibration holds the share inside the printed, rounded range), at least one minute wide.
 */
export function rangeOf(modelMinutes: number, q: CalibrationQuantiles): WaitRange & { expectedMinutes: number } {
  const min = Math.round(fromLogRatio(modelMinutes, q.lo));
  const max = Math.max(min + 1, Math.round(fromLogRatio(modelMinutes, q.hi)));
  return { minMinutes: min, maxMinutes: max, expectedMinutes: round1(fromLogRatio(modelMinutes, q.mid)) };
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The queue-length baseline (n+1)/(s·μ) that the estimator is measured against. */
export function baselineWaitMinutes(ahead: number, servers: number, meanServiceMinutes: number): number {
  return ((ahead + 1) * meanServiceMinutes) / Math.max(1, servers);
}

/**
 * The estimator's memory of its own errors, which turns the model's minutes into the printed
 * range (decision record 0005). For each ticket called it records r = log((actual+1)/(model+1)).
 *
 * - Bias: per service, the median of its recent r (the model knows a line served mostly by
 *   other counters' reserve duty less well than one with counters of its own), shrunk towards 0
 *   while the service has few tickets.
 * - Spread: the quantiles of the remaining error over the last few hundred tickets of the same
 *   size of model wait (a wait of "the rest of one service" varies far more, relative to itself,
 *   than a wait of twenty customers), pooled over services.
 * - Level: split conformal with an adaptive miss rate (Gibbs & Candès's adaptive conformal
 *   inference): the quantiles are taken at α/2 and 1 − α/2, and α moves after every call by
 *   γ·(0.2 − missed), so the share of waits inside the printed range is held at the aimed 80 %
 *   when the day drifts, rather than above it by width or below it by luck.
 *
 * At the start of a day α starts from its typical level at this branch (an average of earlier
 * days' α, weighing yesterday half), not from wherever the afternoon's drift left it: a quiet
 * branch, where most customers find a counter free, keeps the narrower ranges it needs all
 * day, and yesterday's errors still say how the model errs here.
 */
import { z } from 'zod';
import { AIMED_COVERAGE } from './estimate-accuracy.js';

/** Quantiles of log((actual + 1) / (model + 1)), actual and model in minutes. */
export interface CalibrationQuantiles {
  lo: number;
  mid: number;
  hi: number;
}

/** Before the branch has its own history: wide enough to hold most waits of a plain queue. */
export const PRIOR_CALIBRATION: CalibrationQuantiles = { lo: Math.log(0.45), mid: 0, hi: Math.log(1.7) };

// The controller holds the share inside a little above the aimed 80 %: its feedback comes only
// when a customer is called, so a lunch peak's misses are learned half an hour late, and a day
// held at exactly 80 % on average ends a point or two below it.
const HELD_COVERAGE = AIMED_COVERAGE + 0.02;
const AIM = 1 - HELD_COVERAGE;
// How fast α follows misses: at 0.01 a run of twenty misses widens the range noticeably within
// the hour, while the noise in α stays a few points.
const GAMMA = 0.02;
const ALPHA_MIN = 0.02;
const ALPHA_MAX = 0.7;
// The coverage aimed at for customers who have to wait stays within these, whatever the share
// of those who find a counter free: a range that holds a third of waits tells nobody anything.
const TARGET_MIN = 0.4;
const TARGET_MAX = 0.9;
const WINDOW = 300;
const SERVICE_WINDOW = 150;
const MIN_SAMPLES = 30;
// A service's own bias counts fully once it has many more tickets than this.
const SHRINK = 10;
// Upper bounds (minutes) of the buckets of model wait; the last is open.
const BUCKETS = [0.05, 2, 5, 10, 20, 40];

export function bucketOf(modelMinutes: number): number {
  for (let i = 0; i < BUCKETS.length; i++) if (modelMinutes <= BUCKETS[i]!) return i;
  return BUCKETS.length;
}

function lowerBound(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Linear-interpolated quantile of a sorted array. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const i = Math.floor(pos);
  const f = pos - i;
  const a = sorted[i]!;
  const b = sorted[Math.min(sorted.length - 1, i + 1)]!;
  return a + f * (b - a);
}

class Ring {
  values: number[] = [];
  private next = 0;
  // The same values kept sorted as they come and go: a quantile is a lookup.
  private readonly sorted: number[] = [];

  constructor(private readonly size: number) {}

  push(v: number): void {
    if (this.values.length < this.size) this.values.push(v);
    else {
      const old = this.values[this.next]!;
      this.values[this.next] = v;
      this.next = (this.next + 1) % this.size;
      this.sorted.splice(lowerBound(this.sorted, old), 1);
    }
    this.sorted.splice(lowerBound(this.sorted, v), 0, v);
  }

  get length(): number {
    return this.values.length;
  }

  quantile(q: number): number {
    return quantile(this.sorted, q);
  }

  /** Oldest first, for the persisted state. */
  ordered(): number[] {
    return this.values.length < this.size ? [...this.values] : [...this.values.slice(this.next), ...this.values.slice(0, this.next)];
  }

  static of(size: number, values: readonly number[]): Ring {
    const r = new Ring(size);
    for (const v of values.slice(-size)) r.push(v);
    return r;
  }
}

const LEVELS = BUCKETS.length + 1;
// The recent tickets whose share "found a counter free" sets the level for the others.
const FLAG_WINDOW = 500;

export const calibrationStateSchema = z.object({
  /** The adaptive correction to the miss rate the target asks for, and its level at a day's start. */
  shift: z.number().min(-1).max(1),
  shiftBase: z.number().min(-1).max(1),
  buckets: z.array(z.array(z.number())).length(LEVELS),
  /** The pooled spread of the buckets past the first, newest last. */
  all: z.array(z.number()),
  services: z.record(z.string(), z.array(z.number())),
  /** Recent tickets: 1 = found a counter free and was inside, 2 = found a counter free and missed, 0 = had to wait. */
  recent: z.array(z.number().int().min(0).max(2)),
});
export type CalibrationState = z.infer<typeof calibrationStateSchema>;

export class WaitCalibration {
  private shift = 0;
  private shiftBase = 0;
  private shiftSum = 0;
  private shiftCount = 0;
  // Error spread by size of the model wait, after each service's own bias is taken out.
  private buckets: Ring[] = Array.from({ length: LEVELS }, () => new Ring(WINDOW));
  private all = new Ring(WINDOW);
  private services = new Map<string, Ring>();
  private recent: number[] = [];

  constructor(state?: CalibrationState) {
    if (!state) return;
    this.shift = state.shift;
    this.shiftBase = state.shiftBase;
    this.buckets = state.buckets.map((v) => Ring.of(WINDOW, v));
    for (const [code, v] of Object.entries(state.services)) this.services.set(code, Ring.of(SERVICE_WINDOW, v));
    this.all = Ring.of(WINDOW, state.all);
    this.recent = state.recent.slice(-FLAG_WINDOW);
  }

  /**
   * The coverage the ranges of customers who have to wait aim at, so that with those who find a
   * counter free (nearly always inside "0–1 minutes") the share inside is the aimed 80 %.
   */
  waitingTarget(): number {
    let free = 0;
    let freeInside = 0;
    for (const f of this.recent) {
      if (f === 0) continue;
      free++;
      if (f === 1) freeInside++;
    }
    const n = this.recent.length;
    if (n < MIN_SAMPLES || free === n) return HELD_COVERAGE;
    const share = free / n;
    const target = (HELD_COVERAGE - share * (freeInside / Math.max(1, free))) / (1 - share);
    return Math.min(TARGET_MAX, Math.max(TARGET_MIN, target));
  }

  /**
   * A ticket was called: it had waited `actualMinutes` against the model's `modelMinutes`, and
   * was printed the range `printed` (whether it held the wait moves its bucket's α).
   */
  record(serviceCode: string, modelMinutes: number, actualMinutes: number, printed?: { minMinutes: number; maxMinutes: number }): void {
    if (!(modelMinutes >= 0) || !(actualMinutes >= 0)) return;
    const r = Math.log((actualMinutes + 1) / (modelMinutes + 1));
    const residual = r - this.offset(serviceCode);
    let ring = this.services.get(serviceCode);
    if (!ring) this.services.set(serviceCode, (ring = new Ring(SERVICE_WINDOW)));
    ring.push(r);
    const bucket = bucketOf(modelMinutes);
    this.buckets[bucket]!.push(residual);
    // "A counter is free for you now" is nearly always right; its errors say nothing about how
    // a real wait spreads, so they stay out of the pooled spread.
    if (bucket > 0) this.all.push(residual);
    if (!printed) return;
    const missed = actualMinutes < printed.minMinutes || actualMinutes > printed.maxMinutes ? 1 : 0;
    this.recent.push(bucket === 0 ? 1 + missed : 0);
    if (this.recent.length > FLAG_WINDOW) this.recent.shift();
    // The target says how often the ranges of waiting customers may miss for 80 % inside over
    // everyone; the correction follows the misses of everyone (adaptive conformal inference on
    // the share the dashboard publishes), for what the target does not foresee.
    const next = this.shift + GAMMA * (AIM - missed);
    const level = 1 - this.waitingTarget() + next;
    // It moves only while the level it makes stays within bounds (no wind-up).
    if (level >= ALPHA_MIN && level <= ALPHA_MAX) this.shift = next;
    this.shiftSum += this.shift;
    this.shiftCount++;
  }

  private aimedMissRate(bucket: number): number {
    return bucket === 0 ? AIM : 1 - this.waitingTarget();
  }

  /** The miss rate the range of a bucket aims at now. */
  missRate(bucket: number): number {
    return Math.min(ALPHA_MAX, Math.max(ALPHA_MIN, this.aimedMissRate(bucket) + (bucket === 0 ? 0 : this.shift)));
  }

  /** A new business day: the correction from its typical level. */
  startDay(): void {
    if (this.shiftCount > 0) this.shiftBase = 0.5 * this.shiftBase + 0.5 * (this.shiftSum / this.shiftCount);
    this.shift = this.shiftBase;
    this.shiftSum = 0;
    this.shiftCount = 0;
  }

  /** The service's median error, shrunk towards none while it has few tickets. */
  private offset(serviceCode: string): number {
    const ring = this.services.get(serviceCode);
    if (!ring || ring.length === 0) return 0;
    return ring.quantile(0.5) * (ring.length / (ring.length + SHRINK));
  }

  quantiles(serviceCode: string, modelMinutes: number): CalibrationQuantiles {
    const b = bucketOf(modelMinutes);
    const bucket = this.buckets[b]!;
    const ring = bucket.length >= MIN_SAMPLES ? bucket : this.all.length >= MIN_SAMPLES ? this.all : undefined;
    const o = this.offset(serviceCode);
    if (!ring) return { lo: PRIOR_CALIBRATION.lo + o, mid: PRIOR_CALIBRATION.mid + o, hi: PRIOR_CALIBRATION.hi + o };
    const alpha = this.missRate(b);
    return { lo: ring.quantile(alpha / 2) + o, mid: ring.quantile(0.5) + o, hi: ring.quantile(1 - alpha / 2) + o };
  }

  toState(): CalibrationState {
    return {
      shift: this.shift,
      shiftBase: this.shiftBase,
      buckets: this.buckets.map((b) => b.ordered().map(round4)),
      all: this.all.ordered().map(round4),
      services: Object.fromEntries([...this.services].map(([k, v]) => [k, v.ordered().map(round4)])),
      recent: [...this.recent],
    };
  }
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

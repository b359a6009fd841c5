/**
 * The estimator's memory of its own errors: for each ticket called, log((actual+1)/(model+1))
 * in minutes. The printed range is the model stretched by the recent quantiles of that error,
 * so a branch whose tellers are slower than the model, or whose queue jumps more, gets ranges
 * that still hold the stated share of waits. Kept per size of the queue ahead, because an empty
 * queue's wait (the rest of one service) varies far more, relative to itself, than a long one's.
 */
import { PRIOR_CALIBRATION, type CalibrationQuantiles } from './estimate.js';

/** Share of waits the range aims to hold; the quantiles sit this far apart. */
export const TARGET_COVERAGE = 0.8;
// The range is a bit wider than the bare quantiles ask, because the quantiles are estimated from
// a sample and the branch's day drifts (lunch, paydays) faster than the window follows.
const TAIL = (1 - TARGET_COVERAGE) / 2 - 0.035;
const WINDOW = 200;
const MIN_SAMPLES = 25;
// A service's own bias counts fully once it has many more tickets than this.
const SHRINK = 10;

function bucketOf(ahead: number): number {
  if (ahead <= 0) return 0;
  if (ahead <= 2) return 1;
  if (ahead <= 6) return 2;
  return 3;
}

// Quantiles are re-sorted after this many new samples, not after each: one ticket moves them
// little, and a busy day calls thousands of tickets.
const REFRESH = 8;

class Ring {
  private readonly values: number[] = [];
  private next = 0;
  private cached: CalibrationQuantiles | undefined;
  private pushesSinceSort = 0;

  push(v: number): void {
    this.pushesSinceSort++;
    if (this.values.length < WINDOW) this.values.push(v);
    else {
      this.values[this.next] = v;
      this.next = (this.next + 1) % WINDOW;
    }
  }

  get size(): number {
    return this.values.length;
  }

  quantiles(): CalibrationQuantiles {
    if (!this.cached || this.pushesSinceSort >= REFRESH || this.values.length < MIN_SAMPLES * 2) {
      const s = [...this.values].sort((a, b) => a - b);
      this.cached = { lo: quantile(s, TAIL), mid: quantile(s, 0.5), hi: quantile(s, 1 - TAIL) };
      this.pushesSinceSort = 0;
    }
    return this.cached;
  }
}

/** Linear-interpolated quantile of a sorted array. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const i = Math.floor(pos);
  const f = pos - i;
  const a = sorted[i]!;
  const b = sorted[Math.min(sorted.length - 1, i + 1)]!;
  return a + f * (b - a);
}

export class WaitCalibration {
  // Error spread by queue size, after each service's own bias is taken out.
  private readonly buckets = [new Ring(), new Ring(), new Ring(), new Ring()];
  private readonly all = new Ring();
  // Each service's bias: the model knows less about a service that shares its counters (a
  // secondary line waits for others to run dry) than about one with counters of its own.
  private readonly services = new Map<string, Ring>();
  private readonly cache = new Map<string, CalibrationQuantiles>();

  record(serviceCode: string, ahead: number, modelMinutes: number, actualMinutes: number): void {
    if (!(modelMinutes >= 0) || !(actualMinutes >= 0)) return;
    const r = Math.log((actualMinutes + 1) / (modelMinutes + 1));
    const residual = r - this.offset(serviceCode);
    let ring = this.services.get(serviceCode);
    if (!ring) this.services.set(serviceCode, (ring = new Ring()));
    ring.push(r);
    this.buckets[bucketOf(ahead)]!.push(residual);
    this.all.push(residual);
    this.cache.clear();
  }

  /** The service's median error, shrunk towards none while it has few tickets. */
  private offset(serviceCode: string): number {
    const ring = this.services.get(serviceCode);
    if (!ring || ring.size === 0) return 0;
    return ring.quantiles().mid * (ring.size / (ring.size + SHRINK));
  }

  quantiles(serviceCode: string, ahead: number): CalibrationQuantiles {
    const key = `${serviceCode}|${bucketOf(ahead)}`;
    let q = this.cache.get(key);
    if (!q) {
      const ring = this.buckets[bucketOf(ahead)]!;
      const spread = ring.size >= MIN_SAMPLES ? ring.quantiles() : this.all.size >= MIN_SAMPLES ? this.all.quantiles() : PRIOR_CALIBRATION;
      const o = this.offset(serviceCode);
      q = { lo: spread.lo + o, mid: spread.mid + o, hi: spread.hi + o };
      this.cache.set(key, q);
    }
    return q;
  }
}

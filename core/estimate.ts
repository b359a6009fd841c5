/**
 * The wait range printed on a ticket (DESIGN §3, decision record 0004). Two steps:
 *
 * 1. A model of when this customer's turn comes (`modelWaitMinutes`): the counters that can
 *    serve the service are walked forward in time with the service times learned today,
 *    following the calling rules — primary lines before secondary ones, everyone already waiting
 *    in a shared line goes first, a counter's own primary customers keep arriving and go before a
 *    service it serves only as secondary, priority arrivals overtake a regular customer. Busy
 *    counters free up after the expected rest of their current service; paused ones after the
 *    rest of a typical pause.
 * 2. Calibration (wait-calibration.ts): the model is wrong in ways that depend on the branch,
 *    so the range comes from the branch's own recent errors — quantiles of
 *    log((actual+1)/(model+1)) for tickets called today, with each service's own bias and a
 *    spread per size of the queue ahead. Until enough tickets are called a wide prior is used.
 *
 * Pure arithmetic: the engine gathers the facts, this file turns them into minutes.
 */
import type { CounterStatus } from './types.js';

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
}

/** A service line as the estimator sees it. */
export interface LineFacts {
  waiting: number;
  /** Of those, priority-segment customers (they go before a regular one in any line of a tier). */
  priorityWaiting: number;
  /** Open counters that have this service as primary (they share its new arrivals). */
  openPrimaryCounters: number;
  meanServiceMinutes: number;
  /** Recent arrivals per minute, all segments, and priority segments only. */
  arrivalsPerMinute: number;
  priorityArrivalsPerMinute: number;
}

export interface EstimateCounter {
  status: CounterStatus;
  /** Minutes since the counter entered its status (how long a pause has lasted). */
  statusMinutes: number;
  /** Expected minutes until the customer at the counter leaves; 0 when nobody is there. */
  busyMinutes: number;
  primary: string[];
  secondary: string[];
}

export interface EstimateInput {
  serviceCode: string;
  /** Customers that will be called before this one. */
  ahead: number;
  /** A priority customer: nobody arriving later overtakes them. */
  priority: boolean;
  /** Every configured counter that serves the service, open or not. */
  counters: EstimateCounter[];
  /** Facts of every line those counters serve, by service code. */
  lines: Record<string, LineFacts>;
  calibration: CalibrationQuantiles;
}

/** Quantiles of log((actual + 1) / (model + 1)), actual and model in minutes. */
export interface CalibrationQuantiles {
  lo: number;
  mid: number;
  hi: number;
}

/** Before the branch has its own history: wide enough to hold most waits of a plain queue. */
export const PRIOR_CALIBRATION: CalibrationQuantiles = { lo: Math.log(0.45), mid: 0, hi: Math.log(1.7) };

// A pause usually lasts this long (a break, fetching documents); a paused counter's first
// free moment is when the rest of it is over.
const TYPICAL_PAUSE_MINUTES = 15;
// The walk-through stops after this many services and extrapolates: a very long queue's
// estimate is rough anyway, and the cost of an estimate stays bounded.
const MAX_STEPS = 1500;

const NO_LINE: LineFacts = { waiting: 0, priorityWaiting: 0, openPrimaryCounters: 0, meanServiceMinutes: 5, arrivalsPerMinute: 0, priorityArrivalsPerMinute: 0 };
// No estimate beyond a long day: past this the model has nothing useful to say.
const MAX_MODEL_MINUTES = 8 * 60;
// Arrival rates seen over half an hour are noisy, and a counter's own customers often go to
// another counter of the same line; counting half of them fitted simulated days best.
const ARRIVAL_WEIGHT = 0.5;

/**
 * The model's wait in minutes, before calibration. Walks the counters that serve the service
 * forward in time with mean service times, following the calling rules: each free counter takes
 * from its primary lines before its secondary ones. Everyone waiting in another line of the same
 * tier was queued before this customer and goes first; at a counter where the service is only
 * secondary, that counter's primary lines keep receiving new customers who also go first; and
 * priority arrivals overtake a regular customer. The customer's turn is the first moment a
 * counter is free with nobody left before them.
 */
export function modelWaitMinutes(input: EstimateInput): number {
  const own = input.serviceCode;
  const line = (code: string) => input.lines[code] ?? NO_LINE;
  const m = Math.max(0.05, line(own).meanServiceMinutes);
  let counters = input.counters.filter((c) => c.status !== 'closed');
  const free: number[] = [];
  if (counters.length === 0) {
    // Nobody is open: the configured counters are expected to open within a service time.
    counters = input.counters.length ? input.counters : [{ status: 'open', statusMinutes: 0, busyMinutes: 0, primary: [own], secondary: [] }];
    for (const _c of counters) free.push(m);
  } else {
    for (const c of counters) {
      free.push(c.status === 'paused' ? Math.max(c.busyMinutes, TYPICAL_PAUSE_MINUTES - c.statusMinutes, 2) : c.busyMinutes);
    }
  }
  const served = new Map<string, number>();
  const taken = (code: string) => served.get(code) ?? 0;
  // Customers before this one in its own line by time t (priority arrivals overtake a regular one).
  const beforeUs = (t: number) => input.ahead + (input.priority ? 0 : Math.floor(line(own).priorityArrivalsPerMinute * t)) - taken(own);
  // New arrivals of a line are shared by all its primary counters, not only the ones walked here.
  const walked = new Map<string, number>();
  for (const c of counters) for (const code of c.primary) walked.set(code, (walked.get(code) ?? 0) + 1);
  const arrivalShare = (code: string) => Math.min(1, (walked.get(code) ?? 0) / Math.max(1, line(code).openPrimaryCounters));
  // Customers of another line that go before this one at a counter, by time t: in the same
  // tier those already waiting (for a priority customer only priority ones) and priority
  // arrivals; in a higher tier everyone, arrivals included.
  const otherAvailable = (code: string, t: number, sameTier: boolean) => {
    const l = line(code);
    const waiting = sameTier && input.priority ? l.priorityWaiting : l.waiting;
    const arrivals = sameTier ? (input.priority ? 0 : l.priorityArrivalsPerMinute) : l.arrivalsPerMinute * arrivalShare(code) * ARRIVAL_WEIGHT;
    return Math.floor(waiting + arrivals * t) - taken(code);
  };

  for (let step = 0; step < MAX_STEPS; step++) {
    let ci = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[ci]!) ci = i;
    const c = counters[ci]!;
    const t = free[ci]!;
    if (t > MAX_MODEL_MINUTES) return MAX_MODEL_MINUTES;
    let pick: string | undefined;
    let ours = false;
    for (const tier of [c.primary, c.secondary]) {
      const sameTier = tier.includes(own);
      let best = 0;
      for (const code of tier) {
        if (code === own) continue;
        const avail = otherAvailable(code, t, sameTier);
        const work = avail * line(code).meanServiceMinutes;
        if (avail > 0 && work > best) {
          best = work;
          pick = code;
        }
      }
      if (pick) break;
      if (sameTier) {
        if (beforeUs(t) > 0) pick = own;
        else ours = true;
        break;
      }
    }
    if (ours) return t;
    if (!pick) {
      // Nothing for this counter yet: it waits for the next arrival in its own lines.
      const rate = c.primary.reduce((sum, code) => sum + line(code).arrivalsPerMinute, 0);
      free[ci] = t + (rate > 0 ? 1 / rate : m);
      continue;
    }
    served.set(pick, taken(pick) + 1);
    free[ci] = t + Math.max(0.05, line(pick).meanServiceMinutes);
  }
  // Extrapolate at the pace this line was being served.
  const t = Math.min(...free);
  const pace = taken(own) > 0 ? t / taken(own) : m;
  return Math.min(MAX_MODEL_MINUTES, t + Math.max(0, beforeUs(t)) * pace);
}

function fromLogRatio(model: number, q: number): number {
  return Math.max(0, (model + 1) * Math.exp(q) - 1);
}

export function estimateWait(input: EstimateInput): WaitEstimate & { modelMinutes: number } {
  const model = modelWaitMinutes(input);
  const cal = input.calibration;
  const lo = fromLogRatio(model, cal.lo);
  const hi = fromLogRatio(model, cal.hi);
  const min = Math.floor(lo);
  // Whole minutes outward, so rounding never narrows the range below what the history supports.
  const max = Math.max(min + 1, Math.ceil(hi));
  const open = input.counters.filter((c) => c.status === 'open').length;
  const mean = (input.lines[input.serviceCode] ?? NO_LINE).meanServiceMinutes;
  return {
    minMinutes: min,
    maxMinutes: max,
    expectedMinutes: round1(fromLogRatio(model, cal.mid)),
    baselineMinutes: round1(baselineWaitMinutes(input.ahead, open || input.counters.length, mean)),
    modelMinutes: Math.round(model * 1000) / 1000,
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The queue-length baseline (n+1)/(s·μ) that the estimator is measured against. */
export function baselineWaitMinutes(ahead: number, servers: number, meanServiceMinutes: number): number {
  return ((ahead + 1) * meanServiceMinutes) / Math.max(1, servers);
}

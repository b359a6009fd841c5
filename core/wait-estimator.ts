/**
 * The engine's wait estimator: learns from the tickets that pass through the engine (priority
 * arrivals that will overtake regular customers; the error of each printed estimate once the
 * ticket is called) and turns the queue facts the engine gathers into the printed range.
 */
import { estimateWait, type EstimateInput, type WaitEstimate } from './estimate.js';
import type { Ticket } from './types.js';
import { WaitCalibration } from './wait-calibration.js';

// Priority arrivals are counted over this window: long enough to see a few, short enough to
// follow the lunch peak.
const ARRIVAL_WINDOW_MS = 30 * 60_000;

export class WaitEstimator {
  private readonly calibration = new WaitCalibration();
  private readonly arrivals = new Map<string, number[]>();
  private readonly priorityArrivals = new Map<string, number[]>();

  constructor(private readonly isPriority: (segment: string) => boolean) {}

  /** Takes one ticket change: a new priority arrival, or a ticket called for the first time. */
  observe(prev: Ticket | undefined, next: Ticket): void {
    if (!prev && next.status === 'waiting') {
      push(this.arrivals, next.serviceCode, next.issuedAt);
      if (this.isPriority(next.segment)) push(this.priorityArrivals, next.serviceCode, next.issuedAt);
    }
    const wasWaiting = prev ? prev.status === 'waiting' : true;
    if (wasWaiting && next.status === 'called') this.learn(next);
  }

  /** Learns from a ticket called before a restart (the engine's snapshot). */
  replay(t: Ticket): void {
    if (t.calledAt !== undefined) this.learn(t);
  }

  /** Arrivals per minute over the recent window: all segments, and priority ones. */
  arrivalRates(serviceCode: string, now: number): { all: number; priority: number } {
    return { all: rate(this.arrivals.get(serviceCode), now), priority: rate(this.priorityArrivals.get(serviceCode), now) };
  }

  estimate(facts: Omit<EstimateInput, 'calibration'>): WaitEstimate & { modelMinutes: number } {
    const input: EstimateInput = { ...facts, calibration: this.calibration.quantiles(facts.serviceCode, facts.ahead) };
    return estimateWait(input);
  }

  private learn(t: Ticket): void {
    const est = t.estimate;
    // A rejoined ticket's wait restarted; its first estimate says nothing about the second wait.
    if (!est || est.modelMinutes === undefined || t.rejoins > 0 || t.calledAt === undefined) return;
    this.calibration.record(t.serviceCode, t.ahead, est.modelMinutes, (t.calledAt - t.issuedAt) / 60_000);
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
  return list.length / (ARRIVAL_WINDOW_MS / 60_000);
}

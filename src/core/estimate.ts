/**
 * The wait range printed on a ticket. A range, not a point: customers plan around the upper
 * bound, so it is wider when fewer counters serve the service.
 *
 * Capacity counts the open counters that serve the service: a primary counter fully, a
 * secondary one at half, since it only takes this service when its own primary lines are empty.
 * With no counter open, the configured counters are assumed to open, and the range widens.
 */
export interface EstimateInput {
  /** Customers that will be called before this one. */
  ahead: number;
  /** Mean service time for the service, minutes. */
  meanServiceMinutes: number;
  openPrimary: number;
  openSecondary: number;
  configuredCounters: number;
  /** Counters of this service with nobody at them right now. */
  idleCounters: number;
}

export interface WaitRange {
  minMinutes: number;
  maxMinutes: number;
}

export function estimateWait(input: EstimateInput): WaitRange {
  const open = input.openPrimary + 0.5 * input.openSecondary;
  const capacity = open > 0 ? open : Math.max(1, input.configuredCounters);
  if (input.ahead === 0 && input.idleCounters > 0) return { minMinutes: 0, maxMinutes: 2 };
  // Half a service time for whoever is at the counter now, then one service per person ahead.
  const expected = ((input.ahead + 0.5) * input.meanServiceMinutes) / capacity;
  const spread = open > 0 ? 0.25 : 0.5;
  const min = Math.max(0, Math.floor(expected * (1 - spread)));
  const max = Math.max(min + 2, Math.ceil(expected * (1 + spread)) + 1);
  return { minMinutes: min, maxMinutes: max };
}

/** The queue-length baseline (n+1)/(s·μ) that the estimator is measured against. */
export function baselineWaitMinutes(ahead: number, servers: number, meanServiceMinutes: number): number {
  return ((ahead + 1) * meanServiceMinutes) / Math.max(1, servers);
}

/**
 * Staffing advice from queueing theory (Erlang C, M/M/c): with arrival rate λ, mean service
 * time 1/μ and c counters, the chance a customer waits at all and the share served within a
 * target wait. Honest about its assumptions: Poisson arrivals, exponential service, counters
 * dedicated to the service; the figures behind each piece of advice are returned with it.
 */

/** P(wait > 0) for c servers and offered load a = λ/μ (in Erlangs); 1 when a ≥ c. */
export function erlangC(c: number, a: number): number {
  if (c <= 0) return 1;
  if (a <= 0) return 0;
  if (a >= c) return 1;
  // Erlang B by its stable recurrence, then C from B.
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const rho = a / c;
  return b / (1 - rho * (1 - b));
}

/** Mean wait in queue (same unit as the service time) for M/M/c; Infinity when overloaded. */
export function erlangCMeanWait(c: number, arrivalsPerMinute: number, meanServiceMinutes: number): number {
  const a = arrivalsPerMinute * meanServiceMinutes;
  if (a >= c) return Infinity;
  return (erlangC(c, a) * meanServiceMinutes) / (c - a);
}

/** Share of customers whose wait is at most `targetMinutes`: 1 − C(c,a)·e^(−(cμ−λ)t). */
export function serviceLevel(c: number, arrivalsPerMinute: number, meanServiceMinutes: number, targetMinutes: number): number {
  if (arrivalsPerMinute <= 0) return 1;
  if (c <= 0) return 0;
  const a = arrivalsPerMinute * meanServiceMinutes;
  if (a >= c) return 0;
  const mu = 1 / meanServiceMinutes;
  return 1 - erlangC(c, a) * Math.exp(-(c * mu - arrivalsPerMinute) * targetMinutes);
}

export interface StaffingInput {
  serviceCode: string;
  arrivalsPerHour: number;
  meanServiceMinutes: number;
  /** Counters open now that have this service as primary. */
  servers: number;
  targetWaitMinutes: number;
  /** Share that should be served within the target, e.g. 0.9. */
  goal: number;
  /** Closed counters that could be opened for it (primary for the service), in order of preference. */
  closedCounters: string[];
}

export interface StaffingAdvice {
  serviceCode: string;
  arrivalsPerHour: number;
  meanServiceMinutes: number;
  servers: number;
  targetWaitMinutes: number;
  goal: number;
  /** Predicted share within target now, and with one more counter. */
  serviceLevelNow: number;
  serviceLevelPlusOne: number;
  /** Counters the goal needs (capped at servers + 5). */
  serversNeeded: number;
  action: 'open_counter' | 'ok' | 'could_close' | 'no_demand';
  counterToOpen?: string;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function adviseStaffing(input: StaffingInput): StaffingAdvice {
  const lambda = input.arrivalsPerHour / 60;
  const m = input.meanServiceMinutes;
  const sl = (c: number) => serviceLevel(c, lambda, m, input.targetWaitMinutes);
  let needed = input.servers;
  while (needed < input.servers + 5 && sl(needed) < input.goal) needed++;
  while (needed > 1 && sl(needed - 1) >= input.goal) needed--;
  const now = sl(input.servers);
  let action: StaffingAdvice['action'] = 'ok';
  if (lambda <= 0) action = 'no_demand';
  else if (now < input.goal) action = 'open_counter';
  else if (input.servers > 1 && sl(input.servers - 1) >= input.goal) action = 'could_close';
  return {
    serviceCode: input.serviceCode,
    arrivalsPerHour: Math.round(input.arrivalsPerHour * 10) / 10,
    meanServiceMinutes: Math.round(m * 10) / 10,
    servers: input.servers,
    targetWaitMinutes: input.targetWaitMinutes,
    goal: input.goal,
    serviceLevelNow: round3(now),
    serviceLevelPlusOne: round3(sl(input.servers + 1)),
    serversNeeded: lambda <= 0 ? 0 : Math.max(1, needed),
    action,
    counterToOpen: action === 'open_counter' ? input.closedCounters[0] : undefined,
  };
}

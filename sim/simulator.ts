/**
 * The branch simulator: a discrete-event simulation of business days that drives the real queue
 * engine and, unless told otherwise, the real branch database, through the same command runner
 * as the service (roll over → decide → commit → apply). Customers arrive as a Poisson process
 * whose rate follows the profile's hourly shape; tellers call the next customer as soon as they
 * are free, take breaks (pause/resume) and close at the end of their shift; some called
 * customers have left and are recalled, then marked no-show. The clock is simulated, so a day
 * takes well under a second. Storage set-up is in sim-storage.ts, the tellers in tellers.ts,
 * what each action does in branch-day.ts.
 */
import { QueueEngine } from '../core/engine.js';
import { WaitCalibration } from '../core/wait-calibration.js';
import type { QueueConfig, Ticket, TicketEstimate } from '../core/types.js';
import { addDays, hhmmToMinutes, localEpoch } from '../common/local-time.js';
import { CommandRunner } from '../server/command-runner.js';
import { silentLogger } from '../server/logger.js';
import { BranchDay, type SimBranch } from './branch-day.js';
import type { SimProfile } from './profile.js';
import { syntheticHistory } from './history.js';
import { Random } from './random.js';
import { openSimStorage, type SimStorage } from './sim-storage.js';
import { branchOpensOn, staffedCounters } from './staffing.js';
import { Teller, type SimCounterStats } from './tellers.js';

export { arrivalsOf, drawServiceMinutes, serviceFactorAt } from './arrivals.js';
export type { SimCounterStats, SimStorage };

export interface SimOptions {
  profile: SimProfile;
  config: QueueConfig;
  seed?: number;
  days?: number;
  /** Days run before the profile's date and not counted (default: the profile's warmupDays). */
  warmupDays?: number;
  storage?: SimStorage;
  /** With storage "file": keep the database at this path (otherwise a temp file, removed after). */
  dbPath?: string;
  /**
   * Keep synchronous=FULL on the simulation's database. Off by default: a throwaway database
   * gains nothing from waiting for the disk, and the schema and statements are the same.
   */
  durable?: boolean;
}

export interface SimTicket {
  id: string;
  number: string;
  serviceCode: string;
  segment: string;
  businessDay: string;
  status: Ticket['status'];
  issuedAt: number;
  calledAt?: number;
  startedAt?: number;
  endedAt?: number;
  counterId?: string;
  ahead: number;
  estimate: TicketEstimate | null;
  /** Minutes from issue to the first call; undefined when never called. */
  waitMinutes?: number;
  rejoins: number;
}

export interface SimResult {
  profile: string;
  seed: number;
  days: string[];
  tickets: SimTicket[];
  counters: SimCounterStats[];
  /** Engine commands committed (each one transaction when a database is used). */
  commands: number;
  events: number;
  /** Wall-clock milliseconds the run took. */
  elapsedMs: number;
}

export function simulate(opts: SimOptions): SimResult {
  const wallStart = performance.now();
  const { profile, config } = opts;
  const seed = opts.seed ?? profile.seed;
  const dayCount = opts.days ?? profile.days;
  const warmup = opts.warmupDays ?? profile.warmupDays;
  const firstDate = addDays(profile.date, -warmup);
  const store = openSimStorage({ storage: opts.storage ?? 'file', branchId: config.branch.id, dbPath: opts.dbPath, durable: opts.durable });
  try {
    const clock = { now: localEpoch(firstDate, hhmmToMinutes(profile.open), config.branch.timeZone) };
    let ids = 0;
    const snapshot = store.loadSnapshot(firstDate);
    const history = syntheticHistory(profile, config, seed, firstDate, profile.historyDays);
    const engine = new QueueEngine(
      config,
      history ? { ...snapshot, estimator: { history, calibration: new WaitCalibration().toState() } } : snapshot,
      () => `sim-${seed}-${++ids}`,
      clock.now,
    );
    const tickets = new Map<string, Ticket>();
    let commands = 0;
    let events = 0;
    const runner = new CommandRunner({
      engine,
      store,
      branchId: config.branch.id,
      clock: () => clock.now,
      log: silentLogger,
      publish: () => undefined,
      committed: (out) => {
        commands++;
        events += out.events.length;
        for (const t of out.tickets) tickets.set(t.id, t);
      },
    });
    const branch: SimBranch = {
      profile,
      config,
      engine,
      runner,
      tellers: new Map(staffedCounters(profile, config).map((id) => [id, new Teller(id, clock.now)])),
      tickets,
      rng: streams(seed, warmup > 0 ? 'warmup-' : ''),
      clock,
    };
    const days: string[] = [];
    for (let d = -warmup; d < dayCount; d++) {
      const date = addDays(profile.date, d);
      if (d === 0 && warmup > 0) {
        // Warm-up days draw from streams of their own, so the counted days do not depend on them.
        branch.rng = streams(seed, '');
        for (const t of branch.tellers.values()) t.resetStats(clock.now);
      }
      // A day the branch is closed (a Sunday in the warm-up, a holiday in a week) has no customers.
      if (!branchOpensOn(config, date)) continue;
      if (d >= 0) days.push(date);
      new BranchDay(branch, date).run();
    }
    return {
      profile: profile.name,
      seed,
      days,
      tickets: [...tickets.values()].filter((t) => t.businessDay >= profile.date).map(simTicket),
      counters: [...branch.tellers.values()].map((t) => t.stats),
      commands,
      events,
      elapsedMs: performance.now() - wallStart,
    };
  } finally {
    store.close();
  }
}

function streams(seed: number, prefix: string): SimBranch['rng'] {
  return { arrivals: Random.stream(seed, `${prefix}arrivals`), service: Random.stream(seed, `${prefix}service`), behaviour: Random.stream(seed, `${prefix}behaviour`) };
}

function simTicket(t: Ticket): SimTicket {
  return {
    id: t.id,
    number: t.number,
    serviceCode: t.serviceCode,
    segment: t.segment,
    businessDay: t.businessDay,
    status: t.status,
    issuedAt: t.issuedAt,
    calledAt: t.calledAt,
    startedAt: t.startedAt,
    endedAt: t.endedAt,
    counterId: t.counterId,
    ahead: t.ahead,
    estimate: t.estimate,
    waitMinutes: t.calledAt !== undefined ? (t.calledAt - t.issuedAt) / 60_000 : undefined,
    rejoins: t.rejoins,
  };
}

/**
 * The branch simulator: a discrete-event simulation of a business day that drives the real
 * queue engine and, unless told otherwise, the real branch database, exactly as the service
 * does (decide → commit → apply). Customers arrive as a Poisson process whose rate follows the
 * profile's hourly shape; tellers call the next customer as soon as they are free, take breaks
 * (pause/resume) and close at the end of their shift; some called customers have left and are
 * recalled, then marked no-show. The clock is simulated, so a day takes well under a second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { businessDay, localParts } from '../core/calendar.js';
import { QueueEngine, type Outcome } from '../core/engine.js';
import type { WaitEstimate } from '../core/estimate.js';
import type { QueueConfig, Ticket } from '../core/types.js';
import { createBranchStore, type BranchStore } from '../db/branch-store.js';
import { openDatabase } from '../db/open-database.js';
import { EventQueue } from './event-queue.js';
import { addDays, hhmmToMinutes, localEpoch } from '../common/local-time.js';
import { WEEKDAY_KEYS, type ServiceTimeSpec, type SimProfile } from './profile.js';
import { Random } from './random.js';
import { branchOpensOn, faultsOfDay, shiftsOfDay, staffedCounters, weekdayOf } from './staffing.js';
import { syntheticHistory } from './history.js';
import { WaitCalibration } from '../core/wait-calibration.js';

/** Where the engine's outcomes are committed: a SQLite file, SQLite in memory, or nowhere. */
export type SimStorage = 'file' | 'memory' | 'none';

export interface SimOptions {
  profile: SimProfile;
  config: QueueConfig;
  seed?: number;
  days?: number;
  storage?: SimStorage;
  /** Days run before the profile's date and not counted (default: the profile's warmupDays). */
  warmupDays?: number;
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
  estimate: WaitEstimate | null;
  /** Minutes from issue to the first call; undefined when never called. */
  waitMinutes?: number;
  rejoins: number;
}

export interface SimCounterStats {
  id: string;
  openMinutes: number;
  busyMinutes: number;
  pausedMinutes: number;
  served: number;
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

type Action =
  | { k: 'arrive'; service: string; segment: string }
  | { k: 'open'; counter: string }
  | { k: 'close'; counter: string }
  | { k: 'break'; counter: string; reason: string; minutes: number }
  | { k: 'resume'; counter: string }
  | { k: 'seated'; counter: string; ticket: string }
  | { k: 'done'; counter: string; ticket: string }
  | { k: 'absent'; counter: string; ticket: string }
  | { k: 'doors_close' };

interface Teller {
  id: string;
  staffId: string;
  state: 'closed' | 'idle' | 'busy' | 'paused';
  current?: string;
  pendingBreak?: { reason: string; minutes: number };
  closing: boolean;
  /** Accounting: time of the last state change and what the counter was doing since. */
  since: number;
  stats: SimCounterStats;
}

export function drawServiceMinutes(spec: ServiceTimeSpec, rng: Random): number {
  switch (spec.dist) {
    case 'exponential':
      return rng.exponential(spec.meanMinutes);
    case 'lognormal':
      return rng.lognormal(spec.meanMinutes, spec.cv);
    case 'fixed':
      return spec.meanMinutes;
  }
}

/** The profile's factor on service times at local time `at` (by the hour). */
export function serviceFactorAt(profile: SimProfile, at: number, timeZone: string): number {
  const hour = String(Math.floor(localParts(at, timeZone).minutes / 60)).padStart(2, '0');
  return profile.serviceTimeShape[hour] ?? 1;
}

/** The day's arrivals: a Poisson process per service, its rate constant within each local hour. */
export function arrivalsOf(profile: SimProfile, config: QueueConfig, date: string, rng: Random): { at: number; service: string; segment: string }[] {
  const tz = config.branch.timeZone;
  const open = hhmmToMinutes(profile.open);
  const close = hhmmToMinutes(profile.close);
  const dayOfMonth = Number(date.slice(8, 10));
  const payday = profile.arrivals.paydays.includes(dayOfMonth) ? profile.arrivals.paydayFactor : 1;
  const weekday = profile.arrivals.weekdays[WEEKDAY_KEYS[weekdayOf(date)]!] ?? 1;
  const out: { at: number; service: string; segment: string }[] = [];
  for (const [service, perHour] of Object.entries(profile.arrivals.perHour)) {
    const mix = profile.arrivals.segmentsByService[service] ?? profile.arrivals.segments;
    for (let start = open; start < close; start = Math.floor(start / 60) * 60 + 60) {
      const end = Math.min(close, Math.floor(start / 60) * 60 + 60);
      const hour = String(Math.floor(start / 60)).padStart(2, '0');
      const rate = (perHour * (profile.arrivals.shape[hour] ?? 1) * payday * weekday) / 60; // per minute
      if (rate <= 0) continue;
      // Memoryless: restarting the clock at each hour boundary keeps it a Poisson process.
      for (let t = start + rng.exponential(1 / rate); t < end; t += rng.exponential(1 / rate)) {
        out.push({ at: Math.round(localEpoch(date, 0, tz) + t * 60_000), service, segment: rng.pick(mix) });
      }
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

export function simulate(opts: SimOptions): SimResult {
  const wallStart = performance.now();
  const { profile, config } = opts;
  const seed = opts.seed ?? profile.seed;
  const storage = opts.storage ?? 'file';
  const dayCount = opts.days ?? profile.days;
  const tz = config.branch.timeZone;
  const branchId = config.branch.id;
  const counterDefs = new Map(config.counters.map((c) => [c.id, c]));

  let tempDir: string | undefined;
  let store: BranchStore | undefined;
  if (storage !== 'none') {
    let path = ':memory:';
    if (storage === 'file') {
      if (opts.dbPath) path = opts.dbPath;
      else {
        tempDir = mkdtempSync(join(tmpdir(), 'branch-sim-'));
        path = join(tempDir, 'branch.db');
      }
    }
    const db = openDatabase(path);
    if (!opts.durable) db.pragma('synchronous = OFF');
    store = createBranchStore(db);
    store.setMeta('branch_id', branchId);
  }

  // Warm-up days draw from streams of their own, so the counted days do not depend on them.
  let arrivalsRng = Random.stream(seed, 'arrivals');
  let serviceRng = Random.stream(seed, 'service');
  let behaviourRng = Random.stream(seed, 'behaviour');
  const warmup = opts.warmupDays ?? profile.warmupDays;
  const firstDate = addDays(profile.date, -warmup);

  let ids = 0;
  const firstStart = localEpoch(firstDate, hhmmToMinutes(profile.open), tz);
  const snapshot = store ? store.loadSnapshot(firstDate) : { tickets: [], counters: [], sequences: [] };
  const history = syntheticHistory(profile, config, seed, firstDate, profile.historyDays);
  const engine = new QueueEngine(config, history ? { ...snapshot, estimator: { history, calibration: new WaitCalibration().toState() } } : snapshot, () => `sim-${seed}-${++ids}`, firstStart);
  const tickets = new Map<string, Ticket>();
  let commands = 0;
  let events = 0;
  let now = firstStart;

  const commit = (out: Outcome): void => {
    if (out.tickets.length === 0 && out.counters.length === 0 && out.events.length === 0 && out.sequences.length === 0) return;
    store?.commit(out, branchId);
    engine.apply(out);
    commands++;
    events += out.events.length;
    for (const t of out.tickets) tickets.set(t.id, t);
  };
  const dayBoundaryAfter = (t: number) => {
    const day = businessDay(t, tz, config.branch.dayStartsAt);
    return localEpoch(addDays(day, 1), hhmmToMinutes(config.branch.dayStartsAt), tz);
  };
  let nextDayAt = dayBoundaryAfter(now);
  const run = <R>(decide: (t: number) => Outcome<R>): R => {
    // The service asks the engine to roll over before every command, which formats the local
    // date each time; the simulator knows when the next day starts, so it asks only then.
    if (now >= nextDayAt) {
      nextDayAt = dayBoundaryAfter(now);
      const roll = engine.rollover(now);
      if (roll) commit(roll);
    }
    const out = decide(now);
    commit(out);
    return out.result;
  };

  const tellers = new Map<string, Teller>();
  for (const id of staffedCounters(profile, config)) {
    tellers.set(id, { id, staffId: `sim-${id}`, state: 'closed', closing: false, since: now, stats: { id, openMinutes: 0, busyMinutes: 0, pausedMinutes: 0, served: 0 } });
  }
  const account = (t: Teller) => {
    const minutes = (now - t.since) / 60_000;
    if (t.state === 'idle') t.stats.openMinutes += minutes;
    else if (t.state === 'busy') {
      t.stats.openMinutes += minutes;
      t.stats.busyMinutes += minutes;
    } else if (t.state === 'paused') t.stats.pausedMinutes += minutes;
    t.since = now;
  };
  const setState = (t: Teller, s: Teller['state']) => {
    account(t);
    t.state = s;
  };

  const days: string[] = [];
  for (let d = -warmup; d < dayCount; d++) {
    const date = addDays(profile.date, d);
    if (d === -warmup && warmup > 0) {
      arrivalsRng = Random.stream(seed, 'warmup-arrivals');
      serviceRng = Random.stream(seed, 'warmup-service');
      behaviourRng = Random.stream(seed, 'warmup-behaviour');
    }
    if (d === 0 && warmup > 0) {
      arrivalsRng = Random.stream(seed, 'arrivals');
      serviceRng = Random.stream(seed, 'service');
      behaviourRng = Random.stream(seed, 'behaviour');
      for (const t of tellers.values()) {
        t.since = now;
        t.stats = { id: t.id, openMinutes: 0, busyMinutes: 0, pausedMinutes: 0, served: 0 };
      }
    }
    // A day the branch is closed (a Sunday in the warm-up, a holiday in a week) has no customers.
    if (!branchOpensOn(config, date)) continue;
    if (d >= 0) days.push(date);
    const agenda = new EventQueue<Action>();
    let doorsClosed = false;
    for (const a of arrivalsOf(profile, config, date, arrivalsRng)) agenda.push(a.at, { k: 'arrive', service: a.service, segment: a.segment });
    agenda.push(localEpoch(date, hhmmToMinutes(profile.close), tz), { k: 'doors_close' });
    for (const shift of shiftsOfDay(profile, config, date)) {
      const id = shift.counter;
      agenda.push(localEpoch(date, hhmmToMinutes(shift.open), tz), { k: 'open', counter: id });
      agenda.push(localEpoch(date, hhmmToMinutes(shift.close), tz), { k: 'close', counter: id });
      for (const b of shift.breaks) agenda.push(localEpoch(date, hhmmToMinutes(b.at), tz), { k: 'break', counter: id, reason: b.reason, minutes: b.minutes });
    }
    for (const f of faultsOfDay(profile)) agenda.push(localEpoch(date, hhmmToMinutes(f.at), tz), { k: 'break', counter: f.counter, reason: f.reason, minutes: f.minutes });

    const actor = (t: Teller) => ({ staffId: t.staffId });

    const call = (t: Teller): boolean => {
      if (t.state !== 'idle') return false;
      const ticket = run((n) => engine.callNext(t.id, actor(t), n));
      if (!ticket) return false;
      setState(t, 'busy');
      t.current = ticket.id;
      const waited = (now - ticket.issuedAt) / 60_000;
      const pNoShow = Math.min(1, profile.behaviour.noShow + profile.behaviour.noShowPerMinuteOfWait * waited);
      if (behaviourRng.chance(pNoShow)) agenda.push(now + profile.behaviour.recallSeconds * 1000, { k: 'absent', counter: t.id, ticket: ticket.id });
      else {
        const walk = profile.behaviour.walkSeconds > 0 ? behaviourRng.exponential(profile.behaviour.walkSeconds * 1000) : 0;
        agenda.push(now + Math.round(walk), { k: 'seated', counter: t.id, ticket: ticket.id });
      }
      return true;
    };

    // What a free teller does next: a due break, the end of the shift, or the next customer.
    const free = (t: Teller) => {
      t.current = undefined;
      setState(t, 'idle');
      if (t.pendingBreak) {
        const b = t.pendingBreak;
        t.pendingBreak = undefined;
        run((n) => engine.pause(t.id, b.reason, actor(t), n));
        setState(t, 'paused');
        agenda.push(now + b.minutes * 60_000, { k: 'resume', counter: t.id });
        return;
      }
      if (t.closing && !doorsClosed) return closeCounter(t);
      if (call(t)) return;
      if (t.closing) closeCounter(t);
    };

    const closeCounter = (t: Teller) => {
      run((n) => engine.close(t.id, actor(t), n));
      setState(t, 'closed');
      t.closing = false;
    };

    // Free tellers press "next" when a customer arrives; those whose primary line it is first.
    const wakeIdle = (service: string) => {
      const idle = [...tellers.values()].filter((t) => t.state === 'idle');
      const level = (t: Teller) => (counterDefs.get(t.id)?.services.find((s) => s.code === service)?.level === 'primary' ? 0 : 1);
      idle.sort((a, b) => level(a) - level(b));
      for (const t of idle) if (call(t)) return;
    };

    for (let item = agenda.pop(); item; item = agenda.pop()) {
      now = item.at;
      const a = item.item;
      switch (a.k) {
        case 'arrive': {
          run((n) => engine.issue({ serviceCode: a.service, segment: a.segment, channel: 'kiosk' }, n));
          wakeIdle(a.service);
          break;
        }
        case 'open': {
          const t = tellers.get(a.counter)!;
          run((n) => engine.open(t.id, actor(t), n));
          setState(t, 'idle');
          call(t);
          break;
        }
        case 'close': {
          const t = tellers.get(a.counter)!;
          if (t.state === 'closed') break;
          // Before the doors close a leaving teller hands the line to the others; at closing
          // time tellers stay until everyone inside has been served.
          t.closing = true;
          if (t.state === 'idle' && (!doorsClosed || !call(t))) closeCounter(t);
          break;
        }
        case 'doors_close': {
          doorsClosed = true;
          break;
        }
        case 'break': {
          const t = tellers.get(a.counter)!;
          if (t.state === 'busy') t.pendingBreak = { reason: a.reason, minutes: a.minutes };
          else if (t.state === 'idle') {
            t.pendingBreak = { reason: a.reason, minutes: a.minutes };
            free(t);
          }
          break;
        }
        case 'resume': {
          const t = tellers.get(a.counter)!;
          if (t.state !== 'paused') break;
          run((n) => engine.resume(t.id, actor(t), n));
          setState(t, 'idle');
          if (!call(t) && t.closing) closeCounter(t);
          break;
        }
        case 'seated': {
          const t = tellers.get(a.counter)!;
          const ticket = tickets.get(a.ticket)!;
          run((n) => engine.start(t.id, actor(t), n));
          const minutes = drawServiceMinutes(profile.serviceTimes[ticket.serviceCode] ?? { dist: 'fixed', meanMinutes: 5 }, serviceRng) * serviceFactorAt(profile, now, tz);
          agenda.push(now + Math.max(1, Math.round(minutes * 60_000)), { k: 'done', counter: t.id, ticket: a.ticket });
          break;
        }
        case 'done': {
          const t = tellers.get(a.counter)!;
          run((n) => engine.complete(t.id, actor(t), n));
          t.stats.served++;
          free(t);
          break;
        }
        case 'absent': {
          const t = tellers.get(a.counter)!;
          const ticket = tickets.get(a.ticket)!;
          if (ticket.recalls < config.rules.maxRecalls) {
            run((n) => engine.recall(t.id, actor(t), n));
            agenda.push(now + profile.behaviour.recallSeconds * 1000, a);
          } else {
            run((n) => engine.noShow(t.id, actor(t), n));
            free(t);
          }
          break;
        }
      }
    }
    // Customers of a service no counter served today: the day ends without them.
    for (const t of engine.activeTickets()) {
      if (t.status === 'waiting') run((n) => engine.cancel(t.id, 'not_served_sim', {}, n));
    }
    for (const t of tellers.values()) {
      if (t.state !== 'closed') closeCounter(t);
    }
  }

  store?.close();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  return {
    profile: profile.name,
    seed,
    days,
    tickets: [...tickets.values()].filter((t) => t.businessDay >= profile.date).map(simTicket),
    counters: [...tellers.values()].map((t) => t.stats),
    commands,
    events,
    elapsedMs: performance.now() - wallStart,
  };
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
    estimate: t.estimate as WaitEstimate | null,
    waitMinutes: t.calledAt !== undefined ? (t.calledAt - t.issuedAt) / 60_000 : undefined,
    rejoins: t.rejoins,
  };
}

/**
 * "Call next with 10,000 waiting across 20 services and 30 counters" (DESIGN §8), in process:
 * the queue engine and the SQLite store on a temp file, driven the way BranchService.execute
 * drives them — day-rollover check, decide, durable commit (synchronous=FULL), apply — without
 * HTTP. Times the full call and, separately, the decision alone.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../config/load-config.js';
import type { Outcome } from '../core/engine.js';
import { QueueEngine } from '../core/engine.js';
import { createBranchStore } from '../db/branch-store.js';
import { openDatabase } from '../db/open-database.js';
import { msSince, progress } from './stats.js';

export const BENCH_CONFIG = fileURLToPath(new URL('./bench-branch.yaml', import.meta.url));

export interface CallNextResult {
  services: number;
  counters: number;
  waitingBefore: number;
  waitingAfter: number;
  fillSeconds: number;
  /** Rollover check + decision + commit + apply, per call, ms. */
  full: number[];
  /** engine.callNext alone, ms. */
  decision: number[];
  /** store.commit alone (the transaction with its fsync), ms. */
  commit: number[];
  /** The day-rollover check execute runs before each command, ms. */
  rolloverCheck: number[];
  /**
   * The floor: one fsync'd SQLite write (WAL, synchronous=FULL, one INSERT in its own
   * transaction, as the HTTP floor server does), taken right after each timed call so the
   * disk's slow moments fall on both alike, ms.
   */
  floorWrite: number[];
  rssBefore: number;
  rssAfter: number;
  heapAfter: number;
}

// Segments in a plausible mix: mostly regular, some VIP, priority help and appointments.
const SEGMENTS = ['regular', 'regular', 'regular', 'regular', 'regular', 'regular', 'regular', 'vip1', 'priority', 'appointment'];
// Tickets of the fill arrive this far apart, ending now: 10,000 over about two and a half hours,
// so the oldest regular tickets are past their target wait and the ageing rule is exercised.
const ARRIVAL_GAP_MS = 900;
// The queue is topped up after this many calls, in one transaction, outside the timed part.
const REFILL_EVERY = 100;

export function benchCallNext(opts: { waiting: number; calls: number; warmup: number }): CallNextResult {
  const rssBefore = process.memoryUsage().rss;
  const config = loadConfigFile(BENCH_CONFIG).queue;
  const dir = mkdtempSync(join(tmpdir(), 'bench-next-'));
  const db = openDatabase(join(dir, 'branch.db'));
  const store = createBranchStore(db);
  const floor = new Database(join(dir, 'floor.db'));
  floor.pragma('journal_mode = WAL');
  floor.pragma('synchronous = FULL');
  floor.exec('CREATE TABLE writes (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)');
  const floorInsert = floor.prepare('INSERT INTO writes (at, body) VALUES (?, ?)');
  try {
    const start = Date.now();
    const engine = new QueueEngine(config, store.loadSnapshot(''), randomUUID, start);
    const branch = config.branch.id;
    const run = <R>(out: Outcome<R>): Outcome<R> => {
      store.commit(out, branch);
      engine.apply(out);
      return out;
    };
    const services = config.services.map((s) => s.code);
    let issued = 0;
    const issue = (at: number) => {
      run(engine.issue({ serviceCode: services[issued % services.length]!, segment: SEGMENTS[issued % SEGMENTS.length] }, at));
      issued++;
    };

    // Fill: every counter open, then the waiting tickets; one transaction for the lot (setup only).
    const fillStart = process.hrtime.bigint();
    const first = start - opts.waiting * ARRIVAL_GAP_MS;
    db.transaction(() => {
      for (const c of config.counters) run(engine.open(c.id, { staffId: `bench-${c.id}` }, first));
      for (let i = 0; i < opts.waiting; i++) issue(first + i * ARRIVAL_GAP_MS);
    })();
    const fillSeconds = msSince(fillStart) / 1000;
    const waitingBefore = engine.totalWaiting();
    progress(`call next: ${waitingBefore} waiting over ${services.length} services, ${config.counters.length} counters open (filled in ${fillSeconds.toFixed(1)} s)`);

    const result: CallNextResult = {
      services: services.length,
      counters: config.counters.length,
      waitingBefore,
      waitingAfter: 0,
      fillSeconds,
      full: [],
      decision: [],
      commit: [],
      rolloverCheck: [],
      floorWrite: [],
      rssBefore,
      rssAfter: 0,
      heapAfter: 0,
    };
    const counters = config.counters.map((c) => c.id);
    for (let i = 0; i < opts.warmup + opts.calls; i++) {
      const counterId = counters[i % counters.length]!;
      const t0 = process.hrtime.bigint();
      const now = Date.now();
      const rollover = engine.rollover(now);
      if (rollover) run(rollover); // the branch's midnight passed during the run
      const t1 = process.hrtime.bigint();
      const out = engine.callNext(counterId, { staffId: `bench-${counterId}` }, now);
      const t2 = process.hrtime.bigint();
      store.commit(out, branch);
      const t3 = process.hrtime.bigint();
      engine.apply(out);
      const t4 = process.hrtime.bigint();
      if (!out.result) throw new Error(`counter ${counterId} found nobody waiting; the queue should never run dry here`);
      // The customer is served (not timed): the counter's next call completes a started service.
      const started = engine.start(counterId, { staffId: `bench-${counterId}` }, now);
      store.commit(started, branch);
      engine.apply(started);
      const f0 = process.hrtime.bigint();
      floorInsert.run(now, counterId);
      const f1 = process.hrtime.bigint();
      if (i >= opts.warmup) {
        result.floorWrite.push(Number(f1 - f0) / 1e6);
        result.rolloverCheck.push(Number(t1 - t0) / 1e6);
        result.decision.push(Number(t2 - t1) / 1e6);
        result.commit.push(Number(t3 - t2) / 1e6);
        result.full.push(Number(t4 - t0) / 1e6);
      }
      // Keep about `waiting` tickets in the queue: top it up now and then, untimed.
      if ((i + 1) % REFILL_EVERY === 0) {
        const missing = opts.waiting - engine.totalWaiting();
        db.transaction(() => {
          for (let k = 0; k < missing; k++) issue(Date.now());
        })();
      }
    }
    result.waitingAfter = engine.totalWaiting();
    result.rssAfter = process.memoryUsage().rss;
    result.heapAfter = process.memoryUsage().heapUsed;
    return result;
  } finally {
    floor.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

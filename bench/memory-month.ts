/**
 * Bench: resident memory over a simulated month (DESIGN §8: flat after the first day and
 * ≤ 120 MB). The whole branch service (engine, SQLite store, alerts, dashboard facts, calling
 * devices, stream, JSON logs), compiled and with the Node flags `npm run serve` gives it
 * (server/node-flags.ts), with an injected clock; thirty business days of traffic go through
 * the same commands the API runs, without HTTP, so a month takes a minute or two. Memory is
 * read after each day with a full GC, so the figures show what the service keeps, not what it
 * has not collected yet.
 *
 * `npm run bench` compiles this file against dist/ (bench/compiled-script.ts) and runs it with
 * `node SERVICE_NODE_FLAGS --expose-gc FILE [days] [customersPerDay]`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBranchApp } from '../server/branch-app.js';
import { createLogger } from '../server/logger.js';
import { isDomainError } from '../common/errors.js';
import { RUNNING_FROM_SOURCES } from '../common/package-layout.js';
import type { Answer } from '../server/branch-service.js';

const DAYS = Number(process.argv[2] ?? 30);
const PER_DAY = Number(process.argv[3] ?? 600);
const MiB = 1024 * 1024;
const GOAL_BYTES = 120e6;

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return num / den;
}

// A seeded generator, so every run sends the same traffic.
let seed = 20261128;
const random = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

function sample() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / MiB, heap: m.heapUsed / MiB };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-month-'));
  // 2026-03-02 00:00 in Shanghai (UTC+8).
  let now = Date.UTC(2026, 2, 1, 16, 0);
  // JSON logs as `npm run serve -- --log json` writes them, into /dev/null.
  const log = createLogger({ destination: '/dev/null' });
  const app = await startBranchApp({ dataDir: dir, demo: true, port: 0, host: '127.0.0.1', log, clock: () => now });
  const svc = app.service;
  // A new demo branch hashes its staff's PINs after it is ready; a sign-in waits for them, so the
  // first reading is of the service at rest, not of the hashes' scratch memory.
  const [teller] = JSON.parse(readFileSync(app.credentialsFile!, 'utf8')) as { staffId: string; pin: string }[];
  const signIn = await fetch(`${app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ staffId: teller!.staffId, pin: teller!.pin }) });
  if (signIn.status !== 200) throw new Error(`the demo teller's sign-in answered ${signIn.status}: ${await signIn.text()}`);
  const services = svc.queueConfig.services.map((s) => s.code);
  const counters = svc.queueConfig.counters.map((c) => c.id);
  // A command the queue refuses (nobody at the counter to complete) is part of the traffic.
  const run = (command: () => Answer) => {
    try {
      command();
    } catch (e) {
      if (!isDomainError(e)) throw e;
    }
  };
  const rows: { day: number; rss: number; heap: number; tickets: number }[] = [];
  const start = sample();
  let tickets = 0;
  const started = Date.now();
  for (let day = 0; day < DAYS; day++) {
    const dayStart = now;
    // Doors 09:00–17:00 local: 480 minutes, one step a minute.
    now = dayStart + 9 * 3_600_000;
    for (const c of counters) run(() => svc.openCounter(c, { staffId: `T0${c}` }));
    const busyUntil = new Map<string, number>();
    for (let minute = 0; minute < 480; minute++) {
      // Commands come over time, as from kiosks and consoles: the event loop turns each
      // minute, so the service commits and publishes as it does when it runs.
      await new Promise((resolve) => setImmediate(resolve));
      now = dayStart + 9 * 3_600_000 + minute * 60_000;
      const arrivals = Math.round(((PER_DAY / 480) * 2 * random()));
      for (let i = 0; i < arrivals; i++) {
        run(() => svc.issue({ serviceCode: services[Math.floor(random() * services.length)]!, channel: 'kiosk' }));
        tickets++;
      }
      for (const c of counters) {
        if ((busyUntil.get(c) ?? 0) > now) continue;
        run(() => svc.callNext(c, { staffId: `T0${c}` }));
        run(() => svc.start(c, { staffId: `T0${c}` })); // served, so the next call completes it
        busyUntil.set(c, now + (2 + random() * 8) * 60_000);
      }
    }
    now = dayStart + 17 * 3_600_000;
    for (const c of counters) {
      run(() => svc.complete(c, { staffId: `T0${c}` }));
      run(() => svc.closeCounter(c, { staffId: `T0${c}` }));
    }
    now = dayStart + 86_400_000;
    const s = sample();
    rows.push({ day: day + 1, rss: s.rss, heap: s.heap, tickets });
  }
  const seconds = (Date.now() - started) / 1000;
  await app.close();
  log.flush();
  rmSync(dir, { recursive: true, force: true });

  const pick = [1, 2, 5, 10, 20, 30].filter((d) => d <= DAYS);
  if (!pick.includes(DAYS)) pick.push(DAYS);
  console.log(`\nMemory of the ${RUNNING_FROM_SOURCES ? 'service run from its sources (not the compiled one)' : 'compiled service'} over ${DAYS} simulated business days (${tickets} tickets, ${seconds.toFixed(1)} s; full GC before each reading)`);
  console.log(`  after start            RSS ${start.rss.toFixed(1)} MiB   heap ${start.heap.toFixed(1)} MiB`);
  for (const d of pick) {
    const r = rows[d - 1]!;
    console.log(`  after day ${String(d).padEnd(3)} ${String(r.tickets).padStart(7)} tickets  RSS ${r.rss.toFixed(1)} MiB   heap ${r.heap.toFixed(1)} MiB`);
  }
  const late = rows.slice(Math.floor(rows.length / 2));
  const growth = late.length > 1 ? (late.at(-1)!.heap - late[0]!.heap) / (late.length - 1) : 0;
  const afterFirst = rows.slice(1);
  const rssSlope = slope(afterFirst.map((r) => [r.day, r.rss]));
  const maxRss = Math.max(...rows.map((r) => r.rss));
  // Flat: less than 3 MiB over a month once the first day has warmed everything up.
  const flat = afterFirst.length < 2 || rssSlope * 30 < 3;
  const withinGoal = maxRss * MiB <= GOAL_BYTES;
  console.log(`  heap growth over the second half: ${growth.toFixed(2)} MiB/day; RSS trend after day 1: ${rssSlope >= 0 ? '+' : ''}${rssSlope.toFixed(3)} MiB/day`);
  console.log(
    `  highest RSS ${maxRss.toFixed(1)} MiB = ${((maxRss * MiB) / 1e6).toFixed(1)} MB (goal: flat after day 1, <= ${GOAL_BYTES / 1e6} MB): ${flat && withinGoal ? 'met' : `MISSED${flat ? '' : ' (not flat)'}`}`,
  );
}

await main();

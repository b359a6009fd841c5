/**
 * Bench: resident memory over a simulated month (DESIGN §8: flat, ≤ 150 MB). The whole branch
 * service (engine, SQLite store, alerts, dashboard facts, calling devices, stream) runs with an
 * injected clock; thirty business days of traffic go through the same commands the API runs,
 * without HTTP, so a month takes seconds. Memory is read after each day with a full GC, so the
 * figures show what the service keeps, not what it has not collected yet.
 *
 * Run alone: `node --expose-gc --import tsx bench/memory-month.ts [days] [customersPerDay]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBranchApp } from '../server/branch-app.js';
import { silentLogger } from '../server/logger.js';
import { isDomainError } from '../common/errors.js';
import type { Answer } from '../server/branch-service.js';

const DAYS = Number(process.argv[2] ?? 30);
const PER_DAY = Number(process.argv[3] ?? 600);
const MiB = 1024 * 1024;

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
  const app = await startBranchApp({ dataDir: dir, demo: true, port: 0, host: '127.0.0.1', log: silentLogger, clock: () => now });
  const svc = app.service;
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
      now = dayStart + 9 * 3_600_000 + minute * 60_000;
      const arrivals = Math.round(((PER_DAY / 480) * 2 * random()));
      for (let i = 0; i < arrivals; i++) {
        run(() => svc.issue({ serviceCode: services[Math.floor(random() * services.length)]!, channel: 'kiosk' }));
        tickets++;
      }
      for (const c of counters) {
        if ((busyUntil.get(c) ?? 0) > now) continue;
        run(() => svc.callNext(c, { staffId: `T0${c}` }));
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
  rmSync(dir, { recursive: true, force: true });

  const pick = [1, 2, 5, 10, 20, 30].filter((d) => d <= DAYS);
  if (!pick.includes(DAYS)) pick.push(DAYS);
  console.log(`\nMemory over ${DAYS} simulated business days (${tickets} tickets, ${seconds.toFixed(1)} s; full GC before each reading)`);
  console.log(`  after start            RSS ${start.rss.toFixed(1)} MiB   heap ${start.heap.toFixed(1)} MiB`);
  for (const d of pick) {
    const r = rows[d - 1]!;
    console.log(`  after day ${String(d).padEnd(3)} ${String(r.tickets).padStart(7)} tickets  RSS ${r.rss.toFixed(1)} MiB   heap ${r.heap.toFixed(1)} MiB`);
  }
  const late = rows.slice(Math.floor(rows.length / 2));
  const growth = late.length > 1 ? (late.at(-1)!.heap - late[0]!.heap) / (late.length - 1) : 0;
  const maxRss = Math.max(...rows.map((r) => r.rss));
  console.log(`  heap growth over the second half: ${growth.toFixed(2)} MiB/day; highest RSS ${maxRss.toFixed(1)} MiB (goal: flat, <= 150 MB)`);
}

await main();

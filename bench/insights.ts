/**
 * Bench for issue #5: the simulator's speed (simulated customers per second through the real
 * engine and database) and the dashboard snapshot (GET /api/dashboard's work) with 10,000
 * tickets in the business day. Run alone with `npx tsx bench/insights.ts`, or from run.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../config/load-config.js';
import { localEpoch } from '../common/local-time.js';
import { createBranchStore } from '../db/branch-store.js';
import { createInsightsStore } from '../db/insights-store.js';
import { openDatabase } from '../db/open-database.js';
import { AlertMonitor } from '../server/alerts/alert-monitor.js';
import { BranchService } from '../server/branch-service.js';
import { EventHub } from '../server/event-hub.js';
import { dashboardSnapshot } from '../server/insights/dashboard.js';
import { DayFacts } from '../server/insights/day-facts.js';
import { buildReport } from '../server/insights/reports.js';
import { silentLogger } from '../server/logger.js';
import { loadProfile, parseProfile, SAMPLE_PROFILE_PATH, type SimProfile } from '../sim/profile.js';
import { simulate, type SimStorage } from '../sim/simulator.js';
import { msSince, ms, summarize } from './stats.js';

const BENCH_CONFIG = fileURLToPath(new URL('./bench-branch.yaml', import.meta.url));

function simulatorSpeed(days: number): string[] {
  const { profile, config } = loadProfile(SAMPLE_PROFILE_PATH);
  const lines: string[] = [];
  const runs: [string, SimStorage, boolean][] = [
    ['engine only (no database)', 'none', false],
    ['real database file, synchronous=OFF (the simulator default)', 'file', false],
    ['real database file, synchronous=FULL (--durable)', 'file', true],
  ];
  for (const [label, storage, durable] of runs) {
    // No warm-up days: every simulated customer counts in the figure.
    const r = simulate({ profile, config, days, storage, durable, warmupDays: 0 });
    const perSecond = r.tickets.length / (r.elapsedMs / 1000);
    lines.push(`  ${label.padEnd(62)} ${String(r.tickets.length).padStart(6)} customers, ${String(r.commands).padStart(6)} commands in ${(r.elapsedMs / 1000).toFixed(2)} s: ${perSecond.toFixed(0)} customers/s`);
  }
  return lines;
}

/** A day of about `tickets` customers on the 20-service, 30-counter bench branch, into a database file. */
function bigDayProfile(tickets: number): SimProfile {
  const hours = 16;
  const services = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'Q', 'R', 'S', 'T', 'U', 'V'];
  return parseProfile({
    name: 'bench: 10,000 tickets',
    config: 'bench',
    date: '2026-03-25',
    seed: 1,
    open: '06:00',
    close: '22:00',
    arrivals: { perHour: Object.fromEntries(services.map((s) => [s, tickets / services.length / hours])), shape: {}, paydays: [], paydayFactor: 1, segments: { regular: 0.9, vip1: 0.1 }, segmentsByService: {} },
    serviceTimes: Object.fromEntries(services.map((s) => [s, { dist: 'exponential' as const, meanMinutes: 2 }])),
    behaviour: { noShow: 0.03, noShowPerMinuteOfWait: 0, walkSeconds: 10, recallSeconds: 20 },
    counters: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [String(i + 1), { open: '06:00', close: '22:00', breaks: [] }])),
  }, 'bench profile');
}

function dashboardTiming(tickets: number, samples: number): string[] {
  const config = loadConfigFile(BENCH_CONFIG).queue;
  const dir = mkdtempSync(join(tmpdir(), 'bench-dash-'));
  try {
    const dbPath = join(dir, 'branch.db');
    const profile = bigDayProfile(tickets);
    const sim = simulate({ profile, config, storage: 'file', dbPath });
    const db = openDatabase(dbPath);
    const store = createBranchStore(db);
    const insights = createInsightsStore(db);
    const now = localEpoch(profile.date, 21 * 60, config.branch.timeZone);
    const service = new BranchService(store, config, new EventHub(silentLogger), () => now, silentLogger);
    const devices = { list: () => [] };
    const alerts = new AlertMonitor(service, insights, devices, silentLogger);
    const dayFacts = new DayFacts(service, insights);
    dayFacts.start();
    const deps = { service, insights, dayFacts, devices, alerts };
    for (let i = 0; i < 5; i++) dashboardSnapshot(deps); // warm up
    const snap: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = process.hrtime.bigint();
      dashboardSnapshot(deps);
      snap.push(msSince(t));
    }
    const facts: number[] = [];
    const report: number[] = [];
    for (let i = 0; i < samples; i++) {
      let t = process.hrtime.bigint();
      const f = insights.ticketFacts(profile.date, profile.date);
      facts.push(msSince(t));
      t = process.hrtime.bigint();
      buildReport(f, config, 'day', profile.date, profile.date);
      report.push(msSince(t));
    }
    store.close();
    const s = summarize(snap);
    const f = summarize(facts);
    const r = summarize(report);
    return [
      `  day with ${sim.tickets.length} tickets (bench branch: 20 services, 30 counters)`,
      `  dashboard snapshot (GET /api/dashboard's work)   n=${s.n}  p50 ${ms(s.p50)}  p99 ${ms(s.p99)}  max ${ms(s.max)}`,
      `  the day's ticket facts from SQL (once a day)              n=${f.n}  p50 ${ms(f.p50)}  p99 ${ms(f.p99)}`,
      `  day report from those facts                      n=${r.n}  p50 ${ms(r.p50)}  p99 ${ms(r.p99)}`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printInsightsBench(opts: { simDays?: number; dashboardTickets?: number; samples?: number } = {}): void {
  console.log('\nSimulator (busy city payday profile, demo branch)');
  for (const l of simulatorSpeed(opts.simDays ?? 5)) console.log(l);
  console.log('\nDashboard snapshot');
  for (const l of dashboardTiming(opts.dashboardTickets ?? 10_000, opts.samples ?? 50)) console.log(l);
}

if (import.meta.url === `file://${process.argv[1]}`) printInsightsBench();

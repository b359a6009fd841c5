/**
 * The issue decision alone (engine.issue: numbering, position and the wait estimator's walk of
 * the branch), in process, on the demo branch with all eight counters open on a weekday morning,
 * at several queue lengths. The decision is not applied, so the queue stays as set up. Run alone
 * with `npx tsx bench/issue-decision.ts`, or from run.ts.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { localEpoch } from '../common/local-time.js';
import { loadConfigFile } from '../config/load-config.js';
import { QueueEngine } from '../core/engine.js';
import { ms, summarize, table } from './stats.js';

const DEMO_CONFIG = fileURLToPath(new URL('../config/demo-branch.yaml', import.meta.url));
const SEGMENTS = ['regular', 'regular', 'regular', 'regular', 'regular', 'regular', 'regular', 'vip1', 'priority', 'appointment'];
// The waiting customers arrived over this long before the timed issues (the estimator's
// arrival window without history is half an hour).
const FILL_SPAN_MS = 40 * 60_000;

export interface IssueDecisionRow {
  waiting: number;
  /** Wall time per decision, ms. */
  latencies: number[];
  /** CPU time of the timed loop (garbage collection included) divided by its decisions, ms. */
  cpuPerDecision: number;
}

export function benchIssueDecision(opts: { queueLengths: readonly number[]; issues: number; warmup: number }): IssueDecisionRow[] {
  const config = loadConfigFile(DEMO_CONFIG).queue;
  const services = config.services.filter((s) => s.enabled).map((s) => s.code);
  // A Wednesday at 10:30, branch time: every rostered counter is on shift.
  const start = localEpoch('2026-03-25', 10 * 60 + 30, config.branch.timeZone);
  const rows: IssueDecisionRow[] = [];
  for (const waiting of opts.queueLengths) {
    const engine = new QueueEngine(config, { tickets: [], counters: [], sequences: [] }, randomUUID, start - FILL_SPAN_MS);
    for (const c of config.counters) engine.apply(engine.open(c.id, { staffId: `bench-${c.id}` }, start - FILL_SPAN_MS));
    for (let i = 0; i < waiting; i++) {
      const at = start - FILL_SPAN_MS + Math.floor((i * FILL_SPAN_MS) / waiting);
      engine.apply(engine.issue({ serviceCode: services[i % services.length]!, segment: SEGMENTS[i % SEGMENTS.length] }, at));
    }
    const latencies: number[] = [];
    let cpuFrom = process.cpuUsage();
    for (let i = 0; i < opts.warmup + opts.issues; i++) {
      if (i === opts.warmup) cpuFrom = process.cpuUsage();
      // A tenth of a second apart: the estimator's per-minute caches turn over as in a burst.
      const now = start + i * 100;
      const input = { serviceCode: services[i % services.length]!, segment: SEGMENTS[(i * 7) % SEGMENTS.length] };
      const t0 = process.hrtime.bigint();
      engine.issue(input, now);
      const t1 = process.hrtime.bigint();
      if (i >= opts.warmup) latencies.push(Number(t1 - t0) / 1e6);
    }
    const cpu = process.cpuUsage(cpuFrom);
    rows.push({ waiting, latencies, cpuPerDecision: (cpu.user + cpu.system) / 1000 / opts.issues });
  }
  return rows;
}

export function formatIssueDecision(rows: readonly IssueDecisionRow[]): string {
  return table(
    ['issue decision (engine.issue with its wait estimate)', 'samples', 'p50', 'p99', 'CPU mean'],
    rows.map((r) => {
      const s = summarize(r.latencies);
      return [`demo branch, 8 counters open, ${r.waiting} waiting`, `n=${s.n}`, ms(s.p50, 3), ms(s.p99, 3), ms(r.cpuPerDecision, 3)];
    }),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(formatIssueDecision(benchIssueDecision({ queueLengths: [10, 50, 200], issues: 2000, warmup: 200 })));
}

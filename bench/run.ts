/**
 * `npm run bench`: the branch service's figures against DESIGN §8's goals. Prints, never
 * asserts: a figure that misses its goal is marked, not failed. Counts can be changed with
 * BENCH_WARMUP, BENCH_REQUESTS, BENCH_CLIENTS, BENCH_THROUGHPUT, BENCH_WAITING, BENCH_CALLS,
 * BENCH_HOSTILE_SAMPLES, BENCH_HOSTILE_HISTORY and BENCH_MONTH_DAYS.
 * docs/benchmarks.md explains each line.
 */
import { benchCallNext } from './call-next.js';
import { probeFsync } from './fsync-probe.js';
import { benchIssueDecision, formatIssueDecision } from './issue-decision.js';
import { benchHttp } from './http-bench.js';
import { loadLine, machineLine } from './machine.js';
import { mib, ms, progress, summarize, table } from './stats.js';
import { reportTapToPrint } from './tap-to-print.js';

const num = (name: string, fallback: number) => {
  const v = process.env[name];
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number`);
  return n;
};

// Sequential tickets to each server before anything is timed. The service's code for a ticket
// is still being optimised by V8 for the first 2,000 or so (docs/benchmarks.md).
const WARMUP = num('BENCH_WARMUP', 300);
const REQUESTS = num('BENCH_REQUESTS', 2000);
const CLIENTS = num('BENCH_CLIENTS', 16);
const THROUGHPUT = num('BENCH_THROUGHPUT', 3000);
const WAITING = num('BENCH_WAITING', 10_000);
const CALLS = num('BENCH_CALLS', 2000);

const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');

async function main(): Promise<void> {
  const started = Date.now();
  const loadBefore = loadLine();
  progress(`machine: ${machineLine()}`);

  progress('disk: 4 KiB overwrite + fdatasync, 300 times');
  const fsync = summarize(probeFsync(300));

  const http = await benchHttp({ warmup: WARMUP, requests: REQUESTS, throughputCount: THROUGHPUT, clients: CLIENTS });
  const svc = summarize(http.service.latencies);
  const floor = summarize(http.floor.latencies);
  const ratio = svc.p50 / floor.p50;
  const svcConc = summarize(http.service.concurrentLatencies);
  const floorConc = summarize(http.floor.concurrentLatencies);

  progress(`call next: ${WAITING} waiting, ${CALLS} calls`);
  const next = benchCallNext({ waiting: WAITING, calls: CALLS, warmup: 200 });
  const full = summarize(next.full);
  const decision = summarize(next.decision);
  const commit = summarize(next.commit);
  const rollover = summarize(next.rolloverCheck);
  const floorWrite = summarize(next.floorWrite);

  const rows: string[][] = [
    ['disk: 4 KiB overwrite + fdatasync', `n=${fsync.n}`, ms(fsync.p50), ms(fsync.p99), ms(fsync.max), '(reference)', ''],
    ['issue ticket over HTTP, branch service', `n=${svc.n}`, ms(svc.p50), ms(svc.p99), ms(svc.max), 'p99 <= 20 ms', mark(svc.p99 <= 20)],
    ['issue over HTTP, floor: node:http + 1 fsync\'d INSERT', `n=${floor.n}`, ms(floor.p50), ms(floor.p99), ms(floor.max), '(reference)', ''],
    ['ratio of p50s, service / floor', '', `${ratio.toFixed(2)} x`, '', '', '<= 1.25 x', mark(ratio <= 1.25)],
    [`call next, full (rollover check + decide + commit + apply)`, `n=${full.n}`, ms(full.p50, 3), ms(full.p99, 3), ms(full.max), `p99 <= 1.5 x floor write`, mark(full.p99 <= 1.5 * floorWrite.p99)],
    ['call next, floor: one fsync\'d SQLite INSERT', `n=${floorWrite.n}`, ms(floorWrite.p50, 3), ms(floorWrite.p99, 3), ms(floorWrite.max), '(reference)', ''],
    ['ratio of p99s, call next full / floor write', '', '', `${(full.p99 / floorWrite.p99).toFixed(2)} x`, '', '<= 1.5 x', mark(full.p99 <= 1.5 * floorWrite.p99)],
    ['call next, decision alone (engine.callNext)', `n=${decision.n}`, ms(decision.p50, 3), ms(decision.p99, 3), ms(decision.max), 'p99 <= 0.2 ms', mark(decision.p99 <= 0.2)],
    ['call next, commit alone (one transaction, fsync)', `n=${commit.n}`, ms(commit.p50, 3), ms(commit.p99, 3), ms(commit.max), '(part of full)', ''],
    ['call next, day-rollover check', `n=${rollover.n}`, ms(rollover.p50, 3), ms(rollover.p99, 3), ms(rollover.max), '(part of full)', ''],
  ];
  const throughputRatio = http.service.perSecond / http.floor.perSecond;
  const throughput: string[][] = [
    ['branch service', `${THROUGHPUT} tickets`, `${CLIENTS}`, `${http.service.perSecond.toFixed(0)} /s`, ms(svcConc.p50), ms(svcConc.p99), '', ''],
    ['floor server', `${THROUGHPUT} requests`, `${CLIENTS}`, `${http.floor.perSecond.toFixed(0)} /s`, ms(floorConc.p50), ms(floorConc.p99), '', ''],
    ['ratio, service / floor', '', '', `${throughputRatio.toFixed(2)} x`, '', '', '>= 0.8 x', mark(throughputRatio >= 0.8)],
  ];
  const memory: string[][] = [
    ['branch service process, after start', mib(http.rssServiceStart)],
    [`branch service process, after ${300 + REQUESTS} sequential tickets`, mib(http.rssServiceAfterLatency)],
    [`branch service process, after ${300 + REQUESTS + THROUGHPUT} tickets (end)`, mib(http.rssServiceEnd)],
    ['floor server process, end', mib(http.rssFloorEnd)],
    ['bench process, before call-next setup', mib(next.rssBefore)],
    [`bench process, after ${next.waitingBefore} waiting + ${CALLS + 200} calls (heap ${mib(next.heapAfter)})`, mib(next.rssAfter)],
  ];

  console.log(`\nBranch service benchmark — ${new Date().toISOString()}`);
  console.log(`Machine: ${machineLine()}`);
  console.log(`Before: ${loadBefore}; after: ${loadLine()}`);
  console.log(`Durability: WAL, synchronous=FULL (service and floor alike); keep-alive http.Agent for both; servers in child processes.\n`);
  console.log(table(['latency', 'samples', 'p50', 'p99', 'max', 'goal', ''], rows));
  console.log(`\ncall next: ${next.services} services, ${next.counters} counters open, ${next.waitingBefore} waiting at the start, ${next.waitingAfter} at the end (topped up every 100 calls, untimed)`);
  console.log(`\n${table(['sustained issue over HTTP', 'count', 'clients', 'throughput', 'p50', 'p99', 'goal', ''], throughput)}`);
  console.log(`\n${table(['resident memory (RSS)', 'RSS'], memory)}`);
  progress('issue decision: 10, 50 and 200 waiting on the demo branch');
  console.log(`\n${formatIssueDecision(benchIssueDecision({ queueLengths: [10, 50, 200], issues: 2000, warmup: 200 }))}`);
  await reportTapToPrint();
  console.log(`\nfinished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

await main();
await (await import('./calling-fanout.js')).printCallingFanout({ clients: num('BENCH_FANOUT_CLIENTS', 50), calls: num('BENCH_FANOUT_CALLS', 500) });
await (await import('./insights.js')).printInsightsBench();
await (await import('./hostile.js')).printHostileBench({ samples: num('BENCH_HOSTILE_SAMPLES', 400), history: num('BENCH_HOSTILE_HISTORY', 10_000) });
await (await import('./start-time.js')).printStartTime(num('BENCH_STARTS', 5));
// Memory over a simulated month runs in its own process on the compiled service (no TypeScript
// runner in it), with --expose-gc for honest readings.
{
  const { spawnSync } = await import('node:child_process');
  const script = await (await import('./compiled-script.js')).compileAgainstDist('bench/memory-month.ts');
  const { SERVICE_NODE_FLAGS } = await import('../server/node-flags.js');
  const r = spawnSync(process.execPath, [...SERVICE_NODE_FLAGS, '--expose-gc', script, String(num('BENCH_MONTH_DAYS', 30))], { stdio: 'inherit' });
  if (r.status !== 0) console.log(`memory over a month: the bench process failed (${r.status ?? r.signal})`);
}
await (await import('./hq.js')).printHqBench();

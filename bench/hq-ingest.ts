/**
 * `npm run bench:hq-ingest`: only head office's ingest beside a raw COPY of the same rows, on
 * PostgreSQL (fsync and synchronous_commit on, over its Unix socket as a head office on the
 * database's machine connects) and PGlite, repeated BENCH_HQ_ROUNDS times in
 * alternation so a shared machine's load falls on both alike. Head office runs in its own
 * process as `npm run hq` starts it; the simulated branches (bodies serialised before the
 * clock) and the COPY client run in this one. CPU per event is given by process: on a shared
 * machine it moves far less than the wall-clock rates.
 * BENCH_HQ_POOL sets head office's pool (--pool-size); BENCH_HQ_NODE_FLAGS replaces its Node flags.
 * BENCH_HQ_BASELINE=DIR also runs the head office built in another checkout (DIR/dist/hq/main.js,
 * with BENCH_HQ_BASELINE_FLAGS), alternately with this one in every round: before and after
 * figures under the same load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgliteDataDir } from '../test/support/hq.js';
import { startPostgres } from '../test/support/postgres.js';
import { clusterCpuSeconds, processCpuSeconds } from './cpu-time.js';
import { startHqProcess, THIS_BUILD, type HqBuild } from './hq-child.js';
import { openBenchDb, rawCopy, twoCoreRate, upload, warmUp, type CpuUse, type UploadRun } from './hq.js';
import { loadLine } from './machine.js';
import { envCount, ms, percentile, progress, table } from './stats.js';

const EVENTS = envCount('BENCH_HQ_EVENTS', 160_000);
const BATCH = envCount('BENCH_HQ_BATCH', 400);
const ROUNDS = envCount('BENCH_HQ_ROUNDS', 2);
const STREAMS = envCount('BENCH_HQ_STREAMS', 8);
const SKIP_PGLITE = process.env.BENCH_HQ_PGLITE === '0';
const BUILDS: HqBuild[] = process.env.BENCH_HQ_BASELINE
  ? [
      { label: 'baseline', main: join(process.env.BENCH_HQ_BASELINE, 'dist/hq/main.js'), flags: (process.env.BENCH_HQ_BASELINE_FLAGS ?? '').split(' ').filter(Boolean) },
      THIS_BUILD,
    ]
  : [THIS_BUILD];

const tag = (round: number, build: HqBuild) => (BUILDS.length > 1 ? `${round} ${build.label}` : `${round}`);
const us = (v: number) => v.toFixed(0);
const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)} %`;

function row(round: string, database: string, run: UploadRun, copy: { rate: number; cpu: CpuUse }, ingestCpu: string, copyCpu: string, twoCores: string): string[] {
  const rate = run.events / run.seconds;
  return [`${round}`, database, `${rate.toFixed(0)} /s`, `${copy.rate.toFixed(0)} /s`, pct(rate, copy.rate), ingestCpu, us(run.cpu.clientUs), copyCpu, twoCores, ms(percentile(run.batchMs, 50)), ms(percentile(run.batchMs, 99)), loadavg()[0]!.toFixed(1)];
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  const pg = await startPostgres({ durable: true, unixSocket: true });
  const dirs: string[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const build of BUILDS) {
        const dataDir = mkdtempSync(join(tmpdir(), 'bench-hq-'));
        dirs.push(dataDir);
        const url = await pg.createDatabase();
        const hq = await startHqProcess(dataDir, url, build);
        const db = await openBenchDb(dataDir, url);
        try {
          progress(`round ${tag(round, build)}: PostgreSQL ingest, ${EVENTS} events, batches of ${BATCH}, ${STREAMS} branches at once (${loadLine()})`);
          await warmUp(hq, db, `r${round}`, STREAMS, BATCH);
          const meter = () => ({ hq: hq.cpuSeconds(), client: processCpuSeconds(), db: clusterCpuSeconds(pg.dataDir) });
          const run = await upload(hq, `pg${round}`, STREAMS, Math.floor(EVENTS / STREAMS), BATCH, meter);
          const copy = await rawCopy(db, `copy${round}`, STREAMS, Math.floor(EVENTS / STREAMS), meter);
          const ingestCpu = `${us(run.cpu.hqUs)} + ${us(run.cpu.dbUs)} µs`;
          const copyCpu = `${us(copy.cpu.dbUs)} µs (+${us(copy.cpu.clientUs)})`;
          const twoCores = `${twoCoreRate(run.cpu).toFixed(0)} / ${(2e6 / copy.cpu.dbUs).toFixed(0)} /s`;
          rows.push(row(tag(round, build), 'PostgreSQL', run, copy, ingestCpu, copyCpu, twoCores));
        } finally {
          await db.close();
          await hq.stop();
        }
        if (SKIP_PGLITE) continue;
        const pglDir = await pgliteDataDir();
        dirs.push(pglDir);
        const total = Math.floor(EVENTS / 3);
        const lite = await startHqProcess(pglDir, undefined, build);
        let run: UploadRun;
        try {
          progress(`round ${tag(round, build)}: PGlite ingest, ${total} events`);
          await upload(lite, `pglwarm${round}`, 1, BATCH * 2, BATCH);
          run = await upload(lite, `pgl${round}`, 4, Math.floor(total / 4), BATCH, () => ({ hq: lite.cpuSeconds(), client: processCpuSeconds(), db: 0 }));
        } finally {
          await lite.stop();
        }
        // The embedded database belongs to one process: its raw COPY runs here once the server is gone.
        const lodb = await openBenchDb(pglDir);
        try {
          const copy = await rawCopy(lodb, `pglcopy${round}`, 4, Math.floor(total / 4), () => ({ hq: 0, client: 0, db: processCpuSeconds() }));
          rows.push(row(tag(round, build), 'PGlite', run, copy, `${us(run.cpu.hqUs)} µs`, `${us(copy.cpu.dbUs)} µs`, `${twoCoreRate(run.cpu).toFixed(0)} / ${(2e6 / copy.cpu.dbUs).toFixed(0)} /s`));
        } finally {
          await lodb.close();
        }
      }
    }
  } finally {
    await pg.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  console.log('\nCPU per event: head office\'s process + PostgreSQL\'s processes; "branches": the simulated branches\' HTTP client (other machines in real life);');
  console.log('"2 cores": the rate at which head office and the database alone would fill two cores, ingest / raw COPY.\n');
  console.log(table(['round', 'database', 'ingest', 'raw COPY', 'ingest/COPY', 'CPU/event ingest', 'branches', 'CPU/event COPY', '2 cores', 'batch p50', 'batch p99', 'load 1 min'], rows));
}

await main();

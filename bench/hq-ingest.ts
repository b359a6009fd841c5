/**
 * `npm run bench:hq-ingest`: only head office's ingest beside a raw COPY of the same rows, on
 * PostgreSQL (fsync on) and PGlite, repeated BENCH_HQ_ROUNDS times in alternation so a shared
 * machine's load falls on both alike. The ratio ingest/COPY is the figure to compare.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHqApp } from '../hq/app.js';
import { silentLogger } from '../server/logger.js';
import { pgliteDataDir } from '../test/support/hq.js';
import { startPostgres } from '../test/support/postgres.js';
import { clusterCpuSeconds, processCpuSeconds } from './cpu-time.js';
import { rawCopy, upload, type CpuUse } from './hq.js';
import { loadLine } from './machine.js';
import { envCount, ms, percentile, progress, table } from './stats.js';

const EVENTS = envCount('BENCH_HQ_EVENTS', 60_000);
const BATCH = envCount('BENCH_HQ_BATCH', 400);
const ROUNDS = envCount('BENCH_HQ_ROUNDS', 2);
const STREAMS = envCount('BENCH_HQ_STREAMS', 8);
const POOL = process.env.BENCH_HQ_POOL ? envCount('BENCH_HQ_POOL', 8) : undefined;
const SKIP_PGLITE = process.env.BENCH_HQ_PGLITE === '0';

/** CPU per event: this process (head office, the simulated branches, PGlite) + PostgreSQL. */
const cpu = (c: CpuUse) => (c.dbUs > 0 ? `${c.nodeUs.toFixed(0)} + ${c.dbUs.toFixed(0)} µs` : `${c.nodeUs.toFixed(0)} µs`);

async function main(): Promise<void> {
  const rows: string[][] = [];
  const pg = await startPostgres({ durable: true });
  const dirs: string[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'bench-hq-'));
      dirs.push(dataDir);
      const hq = await startHqApp({ dataDir, databaseUrl: await pg.createDatabase(), poolSize: POOL, port: 0, host: '127.0.0.1', log: silentLogger, enrollPerMinute: 100_000 });
      try {
        progress(`round ${round}: PostgreSQL ingest, ${EVENTS} events, batches of ${BATCH}, ${STREAMS} branches at once (${loadLine()})`);
        await upload(hq, `warm${round}`, 2, BATCH * 4, BATCH);
        const meter = () => ({ node: processCpuSeconds(), db: clusterCpuSeconds(pg.dataDir) });
        const run = await upload(hq, `pg${round}`, STREAMS, Math.floor(EVENTS / STREAMS), BATCH, meter);
        const copy = await rawCopy(hq, `copy${round}`, STREAMS, Math.floor(EVENTS / STREAMS), meter);
        const rate = run.events / run.seconds;
        rows.push([`${round}`, 'PostgreSQL', `${rate.toFixed(0)} /s`, `${copy.rate.toFixed(0)} /s`, `${((rate / copy.rate) * 100).toFixed(0)} %`, cpu(run.cpu), cpu(copy.cpu), ms(percentile(run.batchMs, 50)), ms(percentile(run.batchMs, 99)), loadavg()[0]!.toFixed(1)]);
      } finally {
        await hq.close();
      }
      if (SKIP_PGLITE) continue;
      const pglDir = await pgliteDataDir();
      dirs.push(pglDir);
      const lite = await startHqApp({ dataDir: pglDir, port: 0, host: '127.0.0.1', log: silentLogger, enrollPerMinute: 100_000 });
      try {
        const total = Math.floor(EVENTS / 3);
        progress(`round ${round}: PGlite ingest, ${total} events`);
        const meter = () => ({ node: processCpuSeconds(), db: 0 });
        const run = await upload(lite, `pgl${round}`, 4, Math.floor(total / 4), BATCH, meter);
        const copy = await rawCopy(lite, `pglcopy${round}`, 4, Math.floor(total / 4), meter);
        const rate = run.events / run.seconds;
        rows.push([`${round}`, 'PGlite', `${rate.toFixed(0)} /s`, `${copy.rate.toFixed(0)} /s`, `${((rate / copy.rate) * 100).toFixed(0)} %`, cpu(run.cpu), cpu(copy.cpu), ms(percentile(run.batchMs, 50)), ms(percentile(run.batchMs, 99)), loadavg()[0]!.toFixed(1)]);
      } finally {
        await lite.close();
      }
    }
  } finally {
    await pg.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  console.log(table(['round', 'database', 'ingest', 'raw COPY', 'ingest/COPY', 'CPU/event ingest', 'CPU/event COPY', 'batch p50', 'batch p99', 'load 1 min'], rows));
}

await main();

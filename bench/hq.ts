/**
 * Head office's figures (DESIGN §8): ingest events/s over HTTP in batches of a few hundred into
 * PostgreSQL 15 (fsync on) beside a raw COPY of the same rows into the same table in the same
 * run, the same for the embedded PGlite; a branch's 7-day backlog caught up; sync lag while
 * online; 200 branches uploading at once. Counts: BENCH_HQ_EVENTS, BENCH_HQ_BATCH, BENCH_HQ_BRANCHES.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHqStore } from '../hq/open-store.js';
import { openPostgres } from '../hq/storage/postgres.js';
import type { SqlDatabase } from '../hq/storage/sql.js';
import { queueEvents } from '../test/support/hq-events.js';
import { pgliteDataDir } from '../test/support/hq.js';
import { startPostgres } from '../test/support/postgres.js';
import { startTestBranch } from '../test/support/branch.js';
import { envCount, ms, percentile, progress, table } from './stats.js';
import { draft, type BranchEvent } from '../core/events.js';
import { copyRow, CopyText } from '../hq/storage/sql.js';
import { clusterCpuSeconds, processCpuSeconds } from './cpu-time.js';
import { startHqProcess, type HqProcess } from './hq-child.js';

const EVENTS = envCount('BENCH_HQ_EVENTS', 160_000);
const BATCH = envCount('BENCH_HQ_BATCH', 400);
const BRANCHES = envCount('BENCH_HQ_BRANCHES', 200);

/**
 * A branch's uploader: one keep-alive connection (node:http costs this shared process less CPU
 * than fetch), from its own address as branches have (127.0.x.y all reach this machine's
 * loopback), so head office's cap on connections per address sees 200 branches, not one client.
 */
function branchAgent(i: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1, localAddress: `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}` });
}

function post(url: string, token: string, body: Buffer, agent: Agent): Promise<{ status: number; retryAfter: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url + '/api/sync/events',
      { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after'] ?? 0), json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** CPU seconds so far: head office's process, this process (the branches' side), PostgreSQL's processes. */
export interface CpuSample {
  hq: number;
  client: number;
  db: number;
}
export type CpuMeter = () => CpuSample;
const noCpu: CpuMeter = () => ({ hq: 0, client: 0, db: 0 });

/** Microseconds of CPU per event, by who spent them. */
export interface CpuUse {
  /** Head office's process (with PGlite, the database too). */
  hqUs: number;
  /** The simulated branches (their HTTP client) or the COPY client: other machines in real life. */
  clientUs: number;
  /** PostgreSQL's processes. */
  dbUs: number;
}

function cpuSince(meter: CpuMeter, start: CpuSample, events: number): CpuUse {
  const now = meter();
  const us = (a: number, b: number) => ((a - b) * 1e6) / events;
  return { hqUs: us(now.hq, start.hq), clientUs: us(now.client, start.client), dbUs: us(now.db, start.db) };
}

/** Events per second two cores would carry at this CPU per event (head office + database, no clients). */
export const twoCoreRate = (c: CpuUse) => 2e6 / (c.hqUs + c.dbUs);

export interface UploadRun {
  events: number;
  seconds: number;
  cpu: CpuUse;
  batchMs: number[];
  refused: number;
  dropped: number;
}

/** `streams` branches each upload their events in batches, all at once; 429s wait Retry-After and retry. */
export async function upload(hq: HqProcess, prefix: string, streams: number, perStream: number, batch: number, meter: CpuMeter = noCpu): Promise<UploadRun> {
  // One after another: enrolment is not what is measured. Each from its branch's own address.
  const agents = Array.from({ length: streams }, (_, i) => branchAgent(i));
  const creds: string[] = [];
  for (let i = 0; i < streams; i++) creds.push(await hq.enroll(`${prefix}-${i}`, agents[i]));
  // Each branch serialises its batches on its own machine: done before the clock starts, to
  // the bytes it sends.
  const work = creds.map((c, i) => {
    const events = queueEvents(`${prefix}-${i}`, 1, perStream, Date.now() - 3_600_000);
    const bodies: Buffer[] = [];
    for (let k = 0; k < events.length; k += batch) bodies.push(Buffer.from(JSON.stringify({ stream: 'queue', events: events.slice(k, k + batch) })));
    return { cred: c, bodies, agent: agents[i]! };
  });
  const batchMs: number[] = [];
  let refused = 0;
  let dropped = 0;
  const t0 = performance.now();
  const cpu0 = meter();
  await Promise.all(
    work.map(async (w) => {
      for (let k = 0; k < w.bodies.length; ) {
        const s = performance.now();
        const r = await post(hq.url, w.cred, w.bodies[k]!, w.agent).catch(() => undefined);
        if (!r) {
          // A reset connection is retried as the uploader would; counted.
          dropped++;
          await new Promise((res) => setTimeout(res, 100));
          continue;
        }
        if (r.status === 429) {
          refused++;
          await new Promise((res) => setTimeout(res, r.retryAfter * 1000));
          continue;
        }
        if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${JSON.stringify(r.json).slice(0, 200)}`);
        batchMs.push(performance.now() - s);
        k++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSince(meter, cpu0, streams * perStream);
  for (const w of work) w.agent.destroy();
  return { events: streams * perStream, seconds, cpu, batchMs, refused, dropped };
}

/** The same rows as ingest stores, in COPY's text format. */
function rowsOf(branch: string, events: BranchEvent[]): readonly string[] {
  const text = new CopyText();
  for (const e of events) text.add(copyRow([branch, e.stream, e.seq, e.type, e.v, e.at, JSON.stringify(e.data)]));
  return text.done();
}

/**
 * The same rows (same generator, same count) with COPY into the same table and indexes, each
 * stream's rows in one COPY (one transaction), all streams at once: the floor for loading them.
 * The rows are built before the clock, as the branches' bodies are.
 */
export async function rawCopy(db: SqlDatabase, prefix: string, streams: number, perStream: number, meter: CpuMeter = noCpu): Promise<{ rate: number; cpu: CpuUse }> {
  const chunks = Array.from({ length: streams }, (_, i) => rowsOf(`${prefix}-${i}`, queueEvents(`${prefix}-${i}`, 1, perStream, Date.now() - 3_600_000)));
  const t0 = performance.now();
  const cpu0 = meter();
  await Promise.all(chunks.map((rows) => db.copyRows('events', ['branch', 'stream', 'seq', 'type', 'v', 'at', 'data'], rows)));
  const rate = (streams * perStream) / ((performance.now() - t0) / 1000);
  return { rate, cpu: cpuSince(meter, cpu0, streams * perStream) };
}

/**
 * Before the clock: head office and the COPY client as a server that has been running is. Every
 * connection of both pools open (a pool opens its connections as batches first run at once;
 * each new PostgreSQL backend loads its caches and prepares head office's statements), and V8's
 * optimiser through the ingest path. A fresh process measured cold pays these once, inside the
 * run: 10 to 15 % of its rate here (docs/hq-scale.md).
 */
export async function warmUp(hq: HqProcess, db: SqlDatabase, prefix: string, streams: number, batch: number): Promise<void> {
  await upload(hq, `${prefix}warm`, streams, batch * 6, batch);
  await rawCopy(db, `${prefix}copywarm`, streams, batch);
}

/** Head office's database opened from this process after its server stopped (PGlite) or beside it (PostgreSQL). */
export async function openBenchDb(dataDir: string, databaseUrl?: string): Promise<SqlDatabase> {
  return databaseUrl ? openPostgres(databaseUrl, { poolSize: 8 }) : (await openHqStore({ dataDir })).db;
}

const cpuCell = (c: CpuUse) => `${c.hqUs.toFixed(0)} + ${c.dbUs.toFixed(0)} µs (branches ${c.clientUs.toFixed(0)})`;

export async function printHqBench(): Promise<void> {
  const rows: string[][] = [];
  const pg = await startPostgres({ durable: true, unixSocket: true });
  const dirs: string[] = [];
  try {
    // ------------------------------------------------------------ PostgreSQL ingest vs COPY
    {
      const dataDir = mkdtempSync(join(tmpdir(), 'bench-hq-'));
      dirs.push(dataDir);
      const url = await pg.createDatabase();
      const hq = await startHqProcess(dataDir, url);
      const db = await openBenchDb(dataDir, url);
      try {
        const meter: CpuMeter = () => ({ hq: hq.cpuSeconds(), client: processCpuSeconds(), db: clusterCpuSeconds(pg.dataDir) });
        const streams = 8;
        progress(`HQ ingest into PostgreSQL: ${EVENTS} events, batches of ${BATCH}, ${streams} branches at once`);
        await warmUp(hq, db, '', streams, BATCH);
        const run = await upload(hq, 'pg', streams, Math.floor(EVENTS / streams), BATCH, meter);
        const copy = await rawCopy(db, 'copy', streams, Math.floor(EVENTS / streams), meter);
        const rate = run.events / run.seconds;
        rows.push(['PostgreSQL: ingest over HTTP (validate, dedupe, insert, tickets)', `${run.events}`, `${rate.toFixed(0)} /s`, ms(percentile(run.batchMs, 50)), ms(percentile(run.batchMs, 99)), '>= 25,000 /s', rate >= 25_000 ? 'met' : 'MISSED']);
        rows.push(['  CPU per event: head office + PostgreSQL', '', cpuCell(run.cpu), '', '', '', `2 cores: ${twoCoreRate(run.cpu).toFixed(0)} /s`]);
        rows.push(['PostgreSQL: raw COPY of the same rows, same table', `${run.events}`, `${copy.rate.toFixed(0)} /s`, '', '', '(floor)', `ingest = ${((rate / copy.rate) * 100).toFixed(0)}% of COPY`]);
        rows.push(['  CPU per event: PostgreSQL (COPY client)', '', `${copy.cpu.dbUs.toFixed(0)} µs (${copy.cpu.clientUs.toFixed(0)})`, '', '', '', '']);

        // ------------------------------------------------------------ 200 branches at once
        progress(`HQ: ${BRANCHES} branches uploading at once`);
        const many = await upload(hq, 'many', BRANCHES, 600, 200);
        rows.push([`${BRANCHES} branches at once, 600 events each, batches of 200`, `${many.events}`, `${(many.events / many.seconds).toFixed(0)} /s`, ms(percentile(many.batchMs, 50)), ms(percentile(many.batchMs, 99)), 'held, no loss', `${many.refused} answered 429, ${many.dropped} connections reset; all retried`]);
        const held = await db.query("SELECT count(*)::bigint AS n FROM events WHERE branch LIKE 'many-%'");
        if (Number(held[0]?.n) !== many.events) throw new Error(`200-branch run: ${String(held[0]?.n)} rows held, ${many.events} sent`);

        // ------------------------------------------------------------ 7 days of backlog
        progress('HQ: a branch with 7 days of backlog (15,000 events) catching up');
        const code = await hq.enrollmentCode('demo-001');
        const branch = await startTestBranch({ hq: { url: hq.url, enrollCode: code, backoff: { baseMs: 100, capMs: 1000 } } });
        try {
          await branch.app.sync!.uploader.stop();
          const week = queueEvents('demo-001', 1, 15_000, Date.now() - 7 * 86_400_000);
          branch.app.service.record(week.map((e) => draft(e.type, Date.parse(e.at), e.data)));
          // The branch commits its writes in groups: the week is in the outbox once its group is.
          for (const until = Date.now() + 60_000; branch.app.sync!.uploader.status().backlog < week.length; ) {
            if (Date.now() > until) throw new Error(`the branch's outbox holds ${branch.app.sync!.uploader.status().backlog} of the week's ${week.length} events after a minute`);
            await new Promise((r) => setTimeout(r, 10));
          }
          const backlog = branch.app.sync!.uploader.status().backlog;
          const t0 = performance.now();
          branch.app.sync!.uploader.start();
          while (branch.app.sync!.uploader.status().backlog > 0) await new Promise((r) => setTimeout(r, 20));
          const s = (performance.now() - t0) / 1000;
          rows.push(['7 days of backlog caught up (one branch, its uploader)', `${backlog}`, `${(backlog / s).toFixed(0)} /s`, `${s.toFixed(1)} s`, '', '<= 60 s', s <= 60 ? 'met' : 'MISSED']);

          // ---------------------------------------------------------- sync lag while online
          progress('HQ: sync lag while online (tickets at 5/s for 30 s)');
          const since = new Date();
          for (let i = 0; i < 150; i++) {
            await branch.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
            await new Promise((r) => setTimeout(r, 200));
          }
          while (branch.app.sync!.uploader.status().backlog > 0) await new Promise((r) => setTimeout(r, 50));
          const lags = (
            await db.query("SELECT (extract(epoch FROM received_at - at) * 1000)::float8 AS lag FROM events WHERE branch = 'demo-001' AND stream = 'queue' AND at >= $1", [since])
          ).map((r) => Number(r.lag));
          rows.push(['sync lag, commit at branch to row at HQ', `${lags.length}`, '', ms(percentile(lags, 50)), `p95 ${ms(percentile(lags, 95))}`, 'p95 <= 5 s', percentile(lags, 95) <= 5000 ? 'met' : 'MISSED']);
        } finally {
          await branch.close();
        }
      } finally {
        await db.close();
        await hq.stop();
      }
    }

    // ------------------------------------------------------------ PGlite ingest vs COPY
    {
      const dataDir = await pgliteDataDir();
      dirs.push(dataDir);
      const total = Math.floor(EVENTS / 3);
      const hq = await startHqProcess(dataDir);
      let run: UploadRun;
      try {
        progress(`HQ ingest into PGlite: ${total} events, batches of ${BATCH}`);
        run = await upload(hq, 'pgl', 4, Math.floor(total / 4), BATCH, () => ({ hq: hq.cpuSeconds(), client: processCpuSeconds(), db: 0 }));
      } finally {
        await hq.stop();
      }
      // The embedded database belongs to one process: its raw COPY runs here once the server is gone.
      const db = await openBenchDb(dataDir);
      try {
        const copy = await rawCopy(db, 'pglcopy', 4, Math.floor(total / 4), () => ({ hq: 0, client: 0, db: processCpuSeconds() }));
        const rate = run.events / run.seconds;
        rows.push(['PGlite (embedded): ingest over HTTP', `${run.events}`, `${rate.toFixed(0)} /s`, ms(percentile(run.batchMs, 50)), ms(percentile(run.batchMs, 99)), '(embedded default)', '']);
        rows.push(['  CPU per event: head office with PGlite', '', `${run.cpu.hqUs.toFixed(0)} µs (branches ${run.cpu.clientUs.toFixed(0)})`, '', '', '', '']);
        rows.push(['PGlite (embedded): raw COPY of the same rows', `${run.events}`, `${copy.rate.toFixed(0)} /s`, '', '', '(floor)', `ingest = ${((rate / copy.rate) * 100).toFixed(0)}% of COPY`]);
        rows.push(['  CPU per event: PGlite COPY', '', `${copy.cpu.dbUs.toFixed(0)} µs`, '', '', '', '']);
      } finally {
        await db.close();
      }
    }
  } finally {
    await pg.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  console.log(`\nHead office — its own process (as npm run hq starts it); PostgreSQL 15 with fsync and synchronous_commit on, reached over its Unix socket; PGlite inside head office's process; the simulated branches in the bench's process\n`);
  console.log(table(['head office', 'events', 'rate', 'p50', 'p99 / other', 'goal', ''], rows));
}

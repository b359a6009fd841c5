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
import { startHqApp, type HqApp } from '../hq/app.js';
import { silentLogger } from '../server/logger.js';
import { queueEvents } from '../test/support/hq-events.js';
import { pgliteDataDir } from '../test/support/hq.js';
import { startPostgres } from '../test/support/postgres.js';
import { startTestBranch } from '../test/support/branch.js';
import { envCount, ms, percentile, progress, table } from './stats.js';
import { draft, type BranchEvent } from '../core/events.js';
import { copyRow } from '../hq/storage/sql.js';

const EVENTS = envCount('BENCH_HQ_EVENTS', 60_000);
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

function post(url: string, token: string, body: string, agent: Agent): Promise<{ status: number; retryAfter: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url + '/api/sync/events',
      { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
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

async function enroll(hq: HqApp, branch: string): Promise<string> {
  const { code } = await hq.store.createEnrollmentCode(branch, '', 1);
  const res = await fetch(hq.url + '/api/enroll', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, installId: `bench-${branch}`, branch }) });
  const body = (await res.json()) as { credential?: string };
  if (res.status !== 200 || !body.credential) throw new Error(`enrolling ${branch} answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
  return body.credential;
}

/** CPU seconds so far of this process and of the database server (0 when it runs in this process). */
export type CpuMeter = () => { node: number; db: number };
const noCpu: CpuMeter = () => ({ node: 0, db: 0 });

export interface CpuUse {
  /** Microseconds of CPU per event in this process (head office and the simulated branches). */
  nodeUs: number;
  /** Microseconds of CPU per event in PostgreSQL's processes. */
  dbUs: number;
}

function cpuSince(meter: CpuMeter, start: { node: number; db: number }, events: number): CpuUse {
  const now = meter();
  return { nodeUs: ((now.node - start.node) * 1e6) / events, dbUs: ((now.db - start.db) * 1e6) / events };
}

export interface UploadRun {
  events: number;
  seconds: number;
  cpu: CpuUse;
  batchMs: number[];
  refused: number;
  dropped: number;
}

/** `streams` branches each upload their events in batches, all at once; 429s wait Retry-After and retry. */
export async function upload(hq: HqApp, prefix: string, streams: number, perStream: number, batch: number, meter: CpuMeter = noCpu): Promise<UploadRun> {
  // One after another: enrolment is not what is measured, and 200 at once from this one
  // address would pass head office's cap on connections per address.
  const creds: string[] = [];
  for (let i = 0; i < streams; i++) creds.push(await enroll(hq, `${prefix}-${i}`));
  // Each branch serialises its batches on its own machine: done before the clock starts, so
  // this process's CPU is head office's (and the HTTP client's) only.
  const work = creds.map((c, i) => {
    const events = queueEvents(`${prefix}-${i}`, 1, perStream, Date.now() - 3_600_000);
    const bodies: string[] = [];
    for (let k = 0; k < events.length; k += batch) bodies.push(JSON.stringify({ stream: 'queue', events: events.slice(k, k + batch) }));
    return { cred: c, bodies, agent: branchAgent(i) };
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
  for (const w of work) w.agent.destroy();
  return { events: streams * perStream, seconds, cpu: cpuSince(meter, cpu0, streams * perStream), batchMs, refused, dropped };
}

/** The same rows as ingest stores, in COPY's text format. */
function rowsOf(branch: string, events: BranchEvent[]): string {
  return events.map((e) => copyRow([branch, e.stream, e.seq, e.type, e.v, e.at, JSON.stringify(e.data)])).join('');
}

/**
 * The same rows (same generator, same count) with COPY into the same table and indexes, each
 * stream's rows in one COPY (one transaction), all streams at once: the floor for loading them.
 */
export async function rawCopy(hq: HqApp, prefix: string, streams: number, perStream: number, meter: CpuMeter = noCpu): Promise<{ rate: number; cpu: CpuUse }> {
  const chunks = Array.from({ length: streams }, (_, i) => rowsOf(`${prefix}-${i}`, queueEvents(`${prefix}-${i}`, 1, perStream, Date.now() - 3_600_000)));
  const t0 = performance.now();
  const cpu0 = meter();
  await Promise.all(chunks.map((rows) => hq.store.db.copyRows('events', ['branch', 'stream', 'seq', 'type', 'v', 'at', 'data'], rows)));
  const rate = (streams * perStream) / ((performance.now() - t0) / 1000);
  return { rate, cpu: cpuSince(meter, cpu0, streams * perStream) };
}

export async function printHqBench(): Promise<void> {
  const rows: string[][] = [];
  const pg = await startPostgres({ durable: true });
  const dirs: string[] = [];
  try {
    // ------------------------------------------------------------ PostgreSQL ingest vs COPY
    {
      const dataDir = mkdtempSync(join(tmpdir(), 'bench-hq-'));
      dirs.push(dataDir);
      const hq = await startHqApp({ dataDir, databaseUrl: await pg.createDatabase(), port: 0, host: '127.0.0.1', log: silentLogger, enrollPerMinute: 100_000 });
      try {
        const streams = 8;
        progress(`HQ ingest into PostgreSQL: ${EVENTS} events, batches of ${BATCH}, ${streams} branches at once`);
        await upload(hq, 'warm', 2, BATCH * 4, BATCH);
        const run = await upload(hq, 'pg', streams, Math.floor(EVENTS / streams), BATCH);
        const copy = (await rawCopy(hq, 'copy', streams, Math.floor(EVENTS / streams))).rate;
        const rate = run.events / run.seconds;
        rows.push(['PostgreSQL: ingest over HTTP (validate, dedupe, insert, tickets)', `${run.events}`, `${rate.toFixed(0)} /s`, ms(percentile(run.batchMs, 50)), ms(percentile(run.batchMs, 99)), '>= 25,000 /s', rate >= 25_000 ? 'met' : 'MISSED']);
        rows.push(['PostgreSQL: raw COPY of the same rows, same table', `${run.events}`, `${copy.toFixed(0)} /s`, '', '', '(floor)', `ingest = ${((rate / copy) * 100).toFixed(0)}% of COPY`]);

        // ------------------------------------------------------------ 200 branches at once
        progress(`HQ: ${BRANCHES} branches uploading at once`);
        const many = await upload(hq, 'many', BRANCHES, 600, 200);
        rows.push([`${BRANCHES} branches at once, 600 events each, batches of 200`, `${many.events}`, `${(many.events / many.seconds).toFixed(0)} /s`, ms(percentile(many.batchMs, 50)), ms(percentile(many.batchMs, 99)), 'held, no loss', `${many.refused} answered 429, ${many.dropped} connections reset; all retried`]);
        const held = await hq.store.db.query("SELECT count(*)::bigint AS n FROM events WHERE branch LIKE 'many-%'");
        if (Number(held[0]?.n) !== many.events) throw new Error(`200-branch run: ${String(held[0]?.n)} rows held, ${many.events} sent`);

        // ------------------------------------------------------------ 7 days of backlog
        progress('HQ: a branch with 7 days of backlog (15,000 events) catching up');
        const { code } = await hq.store.createEnrollmentCode('demo-001', '', 1);
        const branch = await startTestBranch({ hq: { url: hq.url, enrollCode: code, backoff: { baseMs: 100, capMs: 1000 } } });
        try {
          await branch.app.sync!.uploader.stop();
          const week = queueEvents('demo-001', 1, 15_000, Date.now() - 7 * 86_400_000);
          branch.app.service.record(week.map((e) => draft(e.type, Date.parse(e.at), e.data)));
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
            await hq.store.db.query("SELECT (extract(epoch FROM received_at - at) * 1000)::float8 AS lag FROM events WHERE branch = 'demo-001' AND stream = 'queue' AND at >= $1", [since])
          ).map((r) => Number(r.lag));
          rows.push(['sync lag, commit at branch to row at HQ', `${lags.length}`, '', ms(percentile(lags, 50)), `p95 ${ms(percentile(lags, 95))}`, 'p95 <= 5 s', percentile(lags, 95) <= 5000 ? 'met' : 'MISSED']);
        } finally {
          await branch.close();
        }
      } finally {
        await hq.close();
      }
    }

    // ------------------------------------------------------------ PGlite ingest vs COPY
    {
      const dataDir = await pgliteDataDir();
      dirs.push(dataDir);
      const hq = await startHqApp({ dataDir, port: 0, host: '127.0.0.1', log: silentLogger, enrollPerMinute: 100_000 });
      try {
        const total = Math.floor(EVENTS / 3);
        progress(`HQ ingest into PGlite: ${total} events, batches of ${BATCH}`);
        const run = await upload(hq, 'pgl', 4, Math.floor(total / 4), BATCH);
        const copy = (await rawCopy(hq, 'pglcopy', 4, Math.floor(total / 4))).rate;
        const rate = run.events / run.seconds;
        rows.push(['PGlite (embedded): ingest over HTTP', `${run.events}`, `${rate.toFixed(0)} /s`, ms(percentile(run.batchMs, 50)), ms(percentile(run.batchMs, 99)), '(embedded default)', '']);
        rows.push(['PGlite (embedded): raw COPY of the same rows', `${run.events}`, `${copy.toFixed(0)} /s`, '', '', '(floor)', `ingest = ${((rate / copy) * 100).toFixed(0)}% of COPY`]);
      } finally {
        await hq.close();
      }
    }
  } finally {
    await pg.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  console.log(`\nHead office — PostgreSQL 15 with fsync on (synchronous_commit on), PGlite in-process; HQ and clients in this process\n`);
  console.log(table(['head office', 'events', 'rate', 'p50', 'p99 / other', 'goal', ''], rows));
}

/**
 * Bench: time from starting the compiled service (`node dist/server/main.js`, a new process) to
 * its ready line, cold: nothing of it has run before in that process. Two cases: the first start
 * of a new branch (new data folder: the database is created and the demo staff's file written;
 * their PINs are hashed after the ready line, sign-ins waiting for them) and a restart of an
 * existing one. Goal ≤ 1.5 s. Also the freshness check that `npm start`
 * runs before it (`scripts/build.mjs --if-stale` with nothing to build).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPILED_SERVICE, REPO_ROOT, startChildServer } from './child-server.js';
import { rssOf } from './machine.js';
import { mib, ms, msSince, progress, summarize, table } from './stats.js';

const GOAL_MS = 1500;

async function startOnce(dataDir: string): Promise<{ ms: number; rss: number }> {
  const started = process.hrtime.bigint();
  const server = await startChildServer(
    'branch service',
    [...COMPILED_SERVICE, '--demo', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--log', 'json'],
    /Branch service ready at (http:\/\/127\.0\.0\.1:\d+)/,
  );
  const took = msSince(started);
  const rss = rssOf(server.pid);
  await server.stop();
  return { ms: took, rss };
}

export async function printStartTime(runs = 5): Promise<void> {
  progress(`start to ready: ${runs} first starts of a new branch, ${runs} restarts`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  try {
    const fresh: { ms: number; rss: number }[] = [];
    for (let i = 0; i < runs; i++) fresh.push(await startOnce(join(dir, `new-${i}`)));
    const again: { ms: number; rss: number }[] = [];
    for (let i = 0; i < runs; i++) again.push(await startOnce(join(dir, 'new-0')));
    const check: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      const r = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: REPO_ROOT, encoding: 'utf8' });
      if (r.status !== 0 || r.stderr) throw new Error(`the freshness check should find dist/ up to date:\n${r.stderr}`);
      check.push(msSince(t));
    }
    const row = (name: string, xs: { ms: number; rss: number }[]) => {
      const s = summarize(xs.map((x) => x.ms));
      return [name, `n=${s.n}`, ms(xs[0]!.ms, 0), ms(s.p50, 0), ms(s.max, 0), `<= ${GOAL_MS} ms`, s.max <= GOAL_MS ? 'met' : 'MISSED', mib(Math.max(...xs.map((x) => x.rss)))];
    };
    const c = summarize(check);
    console.log(
      `\n${table(
        ['start to ready line, compiled service (node dist/server/main.js)', 'runs', 'first', 'p50', 'max', 'goal', '', 'RSS at ready'],
        [
          row('first start of a new branch (database created, demo staff file written)', fresh),
          row('restart of an existing branch', again),
          ['npm start\'s freshness check before it (nothing to build)', `n=${c.n}`, ms(check[0]!, 0), ms(c.p50, 0), ms(c.max, 0), '(reference)', '', ''],
        ],
      )}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('start-time.ts')) await printStartTime(Number(process.argv[2] ?? 5));

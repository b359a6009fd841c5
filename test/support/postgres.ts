/**
 * A throwaway PostgreSQL 15 cluster for a test file: initdb in a temp folder, pg_ctl on a free
 * loopback port, one fresh database per test, everything removed at the end. PostgreSQL refuses
 * to run as root, so as root the cluster runs as the `postgres` user (Debian's package makes it).
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface TestPostgres {
  port: number;
  /** The cluster's data directory (its postmaster.pid names the server process). */
  dataDir: string;
  /** Creates an empty database and returns its URL (over the Unix socket when the cluster was started with `unixSocket`). */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function asPostgres(cmd: string, args: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', cmd, ...args] : [cmd, ...args];
}

function run(argv: string[]): void {
  execFileSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Starts a cluster. `durable` keeps fsync on (benchmarks); tests run without it. `settings` are
 * extra `-c name=value`. `unixSocket` gives URLs over the cluster's Unix socket, as a head office
 * on the database's own machine connects (the benchmarks); tests keep TCP.
 */
export async function startPostgres(opts: { durable?: boolean; settings?: Record<string, string>; unixSocket?: boolean } = {}): Promise<TestPostgres> {
  if (!existsSync(join(PG_BIN, 'initdb'))) throw new Error(`PostgreSQL 15 is not installed at ${PG_BIN}: apt-get install postgresql (or set PG_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), 'hq-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  run(asPostgres(join(PG_BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']));
  const port = await freePort();
  const settings = [`-p ${port}`, `-k ${dir}`, "-c listen_addresses='127.0.0.1'", '-c max_connections=300', '-c shared_buffers=256MB'];
  for (const [k, v] of Object.entries(opts.settings ?? {})) settings.push(`-c ${k}=${v}`);
  if (!opts.durable) settings.push('-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off');
  run(asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', data, '-o', settings.join(' '), '-l', join(dir, 'log'), '-w', '-t', '60', 'start']));
  let n = 0;
  const admin = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', max: 1 });
  return {
    port,
    dataDir: data,
    async createDatabase() {
      const name = `t${process.pid}_${++n}`;
      await admin.query(`CREATE DATABASE ${name}`);
      return opts.unixSocket ? `postgres://postgres@${encodeURIComponent(dir)}:${port}/${name}` : `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await admin.end().catch(() => undefined);
      try {
        run(asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

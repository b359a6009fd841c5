/**
 * Head office for tests, on either database: every HQ test runs once against a real
 * PostgreSQL 15 cluster (test/support/postgres.ts) and once against the embedded PGlite. A new
 * PGlite folder costs an initdb of tens of seconds in WebAssembly, so one initialised folder is
 * made per machine and copied for each test (the migrations still run on every copy).
 */
import { PGlite } from '@electric-sql/pglite';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHqApp, type HqApp } from '../../hq/app.js';
import { PGLITE_DIR } from '../../hq/open-store.js';
import { silentLogger } from '../../server/logger.js';
import { startPostgres, type TestPostgres } from './postgres.js';

export type Backend = 'postgres' | 'pglite';
export const BACKENDS: Backend[] = ['postgres', 'pglite'];

const PGLITE_VERSION = (JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }).version;
const TEMPLATE = join(tmpdir(), `branch-queue-pglite-template-${PGLITE_VERSION}`);

async function pgliteTemplate(): Promise<string> {
  if (existsSync(join(TEMPLATE, 'PG_VERSION'))) return TEMPLATE;
  const building = mkdtempSync(join(tmpdir(), 'pglite-template-'));
  const db = await PGlite.create(building);
  await db.close();
  try {
    renameSync(building, TEMPLATE);
  } catch {
    // Another test file made it first.
    rmSync(building, { recursive: true, force: true });
  }
  return TEMPLATE;
}

/** A data folder whose embedded database is initialised but empty (no schema yet). */
export async function pgliteDataDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'hq-data-'));
  cpSync(await pgliteTemplate(), join(dir, PGLITE_DIR), { recursive: true });
  return dir;
}

export interface HqTarget {
  backend: Backend;
  dataDir: string;
  databaseUrl?: string;
}

/** Per test file: a PostgreSQL cluster when the backend needs one, and fresh targets per test. */
export class HqFixture {
  private pg: TestPostgres | undefined;
  private readonly dirs: string[] = [];

  constructor(readonly backend: Backend) {}

  async target(): Promise<HqTarget> {
    if (this.backend === 'pglite') {
      const dataDir = await pgliteDataDir();
      this.dirs.push(dataDir);
      return { backend: 'pglite', dataDir };
    }
    this.pg ??= await startPostgres();
    const dataDir = mkdtempSync(join(tmpdir(), 'hq-data-'));
    this.dirs.push(dataDir);
    return { backend: 'postgres', dataDir, databaseUrl: await this.pg.createDatabase() };
  }

  async start(target?: HqTarget, opts: { ingestQueue?: number; poolSize?: number } = {}): Promise<HqApp & { target: HqTarget }> {
    const t = target ?? (await this.target());
    const app = await startHqApp({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, port: 0, host: '127.0.0.1', log: silentLogger, enrollPerMinute: 10_000, ...opts });
    return Object.assign(app, { target: t });
  }

  async close(): Promise<void> {
    await this.pg?.stop();
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

export async function hqApi(url: string, method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(url + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* keep text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

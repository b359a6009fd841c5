/**
 * Starts a real branch service (real SQLite file in a temp folder, real HTTP on a free
 * loopback port) for a test, with helpers to sign staff in and call the API.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBranchApp, type BranchApp, type BranchAppOptions } from '../../server/branch-app.js';
import { silentLogger, type Logger } from '../../server/logger.js';
import type { Credential } from '../../server/staff-seed.js';

export interface TestBranch {
  app: BranchApp;
  url: string;
  dataDir: string;
  credentials: Credential[];
  /** Moves the injected clock (when the branch was started with `manualClock`). */
  advance(ms: number): void;
  setTime(epochMs: number): void;
  now(): number;
  login(staffId: string, counter?: string): Promise<string>;
  api(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestBranch(
  opts: {
    configPath?: string;
    manualClock?: number;
    ticketRateLimitPerMinute?: number;
    dataDir?: string;
    /** Device URIs as on the command line (default: demo mode's simulated devices). */
    devices?: BranchAppOptions['devices'];
    /** A logger to capture the service's logs (default: silent). */
    log?: Logger;
    /** Sync with a head office. */
    hq?: BranchAppOptions['hq'];
  } = {},
): Promise<TestBranch> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'branch-'));
  let time = opts.manualClock ?? 0;
  const clock = opts.manualClock !== undefined ? () => time : undefined;
  const app = await startBranchApp({
    dataDir,
    configPath: opts.configPath,
    demo: true,
    port: 0,
    host: '127.0.0.1',
    log: opts.log ?? silentLogger,
    clock,
    devices: opts.devices,
    ticketRateLimitPerMinute: opts.ticketRateLimitPerMinute ?? 100_000,
    hq: opts.hq,
  });
  const credentials = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as Credential[];
  const api: TestBranch['api'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(app.url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    app,
    url: app.url,
    dataDir,
    credentials,
    advance: (ms) => void (time += ms),
    setTime: (t) => void (time = t),
    now: () => time,
    api,
    async login(staffId, counter) {
      const cred = credentials.find((c) => c.staffId === staffId);
      if (!cred) throw new Error(`no demo staff ${staffId}`);
      const r = await api('POST', '/api/auth/login', { body: { staffId, pin: cred.pin, ...(counter ? { counter } : {}) } });
      if (r.status !== 200) throw new Error(`login ${staffId} failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
    async close() {
      await app.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

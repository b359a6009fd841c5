/**
 * Shared helpers for the API tests: the error-shape assertion, a fixed start time for the
 * manual clock, a writer for variant branch configurations, and small request shortcuts.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DEMO_CONFIG_PATH } from '../../config/load-config.js';
import type { ConfigFile } from '../../config/schema.js';
import type { BranchEvent } from '../../core/events.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';

/** Monday 2025-03-03 10:00 in Asia/Shanghai, the demo branch's zone. */
export const MONDAY_10AM = Date.parse('2025-03-03T02:00:00Z');

export interface IssuedTicket {
  id: string;
  number: string;
  serviceCode: string;
  segment: string;
  status: string;
  ahead: number;
  estimate: { minMinutes: number; maxMinutes: number };
  issuedAt: string;
}

/** The parts of a service in GET /api/services that the tests read. */
export interface ServiceView {
  code: string;
  waiting: number;
  issuedToday: number;
  available: boolean;
  unavailableReason?: string;
  dailyCap?: number;
  longestWaitSeconds: number;
  estimate: { minMinutes: number; maxMinutes: number };
}

export type Res = Awaited<ReturnType<TestBranch['api']>>;

/** Asserts the status and the product's error shape `{ error: { code, message } }` with the given stable code. */
export function assertError(res: Res, status: number, code: string): void {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(typeof res.body, 'object', `error body is JSON: ${String(res.body)}`);
  assert.ok(res.body !== null && typeof res.body.error === 'object' && res.body.error !== null, `error body has "error": ${JSON.stringify(res.body)}`);
  const keys = Object.keys(res.body);
  assert.deepEqual(keys, ['error'], 'nothing beside "error" at the top level');
  assert.equal(res.body.error.code, code, `error code: ${JSON.stringify(res.body)}`);
  assert.equal(typeof res.body.error.message, 'string');
  assert.ok(res.body.error.message.length > 0, 'a message a person can read');
  for (const k of Object.keys(res.body.error)) assert.ok(['code', 'message', 'details'].includes(k), `unexpected error field ${k}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
}

/** Writes a copy of the demo configuration changed by `edit` to a temp file; returns its path and a cleanup. */
export function variantConfig(edit: (cfg: ConfigFile) => void): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'branch-config-'));
  const cfg = parse(readFileSync(DEMO_CONFIG_PATH, 'utf8')) as ConfigFile;
  edit(cfg);
  const path = join(dir, 'branch.yaml');
  writeFileSync(path, stringify(cfg));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// Seeding the demo staff hashes eleven PINs with a deliberately slow hash; a test file that
// starts several branches seeds once and copies the seeded data folder for each of them.
let template: Promise<string> | undefined;

function seededTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'branch-template-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const b = await startTestBranch({ manualClock: MONDAY_10AM, dataDir: dir });
    await b.close();
    return dir;
  })();
  return template;
}

/** A fresh demo branch (its own data folder) on the manual clock at MONDAY_10AM unless told otherwise. */
export async function startBranch(opts: Parameters<typeof startTestBranch>[0] = {}): Promise<TestBranch> {
  const dataDir = mkdtempSync(join(tmpdir(), 'branch-'));
  cpSync(await seededTemplate(), dataDir, { recursive: true });
  const b = await startTestBranch({ manualClock: MONDAY_10AM, ...opts, dataDir });
  const close = b.close;
  b.close = async () => {
    await close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return b;
}

export async function issue(b: TestBranch, serviceCode: string, extra: Record<string, unknown> = {}, token?: string): Promise<IssuedTicket> {
  const r = await b.api('POST', '/api/tickets', { body: { serviceCode, ...extra }, token });
  assert.equal(r.status, 201, `issue ${serviceCode}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export function pinOf(b: TestBranch, staffId: string): string {
  const c = b.credentials.find((x) => x.staffId === staffId);
  if (!c) throw new Error(`no demo staff ${staffId}`);
  return c.pin;
}

export async function serviceView(b: TestBranch, code: string): Promise<ServiceView> {
  const r = await b.api('GET', '/api/services');
  assert.equal(r.status, 200);
  const s = (r.body as ServiceView[]).find((x) => x.code === code);
  assert.ok(s, `service ${code} listed`);
  return s;
}

/** Demo PINs have six digits, so this one is wrong for everybody. */
export const WRONG_PIN = '0000000';

export async function eventsAfter(b: TestBranch, after: number, token: string): Promise<BranchEvent[]> {
  const out: BranchEvent[] = [];
  for (;;) {
    const r = await b.api('GET', `/api/events?after=${after}&limit=1000`, { token });
    assert.equal(r.status, 200);
    out.push(...r.body);
    if (r.body.length < 1000) return out;
    after = r.body.at(-1).id;
  }
}

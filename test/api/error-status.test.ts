/**
 * The HTTP layer alone turns a domain error's code into a status. Every code the product
 * throws has its status in the one table (a new code without one fails here), and a code the
 * table does not know answers 500 with its code and message, and is logged.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DomainError } from '../../common/errors.js';
import { domainErrorAnswer, httpStatusOf } from '../../server/http/error-status.js';
import { createHttpServer } from '../../server/http/http-server.js';
import { captureLogs } from '../support/logs.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Codes of the command line and start-up: they stop the program, they never reach a client.
const NOT_OVER_HTTP = new Set(['HELP', 'BAD_ARGUMENTS', 'PAGES_NOT_BUILT']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

test('every error code thrown in the product has an HTTP status in the table', () => {
  const found = new Map<string, string>();
  for (const part of ['core', 'db', 'server', 'config', 'identity', 'sim', 'drivers', 'common']) {
    for (const file of sources(join(ROOT, part))) {
      const text = readFileSync(file, 'utf8');
      // new DomainError('CODE', …) and the engine's fail('CODE', …).
      for (const m of text.matchAll(/(?:new DomainError|\bfail)\(\s*'([A-Z][A-Z0-9_]+)'/g)) found.set(m[1]!, relative(ROOT, file));
    }
  }
  assert.ok(found.size > 40, `found ${found.size} codes`);
  const missing = [...found].filter(([code]) => !NOT_OVER_HTTP.has(code) && httpStatusOf(code) === undefined);
  assert.deepEqual(missing, [], 'codes without an HTTP status');
});

test('statuses of the queue, auth and storage codes, as the LAN API documents them', () => {
  const expect: Record<string, number> = {
    VALIDATION_FAILED: 400,
    UNAUTHENTICATED: 401,
    FORBIDDEN: 403,
    UNKNOWN_SERVICE: 404,
    SERVICE_CAPPED: 409,
    TICKET_AT_COUNTER: 409,
    ACCOUNT_LOCKED: 423,
    RATE_LIMITED: 429,
    DB_ROW_INVALID: 500,
    STORAGE_FULL: 503,
    DEVICE_OFFLINE: 503,
  };
  for (const [code, status] of Object.entries(expect)) assert.equal(httpStatusOf(code), status, code);
  const answer = domainErrorAnswer(new DomainError('VALIDATION_FAILED', 'Invalid request body: serviceCode: is required', ['serviceCode: is required']));
  assert.deepEqual(answer, {
    status: 400,
    body: { error: { code: 'VALIDATION_FAILED', message: 'Invalid request body: serviceCode: is required', details: ['serviceCode: is required'] } },
    log: false,
  });
  assert.equal(domainErrorAnswer(new Error('not a domain error')), undefined);
});

test('a code the table does not know answers 500 with its code, and is logged', async () => {
  const logs = captureLogs();
  const app = createHttpServer(logs.log);
  app.get('/new-code', async () => {
    throw new DomainError('SOMETHING_NEW', 'A refusal nobody gave a status yet.');
  });
  app.get('/storage', async () => {
    throw new DomainError('STORAGE_FULL', "The branch computer's disk is full.", { sqlite: 'SQLITE_FULL' });
  });
  app.get('/refused', async () => {
    throw new DomainError('SERVICE_CAPPED', 'Cash has reached its daily limit.');
  });
  try {
    const unknown = await app.inject({ method: 'GET', url: '/new-code' });
    assert.equal(unknown.statusCode, 500);
    assert.deepEqual(unknown.json(), { error: { code: 'SOMETHING_NEW', message: 'A refusal nobody gave a status yet.' } });
    const storage = await app.inject({ method: 'GET', url: '/storage' });
    assert.equal(storage.statusCode, 503);
    assert.deepEqual(storage.json(), { error: { code: 'STORAGE_FULL', message: "The branch computer's disk is full." } }, 'server-side details stay in the log');
    const refused = await app.inject({ method: 'GET', url: '/refused' });
    assert.equal(refused.statusCode, 409);
    const lines = logs
      .text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; code?: string; status?: number });
    const errors = lines.filter((l) => l.level >= 50);
    assert.ok(errors.some((l) => l.code === 'SOMETHING_NEW' && l.status === 500), logs.text());
    assert.ok(errors.some((l) => l.code === 'STORAGE_FULL' && l.status === 503));
    assert.ok(!errors.some((l) => l.code === 'SERVICE_CAPPED'), 'a refusal of the queue is not an error of the service');
  } finally {
    await app.close();
  }
});

/**
 * What the IT team sees of an attack: a refused request from the LAN is logged as a warning
 * naming the address, at most once per address and kind a minute, with the count since.
 */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import type { TestBranch } from '../support/branch.js';
import { captureLogs } from '../support/logs.js';
import { startBranch } from '../api/support.js';
import { lanAddress, requestFrom } from './support.js';
import { RefusalLog } from '../../server/http/refusal-log.js';

let b: TestBranch;
const logs = captureLogs();
beforeAll(async () => {
  b = await startBranch({ log: logs.log });
});
afterAll(() => b.close());

const warnings = () =>
  logs
    .text()
    .split('\n')
    .filter((l) => l.includes('request refused'))
    .map((l) => JSON.parse(l) as { address: string; status: number; code: string; refusedSinceLastWarning: number; level: number });

test('a DNS-rebinding page hammering the service from one machine: one warning for that address, not one per request', async () => {
  for (let i = 0; i < 5; i++) {
    const r = await requestFrom(b, lanAddress(7), 'GET', '/api/queue', { headers: { host: 'attacker.example' } });
    assert.equal(r.status, 421);
  }
  assert.equal((await requestFrom(b, lanAddress(8), 'GET', '/api/queue', { headers: { host: 'attacker.example' } })).status, 421);
  const w = warnings();
  assert.deepEqual(
    w.map((x) => [x.address, x.status, x.code]),
    [
      [lanAddress(7), 421, 'HTTP_421'],
      [lanAddress(8), 421, 'HTTP_421'],
    ],
  );
  assert.ok(w.every((x) => x.level === 40), 'logged as warnings');
});

test('the next warning for an address a minute later counts what was refused in between', () => {
  const capture = captureLogs();
  let now = 0;
  const log = new RefusalLog(capture.log, () => now);
  for (let i = 0; i < 30; i++) log.note('192.0.2.9', 429, 'HTTP_429');
  now = 61_000;
  log.note('192.0.2.9', 429, 'HTTP_429');
  const lines = capture.text().trim().split('\n').map((l) => JSON.parse(l) as { refusedSinceLastWarning: number });
  assert.deepEqual(lines.map((l) => l.refusedSinceLastWarning), [0, 29]);
});

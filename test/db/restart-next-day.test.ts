import { test } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startTestBranch } from '../support/branch.js';

test('a service down over midnight closes the day before at start and numbers the new day from 001', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'restart-'));
  // 2026-11-30 10:00 in Shanghai.
  const first = await startTestBranch({ dataDir, manualClock: Date.UTC(2026, 10, 30, 2, 0) });
  const left = await first.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
  await first.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
  await first.close();

  // Two days later, 09:00 local.
  const second = await startTestBranch({ dataDir, manualClock: Date.UTC(2026, 11, 2, 1, 0) });
  try {
    const fresh = await second.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
    assert.equal(fresh.body.number, 'A001');
    // The customer's page of the day before has expired; the ticket itself was cancelled.
    const old = await second.api('GET', `/api/tickets/${left.body.id}`);
    assert.equal(old.status, 410);
    assert.equal(old.body.error.code, 'TICKET_EXPIRED');
    assert.equal(second.app.store.ticket(left.body.id)?.status, 'cancelled');
    const queue = await second.api('GET', '/api/queue');
    assert.equal(queue.body.services.find((s: { code: string }) => s.code === 'A').waiting, 1);
  } finally {
    await second.close();
  }
  const db = new Database(join(dataDir, 'branch.db'), { readonly: true });
  const active = db.prepare(`SELECT business_day, COUNT(*) AS n FROM tickets WHERE status IN ('waiting','called','serving') GROUP BY business_day`).all();
  db.close();
  assert.deepEqual(active, [{ business_day: '2026-12-02', n: 1 }]);
  rmSync(dataDir, { recursive: true, force: true });
});

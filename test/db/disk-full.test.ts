/**
 * A full disk: SQLite answers SQLITE_FULL (forced here with max_page_count, the same error a
 * full file system gives). The request gets a clear 503, nothing half-happens, no number is
 * used up, and once space is back the queue goes on where it was.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { isDomainError } from '../../common/errors.js';
import { draft } from '../../core/events.js';
import { MONDAY_10AM } from '../api/support.js';
import { startTestBranch } from '../support/branch.js';
import { captureLogs } from '../support/logs.js';

test('a full disk refuses tickets and calls with a clear 503 and loses nothing', async () => {
  const b = await startTestBranch();
  try {
    const teller = await b.login('T01', '1');
    const issued: string[] = [];
    const pages = b.app.db.pragma('page_count', { simple: true }) as number;
    b.app.db.pragma(`max_page_count = ${pages}`);
    let full: { status: number; body: any } | undefined;
    for (let i = 0; i < 5000 && !full; i++) {
      const r = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
      if (r.status === 201) issued.push(r.body.number);
      else full = r;
    }
    assert.ok(full, 'the database never filled up');
    assert.equal(full.status, 503);
    assert.equal(full.body.error.code, 'STORAGE_FULL');
    assert.match(full.body.error.message, /disk is full/);

    // Nothing changed in memory either: the queue still has exactly the answered tickets.
    const q = await b.api('GET', '/api/queue');
    assert.equal(q.body.services.find((s: { code: string }) => s.code === 'A').waiting, issued.length);
    // A call cannot be written either, and leaves the ticket waiting.
    const call = await b.api('POST', '/api/counters/1/next', { token: teller });
    assert.equal(call.status, 503);
    assert.equal(call.body.error.code, 'STORAGE_FULL');
    const q2 = await b.api('GET', '/api/queue');
    assert.equal(q2.body.counters.find((c: { id: string }) => c.id === '1').currentTicket, null);

    // Space is back: numbering goes on from the last answered ticket, none skipped or repeated.
    b.app.db.pragma('max_page_count = 1073741823');
    const next = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
    assert.equal(next.status, 201);
    const last = Number(issued.at(-1)!.slice(1));
    assert.equal(next.body.number, `A${String(last + 1).padStart(3, '0')}`);
    assert.equal(b.app.db.pragma('quick_check', { simple: true }), 'ok');
  } finally {
    await b.close();
  }
});

test("the alert monitor's writes go through the same write path: a full disk is STORAGE_FULL, logged, and no alert half-exists", async () => {
  const logs = captureLogs();
  const b = await startTestBranch({ manualClock: MONDAY_10AM, log: logs.log });
  try {
    const issued = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
    assert.equal(issued.status, 201);
    const alerts = b.app.insights.alerts;
    assert.deepEqual(alerts.evaluate().raised, [], 'nobody has waited long yet');

    // Fill the database's last pages with events of the queue stream, as alerts are, until
    // SQLite refuses: from here on the next queue event cannot be written. Each event is
    // committed on its own (flush), as events that come one by one over time are: within one
    // batch, the refused write would undo the whole batch and free its pages again.
    b.app.db.pragma(`max_page_count = ${b.app.db.pragma('page_count', { simple: true }) as number}`);
    let refused: unknown;
    for (let i = 0; i < 100_000 && refused === undefined; i++) {
      try {
        b.app.service.record([draft('alert.cleared', b.now(), { alertId: `fill-${i}`, key: 'fill' })]);
        b.app.service.flush();
      } catch (e) {
        refused = e;
      }
    }
    assert.ok(isDomainError(refused) && refused.code === 'STORAGE_FULL', `the fill ended with ${String(refused)}`);

    // The ticket has now waited past its service's 15-minute target: an alert is due.
    b.advance(16 * 60_000);
    let failed: unknown;
    try {
      alerts.evaluate();
    } catch (e) {
      failed = e;
    }
    assert.ok(isDomainError(failed), `a domain error, not SQLite's own: ${String(failed)}`);
    assert.equal(failed.code, 'STORAGE_FULL');
    assert.match(failed.message, /disk is full/);
    assert.deepEqual(b.app.insights.store.activeAlerts(), [], 'the alert row rolled back with its event');
    assert.ok(logs.text().includes('"code":"STORAGE_FULL"'), 'the refused write is logged');

    // Space is back: the same evaluation raises the alert, row and event together.
    b.app.db.pragma('max_page_count = 1073741823');
    const { raised } = alerts.evaluate();
    assert.equal(raised.length, 1);
    assert.equal(raised[0]!.kind, 'wait_over_target');
    assert.equal(b.app.insights.store.activeAlerts().length, 1);
    const events = await b.api('GET', '/api/events?after=0&limit=1000', { token: await b.login('S01') });
    assert.equal(events.body.filter((e: { type: string }) => e.type === 'alert.raised').length, 1);
  } finally {
    await b.close();
  }
});

/**
 * A full disk: SQLite answers SQLITE_FULL (forced here with max_page_count, the same error a
 * full file system gives). The request gets a clear 503, nothing half-happens, no number is
 * used up, and once space is back the queue goes on where it was.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { startTestBranch } from '../support/branch.js';

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

/**
 * Group commit (decision record 0002): the commands of one turn of the event loop share one
 * transaction and one fsync; nothing about them leaves the service before that commit; a batch
 * that cannot be committed undoes every command in it. Checked against the real database file
 * through a second connection, which sees only what is committed.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isDomainError } from '../../common/errors.js';
import { createOutbox } from '../../db/outbox.js';
import type { BranchEvent } from '../../core/events.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';

function committedTickets(b: TestBranch): number {
  const db = new Database(join(b.dataDir, 'branch.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM tickets').pluck().get() as number;
  } finally {
    db.close();
  }
}

const waitingIn = async (b: TestBranch, code: string): Promise<number> =>
  (await b.api('GET', '/api/queue')).body.services.find((s: { code: string }) => s.code === code).waiting;

test('the commands of one turn are committed together, and their events published, once durable', async () => {
  const b = await startTestBranch();
  try {
    const published: BranchEvent[] = [];
    b.app.service.hub.subscribe((e) => published.push(e));
    const before = committedTickets(b);
    const numbers = [0, 1, 2].map(() => (b.app.service.issue({ serviceCode: 'A' }).body as { number: string }).number);
    assert.deepEqual(numbers, ['A001', 'A002', 'A003'], 'each command decided on the one before it');
    // Not on disk yet, and nothing has left the service.
    assert.equal(committedTickets(b), before);
    assert.equal(published.length, 0);
    assert.equal(b.app.service.eventsAfter(0, 1000).filter((e) => e.type === 'ticket.issued').length, 0, 'the replay offers no event before it is durable');

    await b.app.service.durable();
    assert.equal(committedTickets(b), before + 3);
    assert.deepEqual(
      published.filter((e) => e.type === 'ticket.issued').map((e) => e.data.ticket.number),
      ['A001', 'A002', 'A003'],
    );
    assert.equal(b.app.service.eventsAfter(0, 1000).filter((e) => e.type === 'ticket.issued').length, 3);
  } finally {
    await b.close();
  }
});

test('every answer over HTTP arrives after its ticket is committed, also with 16 clients at once', async () => {
  const b = await startTestBranch();
  const db = new Database(join(b.dataDir, 'branch.db'), { readonly: true, fileMustExist: true });
  try {
    const exists = db.prepare('SELECT COUNT(*) FROM tickets WHERE id = ?').pluck();
    const answers = await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const r = await b.api('POST', '/api/tickets', { body: { serviceCode: 'ABCDEFG'[i % 7] } });
        // Read the moment the answer is in: a connection of its own sees only committed rows.
        return { status: r.status, number: r.body.number as string, committed: exists.get(r.body.id) as number };
      }),
    );
    for (const a of answers) {
      assert.equal(a.status, 201);
      assert.equal(a.committed, 1, `${a.number} was answered before it was committed`);
    }
    assert.equal(new Set(answers.map((a) => a.number)).size, 16);
  } finally {
    db.close();
    await b.close();
  }
});

test('a batch that cannot be committed undoes all of its commands: memory, events and numbers', async () => {
  const b = await startTestBranch();
  try {
    const first = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
    assert.equal(first.body.number, 'A001');
    const published: BranchEvent[] = [];
    b.app.service.hub.subscribe((e) => published.push(e));

    // The disk fills up in the middle of a turn: the tickets decided before the refused write
    // in the same batch go too (SQLite rolls the whole transaction back). A long turn commits
    // every few hundred commands, so batches before the failing one may have been committed.
    b.app.db.pragma(`max_page_count = ${b.app.db.pragma('page_count', { simple: true }) as number}`);
    const answered: string[] = [];
    let refused: unknown;
    let batch: Promise<void> | undefined;
    for (let i = 0; i < 100_000 && refused === undefined; i++) {
      try {
        answered.push((b.app.service.issue({ serviceCode: 'A' }).body as { number: string }).number);
        batch = b.app.service.durable();
      } catch (e) {
        refused = e;
      }
    }
    assert.ok(isDomainError(refused) && refused.code === 'STORAGE_FULL', `the batch ended with ${String(refused)}`);
    assert.ok(batch && answered.length > 0, 'some tickets were decided before the disk was full');
    await assert.rejects(batch, (e: unknown) => isDomainError(e) && e.code === 'STORAGE_FULL', 'whoever waited for the batch learns it failed');
    const committed = committedTickets(b);
    assert.ok(committed < 1 + answered.length, 'the tickets of the lost batch are not in the database');
    const went = published.filter((e) => e.type === 'ticket.issued').map((e) => e.data.ticket.number);
    assert.deepEqual(went, answered.slice(0, committed - 1), 'only events of committed batches went out');

    b.app.db.pragma('max_page_count = 1073741823');
    assert.equal(await waitingIn(b, 'A'), committed, 'memory was rebuilt from the database');
    const next = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
    assert.equal(next.status, 201);
    assert.equal(next.body.number, `A${String(committed + 1).padStart(3, '0')}`, 'numbering goes on after the last committed ticket');
  } finally {
    await b.close();
  }
});

test("head office's outbox offers only durable events: none of a batch still waiting for its fsync", async () => {
  const b = await startTestBranch();
  try {
    const outbox = createOutbox(b.app.db, { getMeta: () => undefined, setMeta: () => undefined }, () => b.app.service.branchId, () => b.app.service.durableEventId());
    await b.app.service.durable();
    const before = outbox.heads().get('queue') ?? 0;
    b.app.service.issue({ serviceCode: 'A' });
    b.app.service.issue({ serviceCode: 'B' });
    // The connection sees the batch's rows, but the outbox does not offer them yet.
    assert.equal(outbox.heads().get('queue') ?? 0, before);
    assert.deepEqual(outbox.after('queue', before, 100), []);
    await b.app.service.durable();
    assert.deepEqual(
      outbox.after('queue', before, 100).filter((e) => e.type === 'ticket.issued').map((e) => e.data.ticket.number),
      ['A001', 'B001'],
    );
  } finally {
    await b.close();
  }
});

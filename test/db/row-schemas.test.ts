/**
 * Every read from SQLite goes through a schema: a real database file is damaged behind the
 * store's back (a hand edit, a bad restore), and the next read fails with DB_ROW_INVALID naming
 * the table, the row's key and the field, and reports it to the log. Nothing is cast through.
 */
import { afterEach, beforeEach, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isDomainError, type DomainError } from '../../common/errors.js';
import { QueueEngine, type Outcome } from '../../core/engine.js';
import { draft } from '../../core/events.js';
import { createBranchStore, type BranchStore } from '../../db/branch-store.js';
import { createInsightsStore } from '../../db/insights-store.js';
import { openDatabase } from '../../db/open-database.js';
import { captureLogs } from '../support/logs.js';
import { startTestBranch } from '../support/branch.js';
import { testConfig } from '../support/engine.js';

const START = Date.UTC(2026, 10, 30, 2, 0); // 10:00 in Shanghai

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rows-'));
  path = join(dir, 'branch.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A branch database with a few committed commands, closed again. Returns the first ticket's id. */
function seedDatabase(): { ticketId: string } {
  const store = createBranchStore(openDatabase(path));
  store.setMeta('branch_id', 't1');
  let ids = 0;
  const engine = new QueueEngine(testConfig(), store.loadSnapshot('2026-11-30'), () => `t${++ids}`, START);
  const run = <R>(out: Outcome<R>): R => {
    store.commit(out, 't1');
    engine.apply(out);
    return out.result;
  };
  const first = run(engine.issue({ serviceCode: 'A' }, START));
  run(engine.open('1', { staffId: 'T01' }, START));
  run(engine.callNext('1', { staffId: 'T01' }, START + 60_000));
  run(engine.issue({ serviceCode: 'B', segment: 'vip1' }, START + 120_000));
  store.upsertStaff({ id: 'T01', name: 'Teller', roles: ['teller'], counters: ['1'], pinHash: 'x', active: true });
  store.close();
  return { ticketId: first.id };
}

/** Changes the file with a plain SQLite connection, as a hand edit or a bad restore would. */
function damage(sql: string, ...params: unknown[]): void {
  const raw = new Database(path);
  raw.prepare(sql).run(...params);
  raw.close();
}

function reopen(): { store: BranchStore; reported: DomainError[] } {
  const reported: DomainError[] = [];
  return { store: createBranchStore(openDatabase(path), { reportRowError: (e) => reported.push(e) }), reported };
}

/** Asserts DB_ROW_INVALID naming the table, the key and the field (its path, as zod reports it). */
function assertRowError(fn: () => unknown, table: string, key: string, field: string): DomainError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(isDomainError(caught), `expected a DomainError, got ${String(caught)}`);
  assert.equal(caught.code, 'DB_ROW_INVALID');
  assert.ok(caught.message.includes(`table ${table}, ${key}: `), caught.message);
  assert.ok(caught.message.includes(`${field}: `), caught.message);
  assert.match(caught.message, /Restore the database from a backup or call IT/);
  const details = caught.details as { table: string; key: string; fields: string[] };
  assert.equal(details.table, table);
  assert.equal(details.key, key);
  assert.ok(details.fields.some((f) => f.startsWith(`${field}: `)), JSON.stringify(details.fields));
  return caught;
}

describe('rows read back from a real SQLite file are checked', () => {
  test('an undamaged database reads back exactly what was committed', () => {
    const { ticketId } = seedDatabase();
    const { store, reported } = reopen();
    try {
      const snap = store.loadSnapshot('2026-11-30');
      assert.equal(snap.tickets.length, 2);
      assert.equal(store.ticket(ticketId)?.status, 'called');
      assert.equal(snap.counters[0]?.currentTicketId, ticketId);
      assert.deepEqual(store.staff('T01')?.roles, ['teller']);
      assert.equal(store.eventsAfter(0, 100).length, 4);
      assert.deepEqual(reported, []);
    } finally {
      store.close();
    }
  });

  test("a ticket whose JSON has an unknown status: table, id and the field are named, and it is reported", () => {
    const { ticketId } = seedDatabase();
    damage(`UPDATE tickets SET data = json_set(data, '$.status', 'lost') WHERE id = ?`, ticketId);
    const { store, reported } = reopen();
    try {
      const e = assertRowError(() => store.loadSnapshot('2026-11-30'), 'tickets', `id=${ticketId}`, 'data.status');
      assertRowError(() => store.ticket(ticketId), 'tickets', `id=${ticketId}`, 'data.status');
      assert.equal(reported.length, 2, 'each failed read is reported where it is found');
      assert.equal(reported[0], e);
    } finally {
      store.close();
    }
  });

  test('a ticket estimate whose range is not a number is refused, not passed on as a string', () => {
    const { ticketId } = seedDatabase();
    damage(`UPDATE tickets SET data = json_set(data, '$.estimate.minMinutes', 'soon') WHERE id = ?`, ticketId);
    const { store } = reopen();
    try {
      assertRowError(() => store.ticket(ticketId), 'tickets', `id=${ticketId}`, 'data.estimate.minMinutes');
    } finally {
      store.close();
    }
  });

  test('a counter whose JSON is cut off: "not valid JSON", with the counter named', () => {
    seedDatabase();
    damage(`UPDATE counters SET data = substr(data, 1, 20) WHERE id = '1'`);
    const { store } = reopen();
    try {
      const e = assertRowError(() => store.loadSnapshot('2026-11-30'), 'counters', 'id=1', 'data');
      assert.match(e.message, /data: is not valid JSON/);
    } finally {
      store.close();
    }
  });

  test('a staff member with a role that does not exist, and an active flag that is not 0 or 1', () => {
    seedDatabase();
    damage(`UPDATE staff SET roles = '["teller","boss"]' WHERE id = 'T01'`);
    const { store } = reopen();
    try {
      assertRowError(() => store.staff('T01'), 'staff', 'id=T01', 'roles[1]');
      damage(`UPDATE staff SET roles = '["teller"]', active = 7 WHERE id = 'T01'`);
      assertRowError(() => store.listStaff(), 'staff', 'id=T01', 'active');
    } finally {
      store.close();
    }
  });

  test('events read back are checked against their type: a called event without its counter is refused', () => {
    seedDatabase();
    damage(`UPDATE events SET data = json_remove(data, '$.counterId') WHERE type = 'ticket.called'`);
    const { store } = reopen();
    try {
      const id = new Database(path, { readonly: true }).prepare(`SELECT id FROM events WHERE type = 'ticket.called'`).pluck().get();
      assertRowError(() => store.eventsAfter(0, 100), 'events', `id=${String(id)}`, 'data.counterId');
      // The events before it are fine, and a page that stops before it reads.
      assert.equal(store.eventsAfter(0, 2).length, 2);
    } finally {
      store.close();
    }
  });

  test('an event of a type this version does not know is refused', () => {
    seedDatabase();
    damage(`UPDATE events SET type = 'ticket.teleported' WHERE id = 1`);
    const { store } = reopen();
    try {
      assertRowError(() => store.eventsAfter(0, 100), 'events', 'id=1', 'type');
    } finally {
      store.close();
    }
  });

  test('an alert row with a kind that does not exist', () => {
    seedDatabase();
    const db = openDatabase(path);
    const reported: DomainError[] = [];
    const insights = createInsightsStore(db, { reportRowError: (e) => reported.push(e) });
    try {
      insights.insertAlert({ id: 'a1', key: 'wait:A', kind: 'wait_over_target', severity: 'warning', message: { zh: '等待', en: 'Wait' }, raisedAt: START });
      assert.equal(insights.activeAlerts().length, 1);
      db.prepare(`UPDATE alerts SET kind = 'coffee_low' WHERE id = 'a1'`).run();
      assertRowError(() => insights.activeAlerts(), 'alerts', 'id=a1', 'kind');
      db.prepare(`UPDATE alerts SET kind = 'wait_over_target', data = '{"message":{"zh":"等待"}}' WHERE id = 'a1'`).run();
      assertRowError(() => insights.alert('a1'), 'alerts', 'id=a1', 'data.message.en');
      assert.equal(reported.length, 2);
    } finally {
      db.close();
    }
  });

  test("ticket facts for the dashboard: a ticket's JSON with a waiting count that is not a number", () => {
    const { ticketId } = seedDatabase();
    damage(`UPDATE tickets SET data = json_set(data, '$.ahead', 'many') WHERE id = ?`, ticketId);
    const db = openDatabase(path);
    try {
      const insights = createInsightsStore(db);
      assertRowError(() => insights.ticketFacts('2026-11-30', '2026-11-30'), 'tickets', `id=${ticketId}`, 'ahead');
    } finally {
      db.close();
    }
  });
});

describe('events are checked before they are written', () => {
  test('an event that does not match its schema is refused with EVENT_INVALID and nothing is written', () => {
    seedDatabase();
    const { store } = reopen();
    try {
      const before = store.lastEventId();
      const bad = draft('device.status', START, { device: { id: 'printer-1', kind: 'printer', uri: 'sim', state: 'online', since: 'now' } });
      // A device adapter that lost a field: the schema catches what the type would have.
      delete (bad.data as { device: { state?: string } }).device.state;
      assert.throws(
        () => store.appendEvents([draft('config.applied', START, { hash: 'h', source: 'x', services: 1, counters: 1 }), bad], 't1'),
        (e: unknown) => isDomainError(e) && e.code === 'EVENT_INVALID' && /device\.state/.test(e.message),
      );
      assert.equal(store.lastEventId(), before, 'the valid event of the same batch was not written either');
      // The stream heads did not move: the next event continues the sequence without a gap.
      const [next] = store.appendEvents([draft('config.applied', START, { hash: 'h', source: 'x', services: 1, counters: 1 })], 't1');
      assert.equal(next?.seq, 1);
    } finally {
      store.close();
    }
  });
});

test('through the service: a damaged event row answers 500 DB_ROW_INVALID and is logged with its table and key', async () => {
  const logs = captureLogs();
  const b = await startTestBranch({ log: logs.log });
  try {
    const supervisor = await b.login('S01');
    const issued = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
    assert.equal(issued.status, 201);
    const good = await b.api('GET', '/api/events?after=0', { token: supervisor });
    assert.equal(good.status, 200);
    const row = good.body.find((e: { type: string }) => e.type === 'ticket.issued');
    b.app.db.prepare(`UPDATE events SET data = json_set(data, '$.ticket.number', 17) WHERE id = ?`).run(row.id);
    const bad = await b.api('GET', '/api/events?after=0', { token: supervisor });
    assert.equal(bad.status, 500);
    assert.equal(bad.body.error.code, 'DB_ROW_INVALID');
    assert.match(bad.body.error.message, new RegExp(`table events, id=${row.id}: data\\.ticket\\.number`));
    assert.equal(bad.body.error.details, undefined, 'the internals stay in the log');
    const logged = logs
      .text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { code?: string; details?: { table: string; key: string } });
    assert.ok(logged.some((l) => l.code === 'DB_ROW_INVALID' && l.details?.table === 'events' && l.details.key === `id=${row.id}`), logs.text());
  } finally {
    await b.close();
  }
});

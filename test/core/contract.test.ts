/**
 * One contract: what the engine writes is exactly what the schemas describe. Every ticket,
 * counter state, number sequence and event the engine produces over a day of every command
 * passes its schema unchanged (nothing stripped, nothing added), so a field added to the
 * engine without its schema fails here instead of vanishing when a row or event is read back.
 * And events come back from a real database equal to what was published.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueEngine, type Outcome } from '../../core/engine.js';
import { eventDataSchemas, parseEvent, type BranchEvent, type EventDraft } from '../../core/events.js';
import { counterStateSchema, numberSequenceSchema, ticketSchema } from '../../core/types.js';
import { createBranchStore } from '../../db/branch-store.js';
import { openDatabase } from '../../db/open-database.js';
import { testConfig } from '../support/engine.js';

const START = Date.UTC(2026, 10, 30, 2, 0);
const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
const MIN = 60_000;

/** Every command of the engine once or more, with the outcomes kept. */
function aDayOfEveryCommand(commit: (out: Outcome) => void): void {
  let ids = 0;
  const engine = new QueueEngine(testConfig(), { tickets: [], counters: [], sequences: [] }, () => `t${++ids}`, START);
  let now = START;
  const run = <R>(decide: (t: number) => Outcome<R>): R => {
    const roll = engine.rollover(now);
    if (roll) {
      commit(roll);
      engine.apply(roll);
    }
    const out = decide(now);
    commit(out);
    engine.apply(out);
    now += MIN;
    return out.result;
  };
  const t1 = { staffId: 'T01' };
  const t2 = { staffId: 'T02' };
  run((n) => engine.open('1', t1, n));
  run((n) => engine.open('2', t2, n));
  for (let i = 0; i < 6; i++) run((n) => engine.issue({ serviceCode: i % 2 ? 'B' : 'A', segment: i === 3 ? 'vip1' : 'regular', channel: i === 4 ? 'lobby' : 'kiosk' }, n));
  run((n) => engine.callNext('1', t1, n));
  run((n) => engine.recall('1', t1, n));
  run((n) => engine.start('1', t1, n));
  run((n) => engine.complete('1', t1, n));
  const gone = run((n) => engine.callNext('1', t1, n));
  run((n) => engine.noShow('1', t1, n));
  if (gone) run((n) => engine.rejoin(gone.id, t1, n));
  run((n) => engine.callNext('2', t2, n));
  run((n) => engine.transfer('2', 'C', t2, n));
  run((n) => engine.callNext('1', t1, n));
  run((n) => engine.putBack('1', t1, n));
  run((n) => engine.callNext('1', t1, n));
  run((n) => engine.start('1', t1, n));
  run((n) => engine.callNext('1', t1, n)); // "next" completes the ticket being served
  run((n) => engine.complete('1', t1, n));
  const stillWaiting = engine.activeTickets().find((t) => t.status === 'waiting');
  if (stillWaiting) run((n) => engine.move(stillWaiting.id, stillWaiting.serviceCode === 'A' ? 'B' : 'A', t2, n));
  run((n) => engine.pause('1', 'break', t1, n));
  run((n) => engine.resume('1', t1, n));
  const waiting = engine.activeTickets().find((t) => t.status === 'waiting');
  if (waiting) run((n) => engine.cancel(waiting.id, 'left', t2, n));
  run((n) => engine.close('1', t1, n));
  now += 24 * 60 * MIN; // the next day: the rollover closes what was left
  run((n) => engine.issue({ serviceCode: 'A' }, n));
}

test('every record and event the engine writes passes its schema unchanged', () => {
  const outcomes: Outcome[] = [];
  aDayOfEveryCommand((o) => outcomes.push(o));
  const types = new Set<string>();
  let estimates = 0;
  for (const o of outcomes) {
    for (const t of o.tickets) {
      assert.deepEqual(ticketSchema.parse(t), t, `ticket ${t.number} (${t.status})`);
      if (t.estimate?.expectedMinutes !== undefined) estimates++;
    }
    for (const c of o.counters) assert.deepEqual(counterStateSchema.parse(c), c);
    for (const s of o.sequences) assert.deepEqual(numberSequenceSchema.parse(s), s);
    for (const e of o.events) {
      types.add(e.type);
      assert.deepEqual(eventDataSchemas[e.type].parse(e.data), e.data, e.type);
    }
  }
  // The estimate's points are part of the contract (the dashboard's accuracy reads them).
  assert.ok(estimates > 0, 'tickets keep the estimator\'s point estimate');
  for (const type of ['ticket.issued', 'ticket.called', 'ticket.recalled', 'ticket.started', 'ticket.completed', 'ticket.no_show', 'ticket.returned', 'ticket.rejoined', 'ticket.transferred', 'ticket.cancelled', 'counter.opened', 'counter.paused', 'counter.resumed', 'counter.closed', 'day.closed']) {
    assert.ok(types.has(type), `the day produced a ${type} event`);
  }
});

test('events read back from a real database equal what was published, and pass parseEvent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'contract-'));
  try {
    const store = createBranchStore(openDatabase(join(dir, 'branch.db')));
    store.setMeta('branch_id', 't1');
    const published: BranchEvent[] = [];
    const drafts: EventDraft[] = [];
    aDayOfEveryCommand((o) => {
      drafts.push(...o.events);
      published.push(...store.commit(o, 't1'));
    });
    const back = store.eventsAfter(0, 1000);
    assert.equal(back.length, drafts.length);
    // As JSON (what the stream and head office get), where a field set to undefined is absent.
    assert.deepEqual(plain(back), plain(published));
    for (const [i, e] of back.entries()) {
      assert.deepEqual(parseEvent(plain(e)), e);
      assert.deepEqual(plain(e.data), plain(drafts[i]!.data), 'the stored data is the engine\'s, field for field');
    }
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseEvent refuses an event from outside whose data does not fit its type, naming the field', () => {
  const ok = { id: 1, stream: 'queue', seq: 1, type: 'day.closed', v: 1, at: new Date(START).toISOString(), branch: 't1', data: { businessDay: '2026-11-30', cancelled: 0 } };
  assert.deepEqual(parseEvent(ok).data, { businessDay: '2026-11-30', cancelled: 0 });
  assert.throws(
    () => parseEvent({ ...ok, data: { businessDay: '2026-11-30', cancelled: 'none' } }),
    (e: unknown) => e instanceof Error && /data.*cancelled|cancelled/.test(JSON.stringify((e as { issues?: unknown }).issues)),
  );
  assert.throws(() => parseEvent({ ...ok, type: 'ticket.teleported' }));
});

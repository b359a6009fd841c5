/**
 * The teller console's pure parts: how its counter's state follows the stream and the answers
 * to its own actions, and the pending Idempotency-Keys that make a retried action act once.
 * The events are the engine's own, so the console is tested against the real contract.
 */
import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import type { Outcome } from '../../core/engine.js';
import type { BranchEvent, EventDraft } from '../../core/events.js';
import { answerNote, applyAnswer, applyEvent, changesWaiting, type CounterView } from '../../renderer/teller/counter-state.js';
import { actionId, PendingKeys, type KeyStorage } from '../../renderer/teller/pending-keys.js';
import { EngineHarness } from '../support/engine.js';

/** Engine outcomes as the stream would send their events. */
function streamOf(h: EngineHarness): { run<R>(decide: (now: number) => Outcome<R>): BranchEvent[] } {
  let id = 0;
  const asEvent = (d: EventDraft): BranchEvent => ({ ...d, id: ++id, stream: 'queue', seq: id, v: 1, at: new Date(d.at).toISOString(), branch: 't1' });
  return {
    run(decide) {
      const before = h.events.length;
      h.run(decide);
      return h.events.slice(before).map(asEvent);
    },
  };
}

const fold = (state: CounterView, events: BranchEvent[], counter: string) => events.reduce((s, e) => applyEvent(s, e, counter), state);

describe('the console follows its counter from the stream', () => {
  test('a call, recall, start and completion at this counter (e.g. from its call pad)', () => {
    const h = new EngineHarness();
    const s = streamOf(h);
    const actor = { staffId: 's1' };
    let view: CounterView = { status: 'closed', ticket: null };
    view = fold(view, s.run((n) => h.engine.open('1', actor, n)), '1');
    assert.equal(view.status, 'open');
    h.issue('A');
    const called = s.run((n) => h.engine.callNext('1', actor, n));
    view = fold(view, called, '1');
    assert.equal(view.ticket?.number, 'A001');
    assert.equal(view.ticket?.status, 'called');
    assert.equal(view.ticket?.callReason?.rule, 'fifo');
    view = fold(view, s.run((n) => h.engine.recall('1', actor, n)), '1');
    assert.equal(view.ticket?.recalls, 1);
    h.tick(2);
    view = fold(view, s.run((n) => h.engine.start('1', actor, n)), '1');
    assert.equal(view.ticket?.status, 'serving');
    assert.equal(view.ticket?.waitedSeconds, 0, 'called the moment it was issued');
    view = fold(view, s.run((n) => h.engine.complete('1', actor, n)), '1');
    assert.equal(view.ticket, null);
  });

  test("another counter's events leave this counter's state as it is (the same object)", () => {
    const h = new EngineHarness();
    const s = streamOf(h);
    h.issue('B');
    const view: CounterView = { status: 'open', ticket: null };
    for (const e of [...s.run((n) => h.engine.open('2', { staffId: 's2' }, n)), ...s.run((n) => h.engine.callNext('2', { staffId: 's2' }, n))]) {
      assert.equal(applyEvent(view, e, '1'), view, e.type);
    }
  });

  test('pause with its reason, resume, close; a ticket transferred away leaves the counter', () => {
    const h = new EngineHarness();
    const s = streamOf(h);
    const actor = { staffId: 's1' };
    let view = fold({ status: 'closed', ticket: null }, s.run((n) => h.engine.open('1', actor, n)), '1');
    view = fold(view, s.run((n) => h.engine.pause('1', 'break', actor, n)), '1');
    assert.deepEqual([view.status, view.pauseReason], ['paused', 'break']);
    view = fold(view, s.run((n) => h.engine.resume('1', actor, n)), '1');
    assert.deepEqual([view.status, view.pauseReason], ['open', undefined]);
    h.issue('A');
    view = fold(view, s.run((n) => h.engine.callNext('1', actor, n)), '1');
    const moved = s.run((n) => h.engine.transfer('1', 'C', actor, n));
    view = fold(view, moved, '1');
    assert.equal(view.ticket, null);
    view = fold(view, s.run((n) => h.engine.close('1', actor, n)), '1');
    assert.equal(view.status, 'closed');
  });

  test('a completion of a ticket that is no longer shown does not clear the one that is', () => {
    const h = new EngineHarness();
    const s = streamOf(h);
    const actor = { staffId: 's1' };
    h.open('1');
    h.issue('A');
    const first = s.run((n) => h.engine.callNext('1', actor, n));
    const done = s.run((n) => h.engine.complete('1', actor, n));
    h.issue('A');
    const second = s.run((n) => h.engine.callNext('1', actor, n));
    // The console reloaded after the second call, then an old completion arrives late.
    const view = fold({ status: 'open', ticket: null }, second, '1');
    assert.equal(fold(view, done, '1').ticket?.number, 'A002');
    assert.ok(first.length > 0);
  });

  test('which events reload the waiting counts', () => {
    const h = new EngineHarness();
    const s = streamOf(h);
    for (const e of s.run((n) => h.engine.issue({ serviceCode: 'A' }, n))) assert.equal(changesWaiting(e), true);
    const deviceEvent: BranchEvent = { id: 99, stream: 'device', seq: 1, v: 1, at: '', branch: 't1', type: 'device.card_read', data: { deviceId: 'r1', segment: 'vip1' } };
    assert.equal(changesWaiting(deviceEvent), false);
  });
});

describe('the console after the answer to its own action', () => {
  const open: CounterView = { status: 'open', ticket: null };
  const ticket = { id: 't1', number: 'A001', serviceCode: 'A', segment: 'regular', status: 'called' as const, recalls: 0, waitedSeconds: 30 };

  test('next: the called ticket, or nobody waiting (204) with a note', () => {
    assert.equal(applyAnswer(open, 'next', { ticket }).ticket?.number, 'A001');
    assert.equal(answerNote('next', { ticket }), undefined);
    assert.equal(applyAnswer({ ...open, ticket }, 'next', null).ticket, null);
    assert.match(answerNote('next', null) ?? '', /Nobody is waiting/);
  });

  test('complete, no-show and transfer clear the counter; transfer names the new number', () => {
    for (const a of ['complete', 'no-show', 'transfer'] as const) assert.equal(applyAnswer({ ...open, ticket }, a, { ticket }).ticket, null);
    assert.match(answerNote('transfer', { ticket: { ...ticket, number: 'C001' } }) ?? '', /C001/);
  });

  test('pause and resume take the counter from the answer', () => {
    const paused = applyAnswer(open, 'pause', { counter: { status: 'paused', pauseReason: 'break' } });
    assert.deepEqual([paused.status, paused.pauseReason], ['paused', 'break']);
    const resumed = applyAnswer(paused, 'resume', { counter: { status: 'open' } });
    assert.deepEqual([resumed.status, resumed.pauseReason], ['open', undefined]);
  });
});

describe('pending Idempotency-Keys', () => {
  const memoryStorage = (): KeyStorage & { data: Map<string, string> } => {
    const data = new Map<string, string>();
    return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
  };
  const counterKeys = () => {
    let n = 0;
    return () => `k-${++n}`;
  };

  test('an unanswered action keeps its key, also across a reload; an answered one gets a new key next time', () => {
    const storage = memoryStorage();
    const newKey = counterKeys();
    const next = actionId('3', 'next');
    const first = new PendingKeys(storage, newKey).take(next);
    // The page reloads (a new PendingKeys on the same storage) and "next" is pressed again.
    const afterReload = new PendingKeys(storage, newKey);
    assert.equal(afterReload.take(next), first);
    assert.deepEqual(afterReload.pending(), [next]);
    afterReload.forget(next);
    assert.notEqual(afterReload.take(next), first);
  });

  test('the same action with another choice, or at another counter, is another action', () => {
    const keys = new PendingKeys(memoryStorage(), counterKeys());
    const toB = keys.take(actionId('3', 'transfer', { serviceCode: 'B' }));
    const toC = keys.take(actionId('3', 'transfer', { serviceCode: 'C' }));
    const other = keys.take(actionId('4', 'transfer', { serviceCode: 'B' }));
    assert.equal(new Set([toB, toC, other]).size, 3);
    assert.equal(keys.take(actionId('3', 'transfer', { serviceCode: 'B' })), toB);
  });

  test('storage that fails or holds something else: keys live in the page, never a foreign key', () => {
    const broken: KeyStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const keys = new PendingKeys(broken, counterKeys());
    const k = keys.take('3/next/null');
    assert.equal(keys.take('3/next/null'), k);
    const foreign = memoryStorage();
    foreign.setItem('branch-queue.teller.pending', JSON.stringify({ '3/next/null': 42 }));
    assert.equal(new PendingKeys(foreign, () => 'fresh').take('3/next/null'), 'fresh');
    const unparsable = memoryStorage();
    unparsable.setItem('branch-queue.teller.pending', '{oops');
    assert.equal(new PendingKeys(unparsable, () => 'fresh2').take('3/next/null'), 'fresh2');
  });
});

import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { gatherEstimateInput, ServiceTimes } from '../../core/estimate-inputs.js';
import { EngineHarness, testConfig } from '../support/engine.js';
import type { ServiceDef, Ticket } from '../../core/types.js';

describe('the wait estimate inputs', () => {
  test('service times: the configured typical time until one is learned, then a running mean', () => {
    const services = new Map<string, ServiceDef>(testConfig().services.map((s) => [s.code, s]));
    const times = new ServiceTimes(services);
    assert.equal(times.meanMinutes('A'), 4);
    assert.equal(times.meanMinutes('Z'), 5);
    const done = (minutes: number, status: Ticket['status'] = 'done') =>
      ({ serviceCode: 'A', status, calledAt: 0, startedAt: 60_000, endedAt: 60_000 + minutes * 60_000 }) as Ticket;
    times.learn(done(10, 'no_show'));
    assert.equal(times.meanMinutes('A'), 4, 'only finished services teach');
    times.learn(done(10));
    assert.equal(times.meanMinutes('A'), 10);
    times.learn(done(20));
    assert.equal(times.meanMinutes('A'), 11, 'the newest time weighs a tenth');
  });

  test('gathered from the engine: the counters of the service and each line they serve', () => {
    const h = new EngineHarness();
    h.open('1');
    h.issue('A');
    h.issue('A', 'vip1');
    h.issue('B');
    const facts = {
      services: new Map(h.engine.getConfig().services.map((s) => [s.code, s])),
      counterDefs: new Map(h.engine.getConfig().counters.map((c) => [c.id, c])),
      counter: (id: string) => h.engine.counter(id),
      ticket: (id: string) => h.engine.ticket(id),
      isActive: (t: Ticket) => ['waiting', 'called', 'serving'].includes(t.status),
      isPriority: (s: string) => s === 'vip1',
      waitingCount: (code: string) => h.engine.waitingCount(code),
      priorityWaiting: (code: string) => (code === 'A' ? 1 : 0),
      meanServiceMinutes: (code: string) => h.engine.meanServiceMinutes(code),
      arrivalRates: () => ({ all: 0.5, priority: 0.1 }),
    };
    const input = gatherEstimateInput(facts, 'A', 2, 'regular', h.now);
    // Counter 1 (A primary, B secondary) and counter 2 (B primary, A secondary) serve A; 3 does not.
    assert.equal(input.counters.length, 2);
    assert.deepEqual(input.counters.map((c) => [c.status, c.primary, c.secondary]), [
      ['open', ['A'], ['B']],
      ['closed', ['B'], ['A']],
    ]);
    assert.deepEqual(Object.keys(input.lines).sort(), ['A', 'B']);
    assert.equal(input.lines.A!.waiting, 2);
    assert.equal(input.lines.A!.priorityWaiting, 1);
    assert.equal(input.lines.A!.openPrimaryCounters, 1);
    assert.equal(input.lines.B!.openPrimaryCounters, 0);
    assert.equal(input.lines.A!.meanServiceMinutes, 4);
    assert.equal(input.priority, false);
    assert.equal(gatherEstimateInput(facts, 'A', 0, 'vip1', h.now).priority, true);
  });
});

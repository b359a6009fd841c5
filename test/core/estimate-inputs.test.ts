import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { gatherWalkInput, ServiceTimes, type Foresight, type QueueFacts } from '../../core/estimate-inputs.js';
import { EngineHarness, testConfig } from '../support/engine.js';
import type { ServiceDef, Ticket } from '../../core/types.js';

/** The engine's configuration and counters as the estimate sees them; the lines and tickets as each test sets. */
function engineFacts(h: EngineHarness, lines: Pick<QueueFacts, 'ticket' | 'isActive' | 'isPriority' | 'lines'>): QueueFacts {
  const config = h.engine.getConfig();
  return {
    services: new Map(config.services.map((s) => [s.code, s])),
    counterDefs: new Map(config.counters.map((c) => [c.id, c])),
    rules: config.rules,
    counter: (id: string) => h.engine.counter(id),
    meanServiceMinutes: (code: string) => h.engine.meanServiceMinutes(code),
    ...lines,
  };
}

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

  test('gathered from the engine: every counter that serves today with its plan, every line with its customers', () => {
    const h = new EngineHarness();
    h.open('1');
    h.issue('A');
    h.issue('A', 'vip1');
    h.issue('B');
    const facts = engineFacts(h, {
      ticket: (id: string) => h.engine.ticket(id),
      isActive: (t: Ticket) => ['waiting', 'called', 'serving'].includes(t.status),
      isPriority: (s: string) => s === 'vip1',
      lines: (code: string) => ({
        priority: h.engine.activeTickets().filter((t) => t.serviceCode === code && t.status === 'waiting' && t.segment === 'vip1'),
        regular: h.engine.activeTickets().filter((t) => t.serviceCode === code && t.status === 'waiting' && t.segment !== 'vip1'),
      }),
    });
    const planned: string[] = [];
    const foresight: Foresight = {
      localMinutes: () => 600,
      serviceMinutesByHour: (_code, fallback) => new Float64Array(24).fill(fallback),
      arrivalRates: () => undefined,
      // Counter 3 is rostered to open in half an hour; counter 2 is not coming today.
      plan: (id, state, busyUntil, now) => {
        planned.push(id);
        if (id === '3') return { freeAt: now + 30 * 60_000, openFrom: now + 30 * 60_000, closeAt: Infinity, breaks: [] };
        return state.status === 'closed' ? undefined : { freeAt: busyUntil, openFrom: now, closeAt: Infinity, breaks: [] };
      },
    };
    const input = gatherWalkInput(facts, foresight, { serviceCode: 'A', segment: 'regular', queuedAt: h.now, issuedAt: h.now, position: 1, inLine: false }, h.now);
    assert.deepEqual(planned.sort(), ['1', '2', '3']);
    assert.deepEqual(input.counters.map((c) => c.services.map((s) => `${s.code}:${s.level}`)), [['A:primary', 'B:secondary'], ['C:primary']]);
    assert.equal(input.counters[1]!.freeAt, h.now + 30 * 60_000);
    assert.deepEqual([...input.lines.keys()].sort(), ['A', 'B', 'C']);
    assert.equal(input.lines.get('A')!.regular.length, 1);
    assert.equal(input.lines.get('A')!.priority.length, 1);
    assert.equal(input.lines.get('A')!.serviceMinutes[10], 4);
    assert.equal(input.lines.get('A')!.targetMinutes, 15);
    assert.equal(input.us.priority, false);
    assert.equal(gatherWalkInput(facts, foresight, { serviceCode: 'A', segment: 'vip1', queuedAt: h.now, issuedAt: h.now, position: 1, inLine: false }, h.now).us.priority, true);
  });

  test('nobody expected to serve the service today: its configured counters are taken to open within a service time', () => {
    const h = new EngineHarness();
    const facts = engineFacts(h, { ticket: () => undefined, isActive: () => false, isPriority: () => false, lines: () => ({ priority: [], regular: [] }) });
    const foresight: Foresight = { localMinutes: () => 600, serviceMinutesByHour: (_c, f) => new Float64Array(24).fill(f), arrivalRates: () => undefined, plan: () => undefined };
    const input = gatherWalkInput(facts, foresight, { serviceCode: 'B', segment: 'regular', queuedAt: h.now, issuedAt: h.now, position: 0, inLine: false }, h.now);
    // Counters 1 (B secondary) and 2 (B primary), each from one B service time (6 minutes).
    assert.deepEqual(input.counters.map((c) => c.freeAt - h.now), [6 * 60_000, 6 * 60_000]);
  });
});

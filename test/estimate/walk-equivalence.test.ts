/**
 * The wait estimator's walk and the reserve-duty ranking are written for speed (no allocation
 * per step, set-up once per walk); these properties hold them to exactly the answers of the
 * straightforward reference (walk-reference.ts) on randomised branches: queues of any length,
 * priority and regular customers, aged ones, counters free, busy, closing, on break or opening
 * later, primary and secondary skills, covering, arrivals by hour, both calling policies.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, test } from 'vitest';
import type { HourlyRates } from '../../core/branch-history.js';
import { walkWait, type QueuedCustomer, type WalkCounter, type WalkInput, type WalkLine } from '../../core/estimate-walk.js';
import type { LineHead } from '../../core/selection-common.js';
import { rankReserve } from '../../core/selection-reserve.js';
import type { QueueRules } from '../../core/types.js';
import { referenceRankReserve, referenceWalkWait } from './walk-reference.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 3, 14, 2, 0);
const CODES = ['A', 'B', 'C', 'D'];

/** Customers in queue order: sorted queue times within the last two hours, some ties. */
const customers = (max: number) =>
  fc.array(fc.integer({ min: 0, max: 120 * 60 }), { maxLength: max }).map((secondsAgo): QueuedCustomer[] =>
    secondsAgo
      .sort((a, b) => b - a)
      .map((s) => ({ queuedAt: NOW - s * 1000, issuedAt: NOW - s * 1000 })),
  );

const hourly = (max: number) => fc.array(fc.double({ min: 0, max, noNaN: true }), { minLength: 24, maxLength: 24 }).map((v) => Float64Array.from(v));

const rates = fc.option(
  fc.tuple(hourly(0.3), hourly(1.2)).map(([priority, regular]): HourlyRates => ({ priority, regular, all: priority.map((p, i) => p + regular[i]!) })),
  { nil: undefined },
);

const line = (maxWaiting: number) =>
  fc.record({
    targetMinutes: fc.integer({ min: 3, max: 40 }),
    thresholdExtra: fc.integer({ min: 0, max: 20 }),
    priority: customers(Math.ceil(maxWaiting / 4)),
    regular: customers(maxWaiting),
    serviceMinutes: hourly(12),
    rates,
  }).map(({ thresholdExtra, ...l }): WalkLine => ({ ...l, thresholdMinutes: l.targetMinutes + thresholdExtra }));

const counter = fc
  .record({
    services: fc.uniqueArray(fc.record({ code: fc.constantFrom(...CODES), level: fc.constantFrom('primary' as const, 'secondary' as const) }), { minLength: 1, maxLength: 4, selector: (s) => s.code }),
    freeIn: fc.integer({ min: 0, max: 30 }),
    openIn: fc.integer({ min: -60, max: 90 }),
    closeIn: fc.option(fc.integer({ min: 10, max: 8 * 60 }), { nil: undefined }),
    closed: fc.boolean(),
    breaks: fc.array(fc.record({ in: fc.integer({ min: -20, max: 300 }), minutes: fc.integer({ min: 5, max: 60 }) }), { maxLength: 3 }),
    streak: fc.integer({ min: 0, max: 4 }),
  })
  .map((c): WalkCounter => {
    const openFrom = NOW + c.openIn * MIN;
    return {
      services: c.services,
      freeAt: c.closed ? Infinity : Math.max(NOW + c.freeIn * MIN, openFrom),
      openFrom,
      closeAt: c.closeIn === undefined ? Infinity : NOW + c.closeIn * MIN,
      breaks: c.breaks.map((b) => ({ at: NOW + b.in * MIN, minutes: b.minutes })).sort((a, b) => a.at - b.at),
      streak: c.streak,
    };
  });

const rules = fc.record({
  tiers: fc.constantFrom('reserve' as const, 'strict' as const),
  fairnessCap: fc.integer({ min: 1, max: 5 }),
  ageing: fc.boolean(),
});

const walkInput = (maxWaiting: number) =>
  fc
    .record({
      lines: fc.uniqueArray(fc.tuple(fc.constantFrom(...CODES), line(maxWaiting)), { minLength: 1, maxLength: 4, selector: ([code]) => code }),
      counters: fc.array(counter, { minLength: 1, maxLength: 8 }),
      rules,
      localMinutes: fc.integer({ min: 0, max: 24 * 60 - 1 }),
      us: fc.record({ code: fc.constantFrom(...CODES), priority: fc.boolean(), inLine: fc.boolean(), at: fc.nat() }),
    })
    .map(({ lines, counters, rules: r, localMinutes, us }): WalkInput => {
      const map = new Map(lines);
      const own = map.get(us.code);
      const side = own ? (us.priority ? own.priority : own.regular) : [];
      // In the line: one of its customers; joining: at its end (or anywhere, as a transfer may).
      const inLine = us.inLine && side.length > 0;
      const position = inLine ? us.at % side.length : us.at % (side.length + 1);
      const me = inLine ? side[position]! : { queuedAt: NOW, issuedAt: NOW };
      const fullRules: QueueRules = { ...r, maxRecalls: 2, maxRejoins: 1, autoCompleteOnNext: true, pauseReasons: [] };
      return { now: NOW, localMinutes, rules: fullRules, lines: map, counters, us: { serviceCode: us.code, priority: us.priority, queuedAt: me.queuedAt, issuedAt: me.issuedAt, position, inLine } };
    });

/** Each walk may change the counters it is given; each gets its own copy. */
const copy = (input: WalkInput): WalkInput => ({ ...input, counters: input.counters.map((c) => ({ ...c, services: c.services.map((s) => ({ ...s })), breaks: c.breaks.map((b) => ({ ...b })) })) });

describe('the optimised walk gives the reference walk’s answers', () => {
  test('on small branches with short queues', () => {
    fc.assert(
      fc.property(walkInput(12), (input) => {
        assert.deepEqual(walkWait(copy(input)), referenceWalkWait(copy(input)));
      }),
      { numRuns: 1500 },
    );
  });

  test('on long queues (up to 200 waiting per line)', () => {
    fc.assert(
      fc.property(walkInput(200), (input) => {
        assert.deepEqual(walkWait(copy(input)), referenceWalkWait(copy(input)));
      }),
      { numRuns: 200 },
    );
  });

  test('leaves its input as it found it', () => {
    fc.assert(
      fc.property(walkInput(20), (input) => {
        const before = copy(input);
        walkWait(input);
        assert.deepEqual(copy(input).counters, before.counters);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the reserve-duty ranking gives the reference ranking’s answers', () => {
  const head = fc.record({
    queuedAt: fc.integer({ min: NOW - 90 * MIN, max: NOW }),
    issuedDelta: fc.integer({ min: 0, max: 5000 }),
    level: fc.constantFrom('primary' as const, 'secondary' as const),
    covering: fc.boolean(),
    priority: fc.boolean(),
    targetMinutes: fc.integer({ min: 1, max: 40 }),
    thresholdMinutes: fc.integer({ min: 1, max: 60 }),
  }).map(({ issuedDelta, ...h }): LineHead => ({ ...h, issuedAt: h.queuedAt + issuedDelta }));

  test('on any heads, streak and rules', () => {
    fc.assert(
      fc.property(fc.array(head, { maxLength: 10 }), fc.integer({ min: 0, max: 5 }), rules, (heads, streak, r) => {
        assert.deepEqual(rankReserve(heads, NOW, r, streak), referenceRankReserve(heads, NOW, r, streak));
      }),
      { numRuns: 3000 },
    );
  });
});

import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { businessDay } from '../../core/calendar.js';
import { EngineHarness, TEST_BRANCH_YAML, testConfig } from '../support/engine.js';
import { QueueEngine } from '../../core/engine.js';
import { DailyNumbers, laterDay } from '../../core/numbering.js';
import type { ServiceDef } from '../../core/types.js';

const inZone = (zone: string, dayStartsAt = '00:00') =>
  TEST_BRANCH_YAML.replace('timeZone: Asia/Shanghai', `timeZone: ${zone}\n  dayStartsAt: "${dayStartsAt}"`);

describe('daily numbering', () => {
  test('numbers restart at local midnight in Shanghai (UTC+8), not at UTC midnight', () => {
    // 2026-11-30 23:58 in Shanghai is 15:58 UTC.
    const h = new EngineHarness(TEST_BRANCH_YAML, Date.UTC(2026, 10, 30, 15, 58));
    assert.equal(h.issue('A').number, 'A001');
    const waiting = h.issue('A');
    assert.equal(waiting.number, 'A002');
    assert.equal(h.engine.businessDay, '2026-11-30');
    h.tick(3); // 00:01 local on 12-01, still 16:01 UTC on 11-30
    const first = h.issue('A');
    assert.equal(first.number, 'A001');
    assert.equal(first.businessDay, '2026-12-01');
    // Yesterday's waiting tickets are closed, not carried into a day whose numbers restart.
    const closed = h.events.filter((e) => e.type === 'ticket.cancelled');
    assert.equal(closed.length, 2);
    const closedWaiting = closed.find((e) => (e.data as { ticket: { id: string } }).ticket.id === waiting.id);
    assert.equal((closedWaiting?.data as { reason: string }).reason, 'end_of_day');
    assert.equal(h.engine.waitingCount('A'), 1);
    assert.ok(h.events.some((e) => e.type === 'day.closed'));
  });

  test('a configured day start (04:00) keeps late-evening numbering until then', () => {
    const h = new EngineHarness(inZone('Asia/Shanghai', '04:00'), Date.UTC(2026, 10, 30, 15, 58)); // 23:58 local
    h.issue('A');
    h.tick(60); // 00:58 local: same business day
    assert.equal(h.issue('A').number, 'A002');
    h.tick(3 * 60 + 5); // 04:03 local
    assert.equal(h.issue('A').number, 'A001');
  });

  test('New York, the day daylight saving starts: midnight is 04:00 UTC, not 05:00', () => {
    // 2026-03-08: clocks go from 02:00 EST to 03:00 EDT. The next midnight (03-09 00:00 EDT) is 04:00 UTC.
    assert.equal(businessDay(Date.UTC(2026, 2, 9, 3, 59), 'America/New_York'), '2026-03-08');
    assert.equal(businessDay(Date.UTC(2026, 2, 9, 4, 1), 'America/New_York'), '2026-03-09');
    const h = new EngineHarness(inZone('America/New_York'), Date.UTC(2026, 2, 8, 6, 30)); // 01:30 EST
    assert.equal(h.issue('A').number, 'A001');
    h.tick(60); // 03:30 EDT: the skipped hour does not start a new day
    assert.equal(h.issue('A').number, 'A002');
    h.now = Date.UTC(2026, 2, 9, 3, 59); // 23:59 EDT
    assert.equal(h.issue('A').number, 'A003');
    h.now = Date.UTC(2026, 2, 9, 4, 1); // 00:01 EDT on 03-09
    assert.equal(h.issue('A').number, 'A001');
  });

  test('New York, the day daylight saving ends: the repeated hour stays in one day', () => {
    // 2026-11-01: 02:00 EDT becomes 01:00 EST; the day is 25 hours long; next midnight is 05:00 UTC.
    const h = new EngineHarness(inZone('America/New_York'), Date.UTC(2026, 10, 1, 5, 30)); // 01:30 EDT
    assert.equal(h.issue('A').number, 'A001');
    h.tick(60); // 01:30 EST, the same wall-clock time again
    assert.equal(h.issue('A').number, 'A002');
    h.now = Date.UTC(2026, 10, 2, 4, 30); // 23:30 EST on 11-01
    assert.equal(h.issue('A').number, 'A003');
    h.now = Date.UTC(2026, 10, 2, 5, 0); // 00:00 EST on 11-02
    assert.equal(h.issue('A').number, 'A001');
  });

  test('London: the spring-forward day rolls over at 23:00 UTC', () => {
    assert.equal(businessDay(Date.UTC(2026, 2, 29, 22, 59), 'Europe/London'), '2026-03-29');
    assert.equal(businessDay(Date.UTC(2026, 2, 29, 23, 0), 'Europe/London'), '2026-03-30');
  });

  test('a clock set back never reissues numbers', () => {
    const h = new EngineHarness(TEST_BRANCH_YAML, Date.UTC(2026, 10, 30, 2, 0));
    h.issue('A');
    h.issue('A');
    h.tick(-60); // an hour back, same day
    assert.equal(h.issue('A').number, 'A003');
    h.now = Date.UTC(2026, 11, 1, 2, 0); // next day
    assert.equal(h.issue('A').number, 'A001');
    h.now = Date.UTC(2026, 10, 30, 3, 0); // back to the previous day: numbering of the later day goes on
    const t = h.issue('A');
    assert.equal(t.number, 'A002');
    assert.equal(t.businessDay, '2026-12-01');
  });

  test('a restart on a new day closes the tickets left waiting from the day before', () => {
    const h = new EngineHarness(TEST_BRANCH_YAML, Date.UTC(2026, 10, 30, 2, 0));
    const left = h.issue('A');
    // The service was down over midnight: a new engine starts from what the database holds.
    const next = new QueueEngine(testConfig(), { tickets: [left], counters: [], sequences: [] }, () => 'n1', Date.UTC(2026, 11, 1, 2, 0));
    assert.equal(next.waitingCount('A'), 1);
    const out = next.rollover(Date.UTC(2026, 11, 1, 2, 0));
    assert.ok(out);
    next.apply(out);
    assert.equal(next.waitingCount('A'), 0);
    assert.equal(out.tickets[0]?.status, 'cancelled');
    assert.equal(next.rollover(Date.UTC(2026, 11, 1, 2, 1)), null);
  });

  test('numbers are per service prefix', () => {
    const h = new EngineHarness();
    assert.deepEqual([h.issue('A').number, h.issue('B').number, h.issue('A').number, h.issue('C').number], ['A001', 'B001', 'A002', 'C001']);
  });
});

describe('daily number sequences (DailyNumbers)', () => {
  const service = (over: Partial<ServiceDef> = {}): ServiceDef => ({
    code: 'A',
    prefix: 'A',
    name: { zh: '现金', en: 'Cash' },
    range: { from: 1, to: 999 },
    targetWaitMinutes: 15,
    typicalServiceMinutes: 4,
    selfService: [],
    enabled: true,
    ...over,
  });

  test('a day starts before its range and pads to the width of the range end', () => {
    const numbers = new DailyNumbers();
    const wide = service({ range: { from: 100, to: 1999 } });
    const first = numbers.next(wide, '2026-11-30');
    assert.equal(first.number, 'A0100');
    assert.equal(first.seqNo, 100);
    assert.equal(first.sequence.lastSeq, 100);
    // next() decides only: until the sequence is put back, the same number comes again.
    assert.equal(numbers.next(wide, '2026-11-30').number, 'A0100');
    numbers.put({ ...first.sequence, issued: 1 });
    assert.equal(numbers.next(wide, '2026-11-30').number, 'A0101');
    assert.equal(numbers.issued('A', '2026-11-30'), 1);
    assert.equal(numbers.issued('A', '2026-12-01'), 0);
  });

  test('the end of the range is an error with a stable code, not a wrapped number', () => {
    const numbers = new DailyNumbers([{ serviceCode: 'A', businessDay: '2026-11-30', lastSeq: 9, issued: 9 }]);
    assert.throws(() => numbers.next(service({ range: { from: 1, to: 9 } }), '2026-11-30'), (e: unknown) => (e as { code?: string }).code === 'NUMBERS_EXHAUSTED');
  });

  test('keepOnly forgets the other days; laterDay never goes back', () => {
    const numbers = new DailyNumbers([
      { serviceCode: 'A', businessDay: '2026-11-30', lastSeq: 5, issued: 5 },
      { serviceCode: 'A', businessDay: '2026-12-01', lastSeq: 2, issued: 2 },
    ]);
    numbers.keepOnly('2026-12-01');
    assert.equal(numbers.issued('A', '2026-11-30'), 0);
    assert.equal(numbers.issued('A', '2026-12-01'), 2);
    assert.equal(laterDay('2026-11-30', '2026-12-01'), '2026-12-01');
    assert.equal(laterDay('2026-12-01', '2026-11-30'), '2026-12-01');
    assert.equal(laterDay('2026-12-01', undefined), '2026-12-01');
  });
});

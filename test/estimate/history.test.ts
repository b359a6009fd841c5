/**
 * What the estimator knows ahead: the branch's history (arrivals by weekday and hour, service
 * times by hour), the roster joined with what each counter is doing, and the delay-history
 * baseline.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { BranchHistory, branchHistoryStateSchema } from '../../core/branch-history.js';
import { delayHistoryBaselines } from '../../core/delay-history.js';
import { RosterPlan } from '../../core/roster-plan.js';
import type { CounterState, RosterShift } from '../../core/types.js';
import { addDays, localEpoch } from '../../common/local-time.js';

const TZ = 'Asia/Shanghai';
const MIN = 60_000;
const at = (date: string, hhmm: string) => localEpoch(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), TZ);
const MONDAY = '2026-04-06';

describe('the branch history', () => {
  /** Four weeks: Mondays busy at 10:00, other weekdays quiet; cash takes 4 min, 8 min after 16:00. */
  function fourWeeks(): BranchHistory {
    const h = new BranchHistory(TZ);
    for (let d = 0; d < 28; d++) {
      const date = addDays(MONDAY, d - 28);
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      if (weekday === 0) continue;
      const n = weekday === 1 ? 30 : 10;
      for (let i = 0; i < n; i++) {
        const t = at(date, '10:00') + i * MIN;
        h.arrival('A', i % 10 === 0, date, t);
        h.served('A', date, t, 4);
        h.served('A', date, at(date, '16:10') + i * MIN, 8);
      }
      h.closeDay();
    }
    return h;
  }

  test('arrivals per weekday and hour: a Monday peak is expected on Mondays, not on Tuesdays', () => {
    const h = fourWeeks();
    const monday = h.arrivalRates(at(MONDAY, '09:00'))!.get('A')!;
    const tuesday = h.arrivalRates(at(addDays(MONDAY, 1), '09:00'))!.get('A')!;
    assert.ok(monday.all[10]! * 60 > 20 && monday.all[10]! * 60 <= 30, `Monday 10:00: ${monday.all[10]! * 60}/h`);
    assert.ok(tuesday.all[10]! * 60 < 15, `Tuesday 10:00: ${tuesday.all[10]! * 60}/h`);
    assert.equal(monday.all[14], 0, 'nobody comes at 14:00 in this history');
    assert.ok(Math.abs(monday.priority[10]! / monday.all[10]! - 0.1) < 0.03, 'one in ten is a priority customer');
  });

  test('a busier day than usual raises the rest of the day\'s forecast', () => {
    const h = fourWeeks();
    const date = addDays(MONDAY, 1); // a Tuesday: 10 expected at 10:00
    const before = h.arrivalRates(at(date, '10:30'))!.get('A')!.all[10]!;
    for (let i = 0; i < 40; i++) h.arrival('A', false, date, at(date, '10:00') + i * 30_000);
    const after = h.arrivalRates(at(date, '10:45'))!.get('A')!.all[10]!;
    assert.ok(after > 1.5 * before, `forecast for the hour went from ${before * 60}/h to ${after * 60}/h`);
  });

  test('service times by hour, kept across days, scaled by how today runs', () => {
    const h = fourWeeks();
    const byHour = h.serviceMinutesByHour('A', 99);
    assert.ok(Math.abs(byHour[10]! - 4) < 0.5 && Math.abs(byHour[16]! - 8) < 0.5, `10:00 ${byHour[10]}, 16:00 ${byHour[16]}`);
    const date = MONDAY;
    for (let i = 0; i < 60; i++) h.served('A', date, at(date, '10:00') + i * MIN, 6); // a slow morning
    const today = h.serviceMinutesByHour('A', 99);
    assert.ok(today[16]! > byHour[16]! * 1.2, `afternoon expected slower too: ${today[16]}`);
    assert.deepEqual([...new BranchHistory(TZ).serviceMinutesByHour('A', 5)].slice(0, 2), [5, 5], 'no history: the fallback');
  });

  test('kept as a value that passes its schema; a day already held is not learned twice', () => {
    const h = fourWeeks();
    const state = branchHistoryStateSchema.parse(JSON.parse(JSON.stringify(h.toState())));
    const again = new BranchHistory(TZ, state);
    const saturday = addDays(MONDAY, -2);
    assert.equal(again.lastDay, saturday);
    const before = again.arrivalRates(at(MONDAY, '09:00'))!.get('A')!.all[10];
    again.arrival('A', false, saturday, at(saturday, '10:00'));
    again.closeDay();
    assert.equal(again.arrivalRates(at(MONDAY, '09:00'))!.get('A')!.all[10], before);
    assert.equal(branchHistoryStateSchema.safeParse({ ...state, serviceMinutes: { A: [[1, 2]] } }).success, false);
  });
});

describe('the roster joined with the counters', () => {
  const roster: RosterShift[] = [
    { counterId: '1', weekdays: [1, 2, 3, 4, 5], open: '09:00', close: '17:00', breaks: [{ at: '12:00', minutes: 30, reason: 'meal' }] },
    { counterId: '2', weekdays: [1, 2, 3, 4, 5], open: '09:30', close: '16:30', breaks: [] },
    { counterId: '3', weekdays: [1], open: '09:00', close: '12:00', breaks: [] },
    { counterId: '3', weekdays: [1], open: '14:00', close: '17:00', breaks: [] },
  ];
  const plan = new RosterPlan(roster, TZ);
  const state = (id: string, status: CounterState['status'], since: number): CounterState => ({ id, status, since, priorityStreak: 0, servedToday: 0 });

  test('an open counter: its break to come and its close; the last shift of the day stays until everyone is served', () => {
    const now = at(MONDAY, '10:00');
    const p = plan.plan('1', state('1', 'open', now), now + 3 * MIN, now)!;
    assert.equal(p.freeAt, now + 3 * MIN);
    assert.equal(p.closeAt, Infinity);
    assert.deepEqual(p.breaks, [{ at: at(MONDAY, '12:00'), minutes: 30 }]);
    assert.equal(plan.plan('2', state('2', 'open', now), now, now)!.closeAt, at(MONDAY, '16:30'));
    // The break was taken already (paused at 12:02): not taken again.
    const later = at(MONDAY, '12:40');
    assert.deepEqual(plan.plan('1', state('1', 'open', later), later, later, at(MONDAY, '12:02'))!.breaks, []);
  });

  test('a counter on its rostered break comes back when the break ends; an unplanned pause is expected to last a while', () => {
    const began = at(MONDAY, '12:04');
    const now = at(MONDAY, '12:10');
    assert.equal(plan.plan('1', state('1', 'paused', began), now, now)!.freeAt, began + 30 * MIN);
    const fault = at(MONDAY, '10:15');
    assert.equal(plan.plan('2', state('2', 'paused', fault), at(MONDAY, '10:20'), at(MONDAY, '10:20'))!.freeAt, at(MONDAY, '10:30'));
    // An hour into it, another half hour is expected.
    assert.equal(plan.plan('2', state('2', 'paused', fault), at(MONDAY, '11:15'), at(MONDAY, '11:15'))!.freeAt, at(MONDAY, '11:45'));
  });

  test('a closed counter opens at its shift; a teller long late is not expected; a split shift has its gap as a break', () => {
    const early = at(MONDAY, '09:10');
    const p = plan.plan('2', state('2', 'closed', 0), early, early)!;
    assert.equal(p.freeAt, at(MONDAY, '09:30'));
    assert.equal(p.openFrom, at(MONDAY, '09:30'));
    assert.equal(plan.plan('1', state('1', 'closed', 0), at(MONDAY, '09:45'), at(MONDAY, '09:45')), undefined, 'off sick');
    assert.equal(plan.plan('1', state('1', 'closed', 0), at(MONDAY, '09:05'), at(MONDAY, '09:05'))!.freeAt, at(MONDAY, '09:10'), 'five minutes late');
    const split = plan.plan('3', state('3', 'open', at(MONDAY, '09:00')), at(MONDAY, '10:00'), at(MONDAY, '10:00'))!;
    assert.deepEqual(split.breaks, [{ at: at(MONDAY, '12:00'), minutes: 120 }]);
    assert.equal(plan.plan('3', state('3', 'closed', 0), at(addDays(MONDAY, 1), '10:00'), at(addDays(MONDAY, 1), '10:00')), undefined, 'not on Tuesdays');
  });

  test('without a roster: what is open stays open, what is closed does not come', () => {
    const none = new RosterPlan([], TZ);
    const now = at(MONDAY, '20:00');
    assert.equal(none.plan('1', state('1', 'open', now), now, now)!.closeAt, Infinity);
    assert.equal(none.plan('1', state('1', 'closed', now), now, now), undefined);
  });
});

describe('the delay-history baseline', () => {
  test('each ticket is told the wait of the last customer of its service called before it came; 0 at the start of a day', () => {
    const t = (id: string, serviceCode: string, issued: number, called?: number, businessDay = '2026-04-06') => ({ id, serviceCode, businessDay, issuedAt: issued * MIN, calledAt: called === undefined ? undefined : called * MIN });
    const b = delayHistoryBaselines([
      t('a1', 'A', 0, 5),
      t('a2', 'A', 1, 12),
      t('b1', 'B', 2, 3),
      t('a3', 'A', 6, 14), // a1 (5 min) was the last A called
      t('a4', 'A', 13), // a2 (11 min) was
      t('b2', 'B', 4), // b1 (1 min)
      t('a5', 'A', 2000, 2001, '2026-04-07'), // a new day: nobody called yet
    ]);
    assert.deepEqual(Object.fromEntries(b), { a1: 0, a2: 0, b1: 0, a3: 5, a4: 11, b2: 1, a5: 0 });
  });
});

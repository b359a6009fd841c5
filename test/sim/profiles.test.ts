/**
 * The library of branch days (sim/profiles/) and what profiles can say: staffing from the
 * branch's roster, tellers who do not come, counter faults, weekday factors, several days,
 * history and warm-up days that do not change the counted days.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { loadProfiles } from '../../sim/evaluate.js';
import { loadProfile, parseProfile } from '../../sim/profile.js';
import { simulate } from '../../sim/simulator.js';
import { shiftsOfDay } from '../../sim/staffing.js';
import { PROFILES_DIR } from '../support/bars.js';
import { isDomainError } from '../../common/errors.js';

const load = (name: string) => loadProfile(join(PROFILES_DIR, `${name}.yaml`));

describe('the library of branch days', () => {
  test('at least six profiles, each valid against its branch and different from the others', () => {
    const all = loadProfiles(PROFILES_DIR);
    assert.ok(all.length >= 6, `${all.length} profiles`);
    for (const id of ['quiet-rural', 'short-staffed', 'vip-wealth-centre', 'payday', 'counter-fault', 'monday-week']) assert.ok(all.some((c) => c.id === id), id);
    assert.equal(new Set(all.map((c) => c.profile.name)).size, all.length, 'names differ');
    assert.equal(new Set(all.map((c) => JSON.stringify([c.profile.arrivals, c.config.branch.id, c.profile.absent, c.profile.faults]))).size, all.length, 'days differ');
  });

  test('shifts come from the branch roster for the weekday, minus the tellers who do not come', () => {
    const { profile, config } = load('monday-week');
    assert.equal(profile.counters, undefined);
    assert.equal(shiftsOfDay(profile, config, '2026-04-13').length, 8, 'Monday: eight counters');
    assert.deepEqual(shiftsOfDay(profile, config, '2026-04-18').map((s) => s.counter).sort(), ['1', '3', '5', '7'], 'Saturday: four');
    const short = load('short-staffed');
    assert.deepEqual(shiftsOfDay(short.profile, short.config, short.profile.date).map((s) => s.counter).sort(), ['1', '2', '3', '5', '6', '7']);
    const r = simulate({ profile: short.profile, config: short.config, seed: 3, storage: 'none' });
    assert.equal(r.tickets.filter((t) => t.counterId === '8' || t.counterId === '4').length, 0, 'nobody served at the empty counters');
  });

  test('a counter fault stops the counter for its minutes, unannounced', () => {
    const { profile, config } = load('counter-fault');
    const r = simulate({ profile, config, seed: 2, storage: 'none' });
    const local = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(11, 16);
    const calledAt1 = r.tickets.filter((t) => t.counterId === '1' && t.calledAt !== undefined).map((t) => local(t.calledAt!));
    // Down from 10:15 (once the customer at the counter is done) for 100 minutes.
    assert.ok(!calledAt1.some((t) => t > '10:35' && t < '11:55'), `calls at counter 1: ${calledAt1.filter((t) => t > '10:00' && t < '12:30').join(' ')}`);
    assert.ok(r.counters.find((c) => c.id === '1')!.pausedMinutes >= 100);
  });

  test('weekday factors: the week\'s Monday is busier than its Wednesday', () => {
    const { profile, config } = load('monday-week');
    const r = simulate({ profile, config, seed: 1, storage: 'none' });
    assert.equal(r.days.length, 6);
    const on = (d: string) => r.tickets.filter((t) => t.businessDay === d).length;
    assert.ok(on('2026-04-13') > 1.25 * on('2026-04-15'), `Monday ${on('2026-04-13')}, Wednesday ${on('2026-04-15')}`);
  });

  test('warm-up days and history change the estimates, never the counted day itself', () => {
    const { profile, config } = load('vip-wealth-centre');
    const cold = simulate({ profile: { ...profile, historyDays: 0 }, config, seed: 4, storage: 'none', warmupDays: 0 });
    const warm = simulate({ profile, config, seed: 4, storage: 'none' });
    assert.deepEqual(
      warm.tickets.map((t) => [t.number, t.issuedAt, t.calledAt, t.counterId]),
      cold.tickets.map((t) => [t.number, t.issuedAt, t.calledAt, t.counterId]),
    );
    assert.deepEqual(warm.days, [profile.date]);
    assert.notDeepEqual(warm.tickets.map((t) => t.estimate), cold.tickets.map((t) => t.estimate));
  });

  test('a profile naming what its branch lacks is refused with every problem', () => {
    const { profile } = load('counter-fault');
    try {
      parseProfile({ ...profile, absent: [9], faults: { 1: [{ at: '25:00', minutes: 5 }] }, days: 0 }, 'bad.yaml');
      assert.fail('accepted');
    } catch (e) {
      assert.ok(isDomainError(e) && e.code === 'PROFILE_INVALID', String(e));
      const lines = e.details as string[];
      for (const field of ['absent[0]', 'faults.1[0].at', 'days']) assert.ok(lines.some((l) => l.startsWith(field)), `${field} in ${JSON.stringify(lines)}`);
    }
  });
});

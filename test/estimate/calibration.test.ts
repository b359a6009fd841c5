/**
 * The printed range: calibrated on the estimator's recent errors, holding its share inside when
 * the errors drift, narrow when they are small, and kept across a restart.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { rangeOf } from '../../core/estimate.js';
import { calibrationStateSchema, PRIOR_CALIBRATION, WaitCalibration } from '../../core/wait-calibration.js';
import { Random } from '../../sim/random.js';

/** Tickets with a model wait of 5–35 minutes whose actual waits spread by `sigma` (log scale). */
function stream(cal: WaitCalibration, rng: Random, n: number, sigma: number, bias = 0) {
  let inside = 0;
  let width = 0;
  for (let i = 0; i < n; i++) {
    const model = 5 + 30 * rng.next();
    const actual = Math.max(0, (model + 1) * Math.exp(bias + sigma * rng.normal()) - 1);
    const range = rangeOf(model, cal.quantiles('A', model));
    if (actual >= range.minMinutes && actual <= range.maxMinutes) inside++;
    width += range.maxMinutes - range.minMinutes;
    cal.record('A', model, actual, range);
  }
  return { inside: inside / n, width: width / n };
}

describe('the calibrated range', () => {
  test('a wide prior until the branch has errors of its own', () => {
    const cal = new WaitCalibration();
    assert.deepEqual(cal.quantiles('A', 10), PRIOR_CALIBRATION);
    const r = rangeOf(10, PRIOR_CALIBRATION);
    assert.ok(r.minMinutes <= 10 && r.maxMinutes >= 10 && Number.isInteger(r.minMinutes) && Number.isInteger(r.maxMinutes), JSON.stringify(r));
  });

  test('a branch slower than the model gets ranges that follow its history', () => {
    const cal = new WaitCalibration();
    const rng = new Random(1);
    stream(cal, rng, 400, 0.15, Math.log(2));
    const r = rangeOf(10, cal.quantiles('A', 10));
    assert.ok(r.minMinutes >= 14 && r.maxMinutes <= 30 && r.expectedMinutes > 18, JSON.stringify(r));
  });

  test('the share inside is held near the aim when the errors drift, and the range narrows when they shrink', () => {
    const cal = new WaitCalibration();
    const rng = new Random(7);
    stream(cal, rng, 600, 0.2);
    const calm = stream(cal, rng, 1500, 0.2);
    // The errors grow half as large again (a new teller, a system that slows down): the level
    // follows; then they shrink back.
    stream(cal, rng, 600, 0.5);
    const rough = stream(cal, rng, 1500, 0.5);
    stream(cal, rng, 600, 0.2);
    const calmAgain = stream(cal, rng, 1500, 0.2);
    for (const [name, s] of Object.entries({ calm, rough, calmAgain })) assert.ok(s.inside >= 0.78 && s.inside <= 0.88, `${name}: ${(s.inside * 100).toFixed(1)}% inside`);
    assert.ok(rough.width > 1.8 * calm.width, `wider when rough: ${rough.width.toFixed(1)} vs ${calm.width.toFixed(1)}`);
    assert.ok(calmAgain.width < 0.7 * rough.width, `narrow again: ${calmAgain.width.toFixed(1)} vs ${rough.width.toFixed(1)}`);
  });

  test('where most customers find a counter free, the others\' ranges aim lower so that 80 % hold overall', () => {
    const cal = new WaitCalibration();
    const rng = new Random(3);
    for (let i = 0; i < 400; i++) {
      if (i % 3 !== 0) {
        cal.record('A', 0, 0, { minMinutes: 0, maxMinutes: 1 });
        continue;
      }
      const model = 4 + 6 * rng.next();
      const actual = model * Math.exp(0.4 * rng.normal());
      cal.record('A', model, actual, rangeOf(model, cal.quantiles('A', model)));
    }
    // Two in three are inside "0–1 minutes": the others need about 40 % for 80 % overall.
    const target = cal.waitingTarget();
    assert.ok(target > 0.35 && target < 0.5, `target ${target}`);
  });

  test('kept across a restart: the state passes its schema and gives the same ranges; a new day starts from the typical level', () => {
    const cal = new WaitCalibration();
    stream(cal, new Random(5), 500, 0.3);
    const state = calibrationStateSchema.parse(JSON.parse(JSON.stringify(cal.toState())));
    const again = new WaitCalibration(state);
    for (const m of [0, 1, 4, 12, 30, 60]) {
      const a = cal.quantiles('A', m);
      const b = again.quantiles('A', m);
      for (const k of ['lo', 'mid', 'hi'] as const) assert.ok(Math.abs(a[k] - b[k]) < 1e-3, `${m} min ${k}: ${a[k]} vs ${b[k]}`);
    }
    assert.equal(calibrationStateSchema.safeParse({ ...state, shift: 5 }).success, false);
    // A day of misses moves the level; the next morning starts from the day's typical level,
    // not from where the afternoon left it.
    for (let i = 0; i < 50; i++) again.record('A', 10, 60, { minMinutes: 5, maxMinutes: 15 });
    const afternoon = again.missRate(4);
    again.startDay();
    const morning = again.missRate(4);
    assert.ok(morning > afternoon, `morning ${morning} after afternoon ${afternoon}`);
  });
});

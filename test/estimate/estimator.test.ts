/**
 * The wait estimator: its model on hand-made situations, its calibration, and — from the
 * simulator's own figures on busy simulated days — the share of waits inside the printed range
 * and its error against the queue-length baseline (n+1)/(s·μ).
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { estimateWait, modelWaitMinutes, PRIOR_CALIBRATION, type EstimateCounter, type EstimateInput } from '../../core/estimate.js';
import { WaitCalibration } from '../../core/wait-calibration.js';
import { loadProfile, SAMPLE_PROFILE_PATH } from '../../sim/profile.js';
import { simulate } from '../../sim/simulator.js';
import { estimatorAccuracy } from '../../sim/summary.js';

const line = (waiting: number, mean: number, extra: Partial<EstimateInput['lines'][string]> = {}) => ({
  waiting,
  priorityWaiting: 0,
  openPrimaryCounters: 1,
  meanServiceMinutes: mean,
  arrivalsPerMinute: 0,
  priorityArrivalsPerMinute: 0,
  ...extra,
});
const counter = (primary: string[], secondary: string[] = [], c: Partial<EstimateCounter> = {}): EstimateCounter => ({ status: 'open', statusMinutes: 0, busyMinutes: 0, primary, secondary, ...c });
const input = (i: Partial<EstimateInput>): EstimateInput => ({
  serviceCode: 'A',
  ahead: 0,
  priority: false,
  counters: [counter(['A'])],
  lines: { A: line(0, 4) },
  calibration: PRIOR_CALIBRATION,
  ...i,
});

test('model: an idle counter means no wait; each person ahead adds a service time per counter', () => {
  assert.equal(modelWaitMinutes(input({})), 0);
  assert.equal(modelWaitMinutes(input({ ahead: 3, counters: [counter(['A'], [], { busyMinutes: 2 })] })), 2 + 3 * 4);
  const two = modelWaitMinutes(input({ ahead: 3, counters: [counter(['A'], [], { busyMinutes: 2 }), counter(['A'], [], { busyMinutes: 2 })] }));
  assert.equal(two, 2 + 4); // four slots over two counters: 2, 2, 6, 6
});

test('model: a counter that serves the service only as secondary helps less while its own line is busy', () => {
  const lines = { A: line(4, 4), B: line(6, 5, { arrivalsPerMinute: 0.2 }) };
  const primaryHelp = modelWaitMinutes(input({ ahead: 4, lines, counters: [counter(['A'], [], { busyMinutes: 1 }), counter(['A', 'B'], [], { busyMinutes: 1 })] }));
  const secondaryHelp = modelWaitMinutes(input({ ahead: 4, lines, counters: [counter(['A'], [], { busyMinutes: 1 }), counter(['B'], ['A'], { busyMinutes: 1 })] }));
  const alone = modelWaitMinutes(input({ ahead: 4, lines, counters: [counter(['A'], [], { busyMinutes: 1 })] }));
  assert.ok(primaryHelp <= secondaryHelp && secondaryHelp <= alone, `primary ${primaryHelp}, secondary ${secondaryHelp}, alone ${alone}`);
});

test('model: priority arrivals overtake a regular customer, not a priority one', () => {
  const lines = { A: line(3, 4, { priorityArrivalsPerMinute: 0.2 }) };
  const regular = modelWaitMinutes(input({ ahead: 3, lines, counters: [counter(['A'], [], { busyMinutes: 2 })] }));
  const priority = modelWaitMinutes(input({ ahead: 3, priority: true, lines, counters: [counter(['A'], [], { busyMinutes: 2 })] }));
  assert.ok(regular > priority, `${regular} > ${priority}`);
});

test('model: a paused counter frees up after the rest of a pause; none open uses the configured ones', () => {
  const paused = modelWaitMinutes(input({ counters: [counter(['A'], [], { status: 'paused', statusMinutes: 5 })] }));
  assert.equal(paused, 10);
  const closed = modelWaitMinutes(input({ counters: [counter(['A'], [], { status: 'closed' })] }));
  assert.ok(closed > 0 && Number.isFinite(closed));
});

test('range: whole minutes around the calibrated model, min ≤ expected ≤ max', () => {
  const e = estimateWait(input({ ahead: 5, counters: [counter(['A'], [], { busyMinutes: 2 })] }));
  assert.ok(Number.isInteger(e.minMinutes) && Number.isInteger(e.maxMinutes));
  assert.ok(e.minMinutes <= e.expectedMinutes && e.expectedMinutes <= e.maxMinutes, JSON.stringify(e));
  assert.equal(e.baselineMinutes, ((5 + 1) * 4) / 1);
});

test('calibration: a branch slower than the model gets ranges that follow its history', () => {
  const cal = new WaitCalibration();
  // Actual waits are twice the model, with some spread.
  for (let i = 0; i < 200; i++) cal.record('A', 4, 10, 2 * 10 * (0.8 + 0.4 * ((i * 37) % 100) / 100) + 1);
  const q = cal.quantiles('A', 4);
  const lo = 11 * Math.exp(q.lo) - 1;
  const hi = 11 * Math.exp(q.hi) - 1;
  assert.ok(lo > 12 && hi < 30 && hi > 20, `range ${lo.toFixed(1)}–${hi.toFixed(1)}`);
});

test('on busy simulated days the printed range holds ≥ 80% of waits and beats the baseline', () => {
  const { profile, config } = loadProfile(SAMPLE_PROFILE_PATH);
  const all = [];
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const r = simulate({ profile, config, seed, storage: 'none' });
    const acc = estimatorAccuracy(r.tickets);
    // Every day: the estimator's error is below the baseline's, and the range holds most waits.
    assert.ok(acc.maeEstimator < acc.maeBaseline, `seed ${seed}: MAE ${acc.maeEstimator} vs baseline ${acc.maeBaseline}`);
    assert.ok(acc.insideRange >= 0.75, `seed ${seed}: ${acc.insideRange} inside`);
    all.push(...r.tickets);
  }
  const acc = estimatorAccuracy(all);
  assert.ok(acc.insideRange >= 0.8, `over all days ${acc.insideRange} inside the range`);
  assert.ok(acc.maeEstimator < 0.85 * acc.maeBaseline, `MAE ${acc.maeEstimator} vs baseline ${acc.maeBaseline}`);
});

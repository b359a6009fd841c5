/**
 * The estimator inside the engine: what it knows ahead (the roster), what it keeps with each
 * ticket (the range, its point, the model's minutes and both baselines), and its memory across
 * a restart.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { QueueEngine } from '../../core/engine.js';
import { estimatorStateSchema } from '../../core/wait-estimator.js';
import { EngineHarness, TEST_BRANCH_YAML, testConfig } from '../support/engine.js';

// 2026-11-30 is a Monday; 00:50 UTC is 08:50 in Shanghai.
const BEFORE_OPENING = Date.UTC(2026, 10, 30, 0, 50);
const ROSTER = `
roster:
  - { counter: "1", days: [mon, tue, wed, thu, fri], open: "09:00", close: "17:00", breaks: [{ at: "12:00", minutes: 30, reason: meal }] }
  - { counter: "2", days: [mon, tue, wed, thu, fri], open: "09:00", close: "17:00" }
`;

describe('the wait estimator in the engine', () => {
  test("the roster is known ahead: before opening, the wait runs to the shift's start", () => {
    const withRoster = new EngineHarness(TEST_BRANCH_YAML + ROSTER, BEFORE_OPENING);
    const e = withRoster.issue('A').estimate!;
    assert.ok(e.minMinutes <= 10 && e.maxMinutes >= 10, `opens at 09:00, ten minutes away: ${JSON.stringify(e)}`);
    assert.equal(e.modelMinutes, 10);
    // Without a roster nothing says when a counter opens: one is taken to open within a service.
    const without = new EngineHarness(TEST_BRANCH_YAML, BEFORE_OPENING);
    assert.equal(without.issue('A').estimate!.modelMinutes, 4);
  });

  test("each ticket keeps its range, the point, the model's minutes and both baselines", () => {
    const h = new EngineHarness();
    h.open('1');
    h.open('2');
    h.issue('A');
    h.tick(6).issue('A');
    h.next('1'); // A001 waited 6 minutes
    h.tick(1);
    const t = h.issue('A');
    const e = t.estimate as Record<string, number>;
    assert.equal(t.ahead, 1);
    for (const k of ['minMinutes', 'maxMinutes', 'expectedMinutes', 'baselineMinutes', 'delayBaselineMinutes', 'modelMinutes']) assert.equal(typeof e[k], 'number', k);
    assert.equal(e.delayBaselineMinutes, 6, 'the last A customer called had waited 6 minutes');
    assert.equal(e.baselineMinutes, ((1 + 1) * 4) / 2, '(n+1)/(s·μ): one ahead, two counters serve A');
    assert.ok(e.minMinutes! <= e.expectedMinutes! && e.expectedMinutes! <= e.maxMinutes!, JSON.stringify(e));
  });

  test('a line whose primary counter is closed is estimated as its covering counter serves it', () => {
    const h = new EngineHarness();
    h.open('1'); // A primary, B secondary; counter 2 (B primary) stays closed
    h.issue('A');
    h.next('1');
    h.run((t) => h.engine.start('1', {}, t));
    h.issue('A');
    h.issue('A');
    const withCover = h.tick(0.1).issue('B');
    // Counter 1 is busy for about 4 minutes; then the two A customers (queued earlier) and then
    // B: first come, first served, as counter 1 serves B as primary while counter 2 is closed.
    const model = withCover.estimate!.modelMinutes!;
    assert.ok(model > 7 && model < 13, `B behind two A customers at counter 1: ${model}`);
  });

  test('the memory of earlier days passes its schema and is taken back after a restart', () => {
    const h = new EngineHarness(TEST_BRANCH_YAML + ROSTER);
    h.open('1');
    for (let i = 0; i < 40; i++) {
      h.tick(2).issue('A');
      if (i % 2) h.serveNext('1');
    }
    h.tick(24 * 60); // the next day closes this one
    h.issue('B');
    const state = estimatorStateSchema.parse(JSON.parse(JSON.stringify(h.engine.estimatorState())));
    assert.ok(state.history.lastDay, 'the day was folded into the history');
    const again = new QueueEngine(testConfig(TEST_BRANCH_YAML + ROSTER), { tickets: [], counters: [], sequences: [], estimator: state }, () => 'x', h.now);
    const fresh = new QueueEngine(testConfig(TEST_BRANCH_YAML + ROSTER), { tickets: [], counters: [], sequences: [] }, () => 'y', h.now);
    assert.deepEqual(again.estimatorState().history, state.history);
    assert.notDeepEqual(fresh.estimatorState().history, state.history);
  });
});

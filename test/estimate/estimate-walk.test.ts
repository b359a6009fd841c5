/**
 * The estimator's model on hand-made branches: the walk of the counters under the calling rules,
 * with breaks, shifts, reserve duty, covering and priority arrivals.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import type { HourlyRates } from '../../core/branch-history.js';
import { walkWait, type QueuedCustomer, type WalkCounter, type WalkInput, type WalkLine } from '../../core/estimate-walk.js';
import type { QueueRules, SkillLevel } from '../../core/types.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 3, 14, 2, 0); // 10:00 in Shanghai
const RULES: QueueRules = { tiers: 'reserve', fairnessCap: 3, ageing: true, maxRecalls: 2, maxRejoins: 1, autoCompleteOnNext: true, pauseReasons: [] };

const perHour = (x: number) => new Float64Array(24).fill(x);
const rates = (all: number, priority = 0): HourlyRates => ({ all: perHour(all), priority: perHour(priority), regular: perHour(all - priority) });
/** `n` customers who joined `minutesAgo` … a little later, in queue order. */
const waiting = (n: number, minutesAgo = 1): QueuedCustomer[] => Array.from({ length: n }, (_, i) => ({ queuedAt: NOW - minutesAgo * MIN + i * 1000, issuedAt: NOW - minutesAgo * MIN + i * 1000 }));
const line = (l: Partial<WalkLine> = {}): WalkLine => ({ targetMinutes: 15, thresholdMinutes: 15, priority: [], regular: [], serviceMinutes: perHour(4), ...l });
const counter = (primary: string[], secondary: string[] = [], c: Partial<WalkCounter> = {}): WalkCounter => ({
  services: [...primary.map((code) => ({ code, level: 'primary' as SkillLevel })), ...secondary.map((code) => ({ code, level: 'secondary' as SkillLevel }))],
  freeAt: NOW,
  openFrom: NOW,
  closeAt: Infinity,
  breaks: [],
  streak: 0,
  ...c,
});

function walk(o: { lines?: Record<string, WalkLine>; counters: WalkCounter[]; code?: string; priority?: boolean; position?: number; rules?: Partial<QueueRules> }): number {
  const lines = new Map(Object.entries(o.lines ?? { A: line() }));
  const code = o.code ?? 'A';
  const l = lines.get(code)!;
  const input: WalkInput = {
    now: NOW,
    localMinutes: 600,
    rules: { ...RULES, ...o.rules },
    lines,
    counters: o.counters,
    us: { serviceCode: code, priority: !!o.priority, queuedAt: NOW, issuedAt: NOW, position: o.position ?? (o.priority ? l.priority.length : l.regular.length), inLine: false },
  };
  return walkWait(input).minutes;
}

describe('the wait model', () => {
  test('a free counter means no wait; each customer ahead adds a service time per counter', () => {
    assert.equal(walk({ counters: [counter(['A'])] }), 0);
    assert.equal(walk({ lines: { A: line({ regular: waiting(3) }) }, counters: [counter(['A'], [], { freeAt: NOW + 2 * MIN })] }), 2 + 3 * 4);
    // Four customers over two counters free at 2: 2, 2, 6, 6 — the fourth (us) at 6.
    assert.equal(walk({ lines: { A: line({ regular: waiting(3) }) }, counters: [counter(['A'], [], { freeAt: NOW + 2 * MIN }), counter(['A'], [], { freeAt: NOW + 2 * MIN })] }), 6);
  });

  test('a customer already in the line is placed where they stand', () => {
    const regular = waiting(5);
    const input = (inLine: boolean): WalkInput => ({
      now: NOW,
      localMinutes: 600,
      rules: RULES,
      lines: new Map([['A', line({ regular })]]),
      counters: [counter(['A'], [], { freeAt: NOW + MIN })],
      us: { serviceCode: 'A', priority: false, queuedAt: regular[2]!.queuedAt, issuedAt: regular[2]!.issuedAt, position: 2, inLine },
    });
    assert.equal(walkWait(input(true)).minutes, 1 + 2 * 4);
  });

  test('reserve duty: a counter takes its secondary line once that line is past its threshold, strict tiers never while its own line waits', () => {
    // Counter 2 serves B as primary (customers keep coming, within their target) and A as secondary.
    const lines = { A: line({ regular: waiting(1, 2) }), B: line({ regular: waiting(3, 1), rates: rates(0.2) }) };
    const counters = () => [counter(['A'], [], { freeAt: NOW + 60 * MIN }), counter(['B'], ['A'])];
    const reserve = walk({ lines, counters: counters() });
    const strict = walk({ lines, counters: counters(), rules: { tiers: 'strict' } });
    // With reserve duty the customer is taken soon after the 15-minute threshold; with strict
    // tiers only when counter 1 comes back at 60 minutes and the A customer ahead has gone.
    assert.ok(reserve > 15 && reserve < 30, `reserve duty: ${reserve}`);
    assert.ok(strict >= 60, `strict tiers: ${strict}`);
  });

  test('reserve duty does not starve the counter\'s own line: its customers past target go first', () => {
    // B is overloaded: its customers are always past target, so counter 2 keeps to them.
    const lines = { A: line({ regular: waiting(1, 2) }), B: line({ regular: waiting(12, 1), rates: rates(0.5) }) };
    assert.ok(walk({ lines, counters: [counter(['A'], [], { freeAt: NOW + 60 * MIN }), counter(['B'], ['A'])] }) >= 60);
  });

  test('a service with no open primary counter is served as primary by its secondary counters', () => {
    // Only counter 7 (G primary, H secondary) serves H; three G customers queued before us.
    const g = (target: number, rate: number) => line({ regular: waiting(3, 5), rates: rates(rate), serviceMinutes: perHour(15), targetMinutes: target, thresholdMinutes: target });
    const h = (target: number) => line({ serviceMinutes: perHour(8), targetMinutes: target, thresholdMinutes: target });
    // Nobody past target: first come, first served, as at a counter of its own (45 minutes).
    assert.equal(walk({ code: 'H', lines: { G: g(60, 0.2), H: h(60) }, counters: [counter(['G'], ['H'])] }), 45);
    // At 30 minutes our 20-minute target is further behind us (1.5×) than the third G
    // customer's 30-minute one (35 min, 1.17×): the one furthest past target goes first.
    assert.equal(walk({ code: 'H', lines: { G: g(30, 0.2), H: h(20) }, counters: [counter(['G'], ['H'])] }), 30);
    // While an H counter is open (here busy for an hour), counter 7 takes H as reserve duty
    // once the customer has waited past 20 minutes and no G customer is past target.
    const withSpecialist = walk({ code: 'H', lines: { G: g(30, 0.02), H: h(20) }, counters: [counter(['G'], ['H']), counter(['H'], [], { freeAt: NOW + 60 * MIN })] });
    assert.ok(withSpecialist > 20 && withSpecialist < 60, `reserve duty behind the G line: ${withSpecialist}`);
  });

  test('priority arrivals overtake a regular customer, not a priority one', () => {
    const lines = { A: line({ regular: waiting(3), priority: [], rates: rates(0.3, 0.2) }) };
    const regular = walk({ lines, counters: [counter(['A'], [], { freeAt: NOW + 2 * MIN })] });
    const priority = walk({ lines, priority: true, counters: [counter(['A'], [], { freeAt: NOW + 2 * MIN })] });
    assert.ok(regular > 14, `regular customer overtaken: ${regular}`);
    assert.equal(priority, 2);
  });

  test('a rostered break is taken when it falls due, and the counter comes back after it', () => {
    // Free now; two customers ahead of 4 minutes each; a 30-minute break due at 5 minutes is
    // taken when the second customer leaves at 8.
    const t = walk({ lines: { A: line({ regular: waiting(2) }) }, counters: [counter(['A'], [], { breaks: [{ at: NOW + 5 * MIN, minutes: 30 }] })] });
    assert.equal(t, 38);
  });

  test('a counter rostered to open later counts from its opening; one leaving early does not come back', () => {
    assert.equal(walk({ counters: [counter(['A'], [], { freeAt: NOW + 30 * MIN, openFrom: NOW + 30 * MIN })] }), 30);
    const t = walk({
      lines: { A: line({ regular: waiting(4) }) },
      counters: [counter(['A'], [], { closeAt: NOW + 5 * MIN }), counter(['A'], [], { freeAt: NOW + 10 * MIN })],
    });
    // Counter 1 serves two (0–4, 4–8) and leaves at 5 after starting the second; counter 2 from
    // 10 takes the other two (10–14, 14–18); we are called at 18.
    assert.equal(t, 18);
  });

  test('nobody to serve the service: the longest the model says', () => {
    assert.equal(walk({ counters: [] }), 8 * 60);
  });

  test('a very long line is extrapolated at the pace it was served', () => {
    const t = walk({ lines: { A: line({ regular: waiting(2000), serviceMinutes: perHour(0.1) }) }, counters: [counter(['A'])] });
    assert.ok(Math.abs(t - 200) < 1, `2000 customers of 6 s at one counter: ${t}`);
  });
});

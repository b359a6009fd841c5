/**
 * The evaluation of many profiles over many seeds: the figures on hand-made tickets, and
 * `npm run simulate -- --profiles DIR --seeds …` from the command line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { intervalScore } from '../../core/estimate-accuracy.js';
import { parseSeeds } from '../../sim/evaluate.js';
import { estimateQuality, vipCheck } from '../../sim/quality.js';
import type { SimTicket } from '../../sim/simulator.js';
import { DEMO_CONFIG_PATH, loadConfigFile } from '../../config/load-config.js';
import { PROFILES_DIR } from '../support/bars.js';

const MIN = 60_000;
const ticket = (id: string, issued: number, called: number | undefined, est: [number, number, number, number], extra: Partial<SimTicket> = {}): SimTicket => ({
  id,
  number: id,
  serviceCode: 'A',
  segment: 'regular',
  businessDay: '2026-04-14',
  status: called === undefined ? 'waiting' : 'done',
  issuedAt: issued * MIN,
  calledAt: called === undefined ? undefined : called * MIN,
  ahead: 0,
  estimate: { minMinutes: est[0], maxMinutes: est[1], expectedMinutes: est[2], baselineMinutes: est[3] },
  waitMinutes: called === undefined ? undefined : called - issued,
  rejoins: 0,
  ...extra,
});

describe('the evaluation figures', () => {
  test('coverage, width, interval score and the error against both baselines', () => {
    const q = estimateQuality([
      ticket('a', 0, 10, [8, 12, 10, 6]), // inside; delay baseline 0 (nobody called yet)
      ticket('b', 5, 25, [10, 15, 14, 12]), // 5 above the range; delay baseline 0 (a is called at 10)
      ticket('c', 30, 30, [0, 1, 0, 3]), // inside, called at once; delay baseline: b waited 20
    ]);
    assert.equal(q.tickets, 3);
    assert.equal(q.coverage, 0.667);
    assert.equal(q.meanWidth, 3.33);
    assert.equal(q.intervalScore, Math.round(((4 + (5 + 10 * 5) + 1) / 3) * 100) / 100);
    assert.equal(intervalScore(10, 15, 20), 5 + 10 * 5, 'α = 0.2: misses cost 2/α = 10 per minute');
    assert.equal(q.mae, Math.round(((0 + 6 + 0) / 3) * 100) / 100);
    assert.equal(q.maeQueueLength, Math.round(((4 + 8 + 3) / 3) * 100) / 100);
    assert.equal(q.maeDelayHistory, Math.round(((10 + 20 + 20) / 3) * 100) / 100);
    assert.equal(q.maeShareOfBest, Math.round((2 / 5) * 1000) / 1000);
    assert.equal(q.widthLimit, 15, 'mean wait 10 min: 1.5 × 10 = 15, above the 8-minute floor');
  });

  test('a VIP past twice the target while a regular customer within target is called at a counter that could serve them', () => {
    const config = loadConfigFile(DEMO_CONFIG_PATH).queue; // A: 15 min target; counter 1 serves A
    const vip = ticket('v', 0, 40, [0, 1, 0, 0], { segment: 'vip1', counterId: '1' });
    const regular = ticket('r', 30, 35, [0, 1, 0, 0], { counterId: '1' }); // called at 35, after 5 min
    const elsewhere = ticket('g', 30, 36, [0, 1, 0, 0], { serviceCode: 'G', counterId: '7' }); // counter 7 cannot serve A
    assert.deepEqual(vipCheck([vip, regular, elsewhere], config), { violations: 1, overdueVips: 1 });
    assert.deepEqual(vipCheck([{ ...vip, calledAt: 29 * MIN }, regular], config), { violations: 0, overdueVips: 0 });
  });

  test('seeds are given as numbers and ranges', () => {
    assert.deepEqual(parseSeeds('1-3,7,9-10'), [1, 2, 3, 7, 9, 10]);
    assert.throws(() => parseSeeds('10-1'), /low to high/);
    assert.throws(() => parseSeeds('one'), /1-10/);
  });
});

describe('npm run simulate -- --profiles DIR --seeds …', () => {
  test('one line per profile with coverage, width, interval score, both baselines, and each service\'s p90 against target', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profiles-'));
    try {
      mkdirSync(join(dir, 'branches'));
      copyFileSync(join(PROFILES_DIR, 'branches', 'rural-branch.yaml'), join(dir, 'branches', 'rural-branch.yaml'));
      copyFileSync(join(PROFILES_DIR, 'quiet-rural.yaml'), join(dir, 'quiet-rural.yaml'));
      writeFileSync(join(dir, 'short-staffed.yaml'), readFileSync(join(PROFILES_DIR, 'short-staffed.yaml'), 'utf8'));
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'sim/cli.ts', '--profiles', dir, '--seeds', '1-2'], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.status, 0, r.stderr);
      const out = r.stdout;
      assert.match(out, /2 profiles × seeds 1-2/);
      assert.match(out, /profile\s+days\s+tickets\s+inside\s+width\s+limit\s+wait\s+IS\s+MAE\s+queue\s+delay\s+×best\s+VIP>2×/);
      assert.match(out, /^quiet-rural\s+1\s+\d+\s+\d+\.\d%/m);
      assert.match(out, /^short-staffed\s+1\s+\d+/m);
      assert.match(out, /p90 wait \/ target in minutes \(longest wait; utilisation/);
      assert.match(out, /^short-staffed\s+A \d+\/15 \(\d+; \d+%\)\s+B/m);
      const json = spawnSync(process.execPath, ['--import', 'tsx', 'sim/cli.ts', '--profiles', dir, '--seeds', '3', '--json'], { encoding: 'utf8', timeout: 120_000 });
      const rows = JSON.parse(json.stdout) as { id: string; seeds: number[]; estimate: { coverage: number } }[];
      assert.deepEqual(rows.map((x) => [x.id, x.seeds]), [['quiet-rural', [3]], ['short-staffed', [3]]]);
      const bad = spawnSync(process.execPath, ['--import', 'tsx', 'sim/cli.ts', '--profiles', join(dir, 'branches'), '--seeds', '1'], { encoding: 'utf8', timeout: 120_000 });
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /rural-branch\.yaml has \d+ problem/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--tiers replaces the calling rules and --warmup-days the warm-up, on the same customers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profiles-'));
    try {
      copyFileSync(join(PROFILES_DIR, 'short-staffed.yaml'), join(dir, 'short-staffed.yaml'));
      type Row = { customers: number; estimate: { intervalScore: number }; services: { code: string; p90Wait: number; maxWait: number }[]; vip: { violations: number } };
      const run = (...extra: string[]): Row => {
        const r = spawnSync(process.execPath, ['--import', 'tsx', 'sim/cli.ts', '--profiles', dir, '--seeds', '1', '--json', ...extra], { encoding: 'utf8', timeout: 120_000 });
        assert.equal(r.status, 0, r.stderr);
        return (JSON.parse(r.stdout) as Row[])[0]!;
      };
      const reserve = run();
      const strict = run('--tiers', 'strict');
      const cold = run('--warmup-days', '0');
      const fx = (row: Row) => row.services.find((s) => s.code === 'H')!;
      assert.equal(strict.customers, reserve.customers);
      assert.ok(fx(strict).p90Wait > fx(reserve).p90Wait, `FX p90: strict ${fx(strict).p90Wait}, reserve ${fx(reserve).p90Wait}`);
      assert.ok(fx(strict).maxWait >= fx(strict).p90Wait);
      // The warm-up only changes what the estimator knows: the same calls, other ranges.
      assert.deepEqual(cold.services, reserve.services);
      assert.notEqual(cold.estimate.intervalScore, reserve.estimate.intervalScore);
      for (const [args, message] of [[['--tiers', 'fifo'], /--tiers "fifo": reserve or strict/], [['--warmup-days', '1.5'], /--warmup-days "1.5": a whole number/]] as const) {
        const bad = spawnSync(process.execPath, ['--import', 'tsx', 'sim/cli.ts', '--profiles', dir, '--seeds', '1', ...args], { encoding: 'utf8', timeout: 120_000 });
        assert.equal(bad.status, 1);
        assert.match(bad.stderr, message);
      }
      const header = spawnSync(process.execPath, ['--import', 'tsx', 'sim/cli.ts', '--profiles', dir, '--seeds', '1', '--tiers', 'strict', '--warmup-days', '0'], { encoding: 'utf8', timeout: 120_000 });
      assert.match(header.stdout, /1 profiles × seeds 1 \(calling rules: strict, warm-up days: 0\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The fault that issue 14 found, on the short-staffed profile: the foreign-exchange teller is off
 * sick, so only the corporate counter (7), which holds foreign exchange as secondary, can serve
 * it. Under strict tiers that line starves although counter 7 is idle half the day; under reserve
 * duty (the default) it is served as primary there and keeps within twice its target.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { evaluateProfile, parseSeeds, withTiers } from '../../sim/evaluate.js';
import { loadProfile } from '../../sim/profile.js';
import { PROFILES_DIR } from '../support/bars.js';

const SEEDS = parseSeeds('1-10');
const base = loadProfile(join(PROFILES_DIR, 'short-staffed.yaml'));
const day = { id: 'short-staffed', ...base };

test('short-staffed day: the foreign-exchange line starves under strict tiers and not under reserve duty', () => {
  const strict = evaluateProfile(withTiers([day], 'strict')[0]!, SEEDS);
  const reserve = evaluateProfile(withTiers([day], 'reserve')[0]!, SEEDS);
  const fx = (r: typeof strict) => r.services.find((s) => s.code === 'H')!;
  assert.ok(fx(strict).utilisation < 0.6, `counter 7 has room: ${fx(strict).utilisation}`);
  assert.ok(fx(strict).p90Wait > 2 * 20, `strict tiers: FX p90 ${fx(strict).p90Wait} min against a 20-minute target`);
  assert.equal(strict.bars.starvation, false);
  assert.ok(strict.vip.violations > 0, 'strict tiers: VIPs left past twice their target while regular customers were called');
  assert.ok(fx(reserve).p90Wait <= 2 * 20, `reserve duty: FX p90 ${fx(reserve).p90Wait} min`);
  assert.equal(reserve.bars.starvation, true);
  assert.equal(reserve.vip.violations, 0);
  // Waits are the same customers' either way: the same seeds give the same arrivals.
  assert.equal(strict.customers, reserve.customers);
});

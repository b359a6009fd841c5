/** The service-quality bars of issue 14, asserted on one profile's figures over many seeds. */
import assert from 'node:assert/strict';
import type { ProfileEvaluation } from '../../sim/evaluate.js';
import { BARS } from '../../sim/quality.js';

export const PROFILES_DIR = new URL('../../sim/profiles/', import.meta.url).pathname;

export function assertBars(r: ProfileEvaluation): void {
  const e = r.estimate;
  const where = `${r.id}, seeds ${r.seeds[0]}–${r.seeds.at(-1)}`;
  assert.ok(e.tickets > 500, `${where}: enough tickets to judge (${e.tickets})`);
  assert.ok(e.coverage >= BARS.coverage.min && e.coverage <= BARS.coverage.max, `${where}: ${(e.coverage * 100).toFixed(1)}% inside the printed range`);
  assert.ok(e.meanWidth <= e.widthLimit, `${where}: mean width ${e.meanWidth} min against ${e.widthLimit} (1.5 × mean wait ${e.meanWait}, or 8)`);
  assert.ok(e.maeShareOfBest <= BARS.maeShare, `${where}: MAE ${e.mae} against queue length ${e.maeQueueLength}, delay history ${e.maeDelayHistory}`);
  for (const s of r.services) {
    if (!s.bound) continue;
    assert.ok(s.p90Wait <= BARS.p90Targets * s.targetMinutes, `${where}: service ${s.code} p90 ${s.p90Wait} min against target ${s.targetMinutes} with its counters ${(s.utilisation * 100).toFixed(0)}% busy`);
  }
  assert.equal(r.vip.violations, 0, `${where}: regular customers within target called while a VIP waited past 2× target`);
}

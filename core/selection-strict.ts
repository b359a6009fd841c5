/**
 * The strict-tier calling policy (rules.tiers: strict), as the product first shipped it:
 *  1. primary services of the counter before secondary ones, always;
 *  2. within a tier, priority segments before regular, where a regular ticket past its
 *     service's target wait counts as priority (ageing), and at most `fairnessCap` priority
 *     calls in a row while regular customers wait;
 *  3. otherwise first come, first served by queue time.
 * A secondary line is served only when no primary customer waits, so it can starve on a day
 * its own counter is closed; the reserve policy (selection-reserve.ts) is the default.
 */
import { before, type HeadPick, type LineHead } from './selection-common.js';
import type { QueueRules } from './types.js';

const TIERS = ['primary', 'secondary'] as const;

export function rankStrict(heads: readonly LineHead[], now: number, rules: Pick<QueueRules, 'fairnessCap' | 'ageing'>, streak: number): HeadPick | null {
  for (const tier of TIERS) {
    let priority = -1;
    let regular = -1;
    let aged = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!;
      if (h.level !== tier) continue;
      if (h.priority) {
        if (priority < 0 || before(h, heads[priority]!)) priority = i;
        continue;
      }
      if (regular < 0 || before(h, heads[regular]!)) regular = i;
      if (rules.ageing && now - h.queuedAt > h.targetMinutes * 60_000 && (aged < 0 || before(h, heads[aged]!))) aged = i;
    }
    if (priority < 0 && regular < 0) continue;
    if (aged >= 0 && (priority < 0 || before(heads[aged]!, heads[priority]!))) return { index: aged, rule: 'aged', countsTowardStreak: false };
    if (priority >= 0) {
      if (regular >= 0 && streak >= rules.fairnessCap) return { index: regular, rule: 'fairness', countsTowardStreak: false };
      return { index: priority, rule: 'priority', countsTowardStreak: regular >= 0 };
    }
    return { index: regular, rule: 'fifo', countsTowardStreak: false };
  }
  return null;
}

/**
 * The reserve-duty calling policy (rules.tiers: reserve, the default; docs/calling-rules.md).
 * A counter's secondary services are its reserve duty, as skill-based routing in contact centres
 * does it: they wait while its primary customers are within target, and come first once they
 * have waited too long. When a counter asks for the next customer, among the services it serves:
 *
 *  1. Customers past target in the lines it serves as primary, the one furthest past target
 *     (wait ÷ target) first (regular customers only with ageing on: DESIGN §3 rule 2).
 *  2. Its reserve duty: customers of its secondary lines past the service's reserve threshold
 *     (reserveAfterMinutes, by default the target wait), furthest past target first. They go
 *     before primary customers still within target, not before those past it: reserve duty
 *     must not starve the counter's own line to feed another.
 *  3. Primary lines: priority segments before regular, at most `fairnessCap` priority calls in
 *     a row while regular customers wait; first come, first served within each.
 *  4. Secondary lines, by the same rule.
 *
 * A secondary service with no open counter that holds it as primary (its specialist is off
 * sick, at lunch, or the counter is down) is served as primary: nobody else will serve it.
 */
import { before, type HeadPick, type LineHead } from './selection-common.js';
import type { QueueRules } from './types.js';

export function rankReserve(heads: readonly LineHead[], now: number, rules: Pick<QueueRules, 'fairnessCap' | 'ageing'>, streak: number): HeadPick | null {
  if (heads.length === 0) return null;
  let regularWaiting = false;
  for (const h of heads) if (!h.priority) regularWaiting = true;
  const asPrimary = (h: LineHead) => h.level === 'primary' || h.covering;

  // 1. and 2. Among those due, primary lines (and covered ones) first, then reserve duty; in each
  // the customer furthest past target.
  for (const primaryPass of [true, false]) {
    let due = -1;
    let dueRatio = 0;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!;
      if (asPrimary(h) !== primaryPass) continue;
      const waitMinutes = (now - h.queuedAt) / 60_000;
      const isDue = primaryPass ? waitMinutes > h.targetMinutes && (h.priority || rules.ageing) : waitMinutes > h.thresholdMinutes;
      if (!isDue) continue;
      const ratio = waitMinutes / h.targetMinutes;
      if (due < 0 || ratio > dueRatio || (ratio === dueRatio && before(h, heads[due]!))) {
        due = i;
        dueRatio = ratio;
      }
    }
    if (due >= 0) return { index: due, rule: primaryPass ? 'aged' : 'reserve', countsTowardStreak: heads[due]!.priority && regularWaiting };
  }

  // 3. and 4. Primary lines (including covered ones), then secondary lines.
  for (const primaryPass of [true, false]) {
    let priority = -1;
    let regular = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!;
      if (asPrimary(h) !== primaryPass) continue;
      if (h.priority) {
        if (priority < 0 || before(h, heads[priority]!)) priority = i;
      } else if (regular < 0 || before(h, heads[regular]!)) regular = i;
    }
    if (priority >= 0) {
      if (regular >= 0 && streak >= rules.fairnessCap) return { index: regular, rule: 'fairness', countsTowardStreak: false };
      return { index: priority, rule: 'priority', countsTowardStreak: regular >= 0 };
    }
    if (regular >= 0) return { index: regular, rule: 'fifo', countsTowardStreak: false };
  }
  return null;
}

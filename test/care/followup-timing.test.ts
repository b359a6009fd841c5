/** Where a follow-up stands on the staff list: not yet due, due on its day, overdue a day later. */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { followUpTiming } from '../../core/followups.js';

const DUE = Date.UTC(2026, 4, 19, 2, 0);
const DAY = 86_400_000;

describe('follow-up timing', () => {
  it('is upcoming before the due time, due for a day from it, then overdue', () => {
    const cases: [number, string][] = [
      [DUE - 1, 'upcoming'],
      [DUE, 'due'],
      [DUE + DAY - 1, 'due'],
      [DUE + DAY, 'overdue'],
      [DUE + 30 * DAY, 'overdue'],
    ];
    for (const [now, want] of cases) assert.equal(followUpTiming({ dueAt: DUE }, now), want, `${now - DUE} ms from due`);
  });
});

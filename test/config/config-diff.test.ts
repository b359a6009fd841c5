/** What changed between two configurations, as the config.applied event and the back office's history list it. */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { diffConfig } from '../../config/config-diff.js';

test('one line per changed field; records in lists matched by code or id; a new section named field by field', () => {
  const before = {
    branch: { hours: { mon: '08:30-17:00', closedDates: [] as string[] } },
    services: [
      { code: 'A', targetWaitMinutes: 15 },
      { code: 'B', targetWaitMinutes: 10 },
    ],
    counters: [{ id: '1', primary: ['A'] }],
  };
  const after = {
    branch: { hours: { mon: '08:30-17:00', closedDates: ['2025-10-01'] } },
    services: [
      { code: 'B', targetWaitMinutes: 20 },
      { code: 'A', targetWaitMinutes: 15 },
      { code: 'I', targetWaitMinutes: 5 },
    ],
    counters: [] as unknown[],
    lobby: { notice: 'Closed at noon', voiceLanguages: ['zh', 'en'] },
  };
  assert.deepEqual(diffConfig(before, after), [
    'branch.hours.closedDates: – → 2025-10-01',
    'services[B].targetWaitMinutes: 10 → 20',
    'services[I]: added',
    'services: order A, B → B, A, I',
    'counters[1]: removed',
    'lobby.notice: – → Closed at noon',
    'lobby.voiceLanguages: – → zh, en',
  ]);
  assert.deepEqual(diffConfig(after, after), []);
});

/** Times on staff pages are the branch's wall clock whatever zone the PC (or this test) runs in. */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { branchTime, branchToday } from '../../renderer/shared/branch-time.js';

// 02:00 UTC on 12 May 2026 is 10:00 in Shanghai and 22:00 the day before in New York.
const AT = '2026-05-12T02:00:05.000Z';

describe('branch time on staff pages', () => {
  it('formats a moment on the branch clock, with or without date and seconds', () => {
    assert.equal(branchTime(AT, 'Asia/Shanghai'), '10:00');
    assert.equal(branchTime(AT, 'Asia/Shanghai', { seconds: true }), '10:00:05');
    assert.equal(branchTime(AT, 'Asia/Shanghai', { date: true }), '2026/05/12 10:00');
    assert.equal(branchTime(Date.parse(AT), 'America/New_York', { date: true }), '2026/05/11 22:00');
  });

  it('shows a dash for a missing or unreadable time', () => {
    for (const x of [undefined, null, '', 'not a time']) assert.equal(branchTime(x, 'Asia/Shanghai'), '—');
  });

  it("gives today's date as the branch sees it", () => {
    assert.equal(branchToday('Asia/Shanghai', new Date(AT)), '2026-05-12');
    assert.equal(branchToday('America/New_York', new Date(AT)), '2026-05-11');
  });
});

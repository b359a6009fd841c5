import { describe, test } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EngineHarness, TEST_BRANCH_YAML } from '../support/engine.js';
import { isDomainError } from '../../common/errors.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isDomainError(e)) return e.code;
    throw e;
  }
  return 'NO_ERROR';
}

describe('calling rules', () => {
  test('first come, first served within a service', () => {
    const h = new EngineHarness();
    h.open('1');
    h.issue('A');
    h.tick(1).issue('A');
    h.tick(1).issue('A');
    assert.deepEqual([h.serveNext('1'), h.serveNext('1'), h.serveNext('1')], ['A001', 'A002', 'A003']);
    assert.equal(h.next('1'), null);
  });

  test('primary services before secondary ones, even when the secondary ticket is older', () => {
    const h = new EngineHarness();
    h.open('1'); // primary A, secondary B
    h.open('2'); // primary B: counter 1 does not have to cover B
    h.issue('B'); // older, secondary for counter 1
    h.tick(1).issue('A');
    const first = h.next('1')!;
    assert.equal(first.number, 'A001');
    assert.equal(first.callReason?.tier, 'primary');
    h.run((t) => h.engine.complete('1', {}, t));
    const second = h.next('1')!;
    assert.equal(second.number, 'B001');
    assert.equal(second.callReason?.tier, 'secondary');
  });

  test('a counter never takes a service it has no skill for', () => {
    const h = new EngineHarness();
    h.open('3'); // C only
    h.issue('A');
    assert.equal(h.next('3'), null);
  });

  test('priority segments go first and the reason says why', () => {
    const h = new EngineHarness();
    h.open('1');
    h.issue('A');
    h.tick(1).issue('A', 'vip1');
    const t = h.next('1')!;
    assert.equal(t.number, 'A002');
    assert.equal(t.callReason?.rule, 'priority');
    assert.equal(t.callReason?.passedOver, 1, 'one earlier regular ticket was passed over');
    assert.match(t.callReason!.text, /priority/);
  });

  test('fairness cap: at most K priority calls in a row while regular customers wait', () => {
    const h = new EngineHarness(); // fairnessCap: 2
    h.open('1');
    h.issue('A'); // A001 regular
    for (let i = 0; i < 5; i++) h.tick(0.1).issue('A', 'vip1'); // A002..A006
    const order = [h.serveNext('1'), h.serveNext('1'), h.serveNext('1'), h.serveNext('1'), h.serveNext('1')];
    assert.deepEqual(order, ['A002', 'A003', 'A001', 'A004', 'A005']);
    assert.equal(h.events.filter((e) => e.type === 'ticket.called').map((e) => (e.data as { reason: { rule: string } }).reason.rule)[2], 'fairness');
  });

  test('the fairness cap does not hold priority customers back when no regular customer waits', () => {
    const h = new EngineHarness();
    h.open('1');
    for (let i = 0; i < 4; i++) h.tick(0.1).issue('A', 'priority');
    assert.deepEqual([h.serveNext('1'), h.serveNext('1'), h.serveNext('1'), h.serveNext('1')], ['A001', 'A002', 'A003', 'A004']);
  });

  test('ageing: a regular ticket past its target wait ranks with priority by arrival', () => {
    const h = new EngineHarness(); // A target 15 min
    h.open('1');
    h.issue('A'); // A001 regular at t0
    h.tick(16).issue('A', 'vip1'); // A002 vip at t0+16
    const t = h.next('1')!;
    assert.equal(t.number, 'A001');
    assert.equal(t.callReason?.rule, 'aged');
  });

  test('without ageing the VIP still goes first', () => {
    const h = new EngineHarness(TEST_BRANCH_YAML.replace('rules: { fairnessCap: 2', 'rules: { ageing: false, fairnessCap: 2'));
    h.open('1');
    h.issue('A');
    h.tick(16).issue('A', 'vip1');
    assert.equal(h.next('1')!.number, 'A002');
  });

  test('a transfer keeps the original arrival time in the new service', () => {
    const h = new EngineHarness();
    h.open('1');
    h.open('2');
    h.issue('A'); // A001 at t0
    h.tick(5).issue('B'); // B001 at t0+5
    h.tick(1);
    assert.equal(h.next('1')!.number, 'A001');
    const moved = h.run((t) => h.engine.transfer('1', 'B', { staffId: 's1' }, t));
    assert.equal(moved.number, 'B002');
    assert.equal(moved.status, 'waiting');
    assert.equal(moved.transferredFrom !== undefined, true);
    // B002 arrived (as a visit) before B001 did, so it is called first.
    assert.equal(h.next('2')!.number, 'B002');
    const ev = h.events.find((e) => e.type === 'ticket.transferred');
    assert.ok(ev);
  });

  test('recall is limited by configuration', () => {
    const h = new EngineHarness(); // maxRecalls 2
    h.open('1');
    h.issue('A');
    h.next('1');
    h.run((t) => h.engine.recall('1', {}, t));
    const t2 = h.run((t) => h.engine.recall('1', {}, t));
    assert.equal(t2.recalls, 2);
    assert.equal(code(() => h.run((t) => h.engine.recall('1', {}, t))), 'RECALL_LIMIT');
  });

  test('a no-show can rejoin at the back of the line, within the rejoin limit', () => {
    const h = new EngineHarness(); // maxRejoins 1
    h.open('1');
    h.issue('A'); // A001
    h.tick(1).issue('A'); // A002
    const a1 = h.next('1')!;
    h.run((t) => h.engine.noShow('1', {}, t));
    h.tick(1).issue('A'); // A003
    h.tick(1).run((t) => h.engine.rejoin(a1.id, {}, t));
    assert.deepEqual([h.serveNext('1'), h.serveNext('1'), h.serveNext('1')], ['A002', 'A003', 'A001']);
    // A001 was served after rejoining: a finished ticket cannot rejoin.
    h.issue('A');
    h.run((t) => h.engine.callNext('1', {}, t));
    assert.equal(code(() => h.run((t) => h.engine.rejoin(a1.id, {}, t))), 'INVALID_STATE');
  });

  test('rejoin limit is enforced', () => {
    const h = new EngineHarness();
    h.open('1');
    const a = h.issue('A');
    h.next('1');
    h.run((t) => h.engine.noShow('1', {}, t));
    h.run((t) => h.engine.rejoin(a.id, {}, t));
    h.next('1');
    h.run((t) => h.engine.noShow('1', {}, t));
    assert.equal(code(() => h.run((t) => h.engine.rejoin(a.id, {}, t))), 'REJOIN_LIMIT');
  });

  test('pause needs a known reason and stops calls until resumed', () => {
    const h = new EngineHarness();
    h.open('1');
    h.issue('A');
    assert.equal(code(() => h.run((t) => h.engine.pause('1', 'nap', {}, t))), 'UNKNOWN_PAUSE_REASON');
    h.run((t) => h.engine.pause('1', 'meal', {}, t));
    assert.equal(code(() => h.next('1')), 'COUNTER_PAUSED');
    h.run((t) => h.engine.resume('1', {}, t));
    assert.equal(h.next('1')!.number, 'A001');
  });

  test('next completes the ticket being served at the counter, and the counter counts it', () => {
    const h = new EngineHarness();
    h.open('1');
    h.issue('A');
    h.issue('A');
    h.next('1');
    h.run((t) => h.engine.start('1', {}, t));
    h.tick(3);
    h.next('1');
    const completed = h.events.filter((e) => e.type === 'ticket.completed');
    assert.equal(completed.length, 1);
    assert.equal((completed[0]!.data as { auto: boolean }).auto, true);
    assert.equal(h.engine.counter('1').servedToday, 1);
  });

  test('next on a ticket called but never started refuses (TICKET_NOT_STARTED) and never records done', () => {
    for (const autoCompleteOnNext of [true, false]) {
      const h = new EngineHarness(TEST_BRANCH_YAML.replace('maxRejoins: 1 }', `maxRejoins: 1, autoCompleteOnNext: ${autoCompleteOnNext} }`));
      h.open('1');
      const a = h.issue('A');
      h.issue('A');
      h.next('1');
      h.tick(3);
      const before = h.events.length;
      assert.equal(code(() => h.next('1')), 'TICKET_NOT_STARTED');
      assert.equal(h.events.length, before, 'nothing decided, nothing written');
      assert.equal(h.engine.ticket(a.id)!.status, 'called');
      assert.equal(h.engine.counter('1').servedToday, 0);
      assert.ok(!h.events.some((e) => e.type === 'ticket.completed'));
      // Put back: the ticket waits again at the place it had; the counter is free.
      const back = h.run((t) => h.engine.putBack('1', {}, t));
      assert.equal(back.status, 'waiting');
      assert.equal(back.counterId, undefined);
      assert.equal(back.calledAt, undefined);
      assert.equal(h.engine.position(back), 0);
      assert.equal(h.events.at(-1)!.type, 'ticket.returned');
      assert.equal(h.next('1')!.id, a.id);
      // A no-show is the other explicit choice; neither is ever a completed service.
      h.run((t) => h.engine.noShow('1', {}, t));
      assert.ok(!h.events.some((e) => e.type === 'ticket.completed'));
    }
  });

  test('staff move a waiting ticket to another service: a new number that keeps the queue time', () => {
    const h = new EngineHarness();
    const a = h.issue('A');
    h.tick(5);
    h.issue('B');
    const { moved: old, fresh: moved } = h.run((t) => h.engine.move(a.id, 'B', { staffId: 'L01' }, t));
    assert.equal(old.status, 'transferred');
    assert.equal(old.transferredTo, moved.id);
    assert.equal(moved.serviceCode, 'B');
    assert.equal(moved.queuedAt, a.queuedAt);
    assert.equal(moved.transferredFrom, a.id);
    assert.equal(h.engine.ticket(a.id)!.status, 'transferred');
    assert.equal(h.engine.position(moved), 0, 'it arrived before the B ticket issued later');
    assert.equal(code(() => h.run((t) => h.engine.move(a.id, 'C', {}, t))), 'INVALID_STATE');
    assert.equal(code(() => h.run((t) => h.engine.move(moved.id, 'B', {}, t))), 'SAME_SERVICE');
  });

  test('daily cap and number range refuse new tickets with clear codes', () => {
    const yaml = TEST_BRANCH_YAML.replace(
      '{ code: C, prefix: C, name: { zh: 理财, en: Wealth }, targetWaitMinutes: 20, typicalServiceMinutes: 10 }',
      '{ code: C, prefix: C, name: { zh: 理财, en: Wealth }, targetWaitMinutes: 20, typicalServiceMinutes: 10, dailyCap: 2 }',
    ).replace(
      '{ code: B, prefix: B, name: { zh: 转账, en: Transfers }, targetWaitMinutes: 15, typicalServiceMinutes: 6 }',
      '{ code: B, prefix: B, name: { zh: 转账, en: Transfers }, targetWaitMinutes: 15, typicalServiceMinutes: 6, range: [1, 3] }',
    );
    const h = new EngineHarness(yaml);
    h.issue('C');
    h.issue('C');
    assert.equal(code(() => h.issue('C')), 'SERVICE_CAPPED');
    assert.deepEqual([h.issue('B').number, h.issue('B').number, h.issue('B').number], ['B1', 'B2', 'B3']);
    assert.equal(code(() => h.issue('B')), 'NUMBERS_EXHAUSTED');
  });

  test('outside business hours no ticket is issued', () => {
    const yaml = TEST_BRANCH_YAML.replace(/hours: \{[^}]*\}/, 'hours: { mon: "09:00-17:00", tue: "09:00-17:00", wed: "09:00-17:00", thu: "09:00-17:00", fri: "09:00-17:00" }');
    // 2026-11-30 is a Monday; 02:00 UTC is 10:00 in Shanghai.
    const h = new EngineHarness(yaml, Date.UTC(2026, 10, 30, 2, 0));
    assert.equal(h.issue('A').number, 'A001');
    h.tick(8 * 60); // 18:00 local
    assert.equal(code(() => h.issue('A')), 'BRANCH_CLOSED');
    h.now = Date.UTC(2026, 10, 28, 2, 0); // Saturday
    assert.equal(code(() => h.issue('A')), 'BRANCH_CLOSED');
  });

  test('two counters calling in any interleaving never get the same ticket', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ op: fc.constantFrom('issueA', 'issueB', 'issueVip', 'next1', 'next2', 'done1', 'done2', 'noshow1', 'tick') }), { maxLength: 120 }),
        (ops) => {
          const h = new EngineHarness();
          h.open('1');
          h.open('2');
          const calledBy = new Map<string, string>();
          for (const { op } of ops) {
            try {
              if (op === 'issueA') h.issue('A');
              else if (op === 'issueB') h.issue('B');
              else if (op === 'issueVip') h.issue('A', 'vip1');
              else if (op === 'tick') h.tick(7);
              else if (op.startsWith('next')) {
                const c = op.slice(4);
                const t = h.next(c);
                if (t) {
                  assert.equal(calledBy.has(t.id), false, `ticket ${t.number} called twice`);
                  calledBy.set(t.id, c);
                }
              } else if (op.startsWith('done')) h.run((n) => h.engine.complete(op.slice(4), {}, n));
              else if (op === 'noshow1') h.run((n) => h.engine.noShow('1', {}, n));
            } catch (e) {
              if (!isDomainError(e)) throw e;
            }
            const c1 = h.engine.counter('1').currentTicketId;
            const c2 = h.engine.counter('2').currentTicketId;
            if (c1 && c2) assert.notEqual(c1, c2);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

/**
 * Reserve duty (rules.tiers: reserve, the default). The worked examples of docs/calling-rules.md,
 * on the test branch: counter 1 serves A as primary and B as secondary, counter 2 the other way
 * round, counter 3 serves C alone; A and B have a 15-minute target, C 20.
 */
describe('calling rules: reserve duty', () => {
  const WIDE = TEST_BRANCH_YAML.replace('  - { id: "3", primary: [C] }', '  - { id: "3", primary: [C] }\n  - { id: "4", primary: [A, C] }');

  test('a secondary line past its target goes before primary customers still within theirs', () => {
    const h = new EngineHarness();
    h.open('1');
    h.open('2');
    h.issue('B'); // B001 at 0
    h.tick(16).issue('A'); // A001 at 16: within target when B001 is 16 minutes past its issue
    const t = h.next('1')!;
    assert.equal(t.number, 'B001');
    assert.deepEqual([t.callReason?.tier, t.callReason?.rule, t.callReason?.passedOver], ['secondary', 'reserve', 0]);
    assert.match(t.callReason!.text, /reserve threshold/);
  });

  test('but not before primary customers past their own target', () => {
    const h = new EngineHarness();
    h.open('1');
    h.open('2');
    h.issue('B'); // B001 at 0
    h.tick(1).issue('A'); // A001 at 1
    h.tick(16); // B001 waited 17 min, A001 16: both past 15
    const t = h.next('1')!;
    assert.equal(t.number, 'A001');
    assert.equal(t.callReason?.rule, 'aged');
    h.finish('1');
    assert.equal(h.next('1')!.number, 'B001');
  });

  test('the reserve threshold is per service (reserveAfterMinutes)', () => {
    const yaml = TEST_BRANCH_YAML.replace('{ code: B, prefix: B, name: { zh: 转账, en: Transfers }, targetWaitMinutes: 15, typicalServiceMinutes: 6 }', '{ code: B, prefix: B, name: { zh: 转账, en: Transfers }, targetWaitMinutes: 15, typicalServiceMinutes: 6, reserveAfterMinutes: 5 }');
    const h = new EngineHarness(yaml);
    h.open('1');
    h.open('2');
    h.issue('B');
    h.tick(6).issue('A');
    const t = h.next('1')!;
    assert.equal(t.number, 'B001');
    assert.match(t.callReason!.text, /5-minute reserve threshold/);
  });

  test('among customers past their targets, the one furthest past (wait ÷ target) goes first', () => {
    const h = new EngineHarness(WIDE);
    h.open('4'); // A (15 min) and C (20 min), both primary
    h.issue('C'); // C001 at 0
    h.tick(2).issue('A'); // A001 at 2
    h.tick(22); // C001 waited 24 min (1.2× target), A001 22 (1.47×)
    const t = h.next('4')!;
    assert.equal(t.number, 'A001');
    assert.equal(t.callReason?.rule, 'aged');
    assert.match(t.callReason!.text, /1\.5× the 15-minute target/);
    assert.equal(t.callReason?.passedOver, 1, 'C001 arrived earlier and was passed over');
  });

  test('a service with no open primary counter is served as primary by its secondary counters', () => {
    const h = new EngineHarness();
    h.open('1'); // counter 2 (B primary) is closed
    h.issue('B'); // B001 at 0
    h.tick(1).issue('A'); // A001 at 1, both within target
    const t = h.next('1')!;
    assert.equal(t.number, 'B001', 'first come, first served across A and B');
    assert.deepEqual([t.callReason?.tier, t.callReason?.rule, t.callReason?.covering], ['secondary', 'fifo', true]);
    assert.match(t.callReason!.text, /no counter with it as primary is open/);
    // Once counter 2 opens, B is counter 1's reserve duty again.
    h.run((n) => h.engine.complete('1', {}, n));
    h.issue('B');
    h.open('2');
    h.run((n) => h.engine.callNext('2', {}, n)); // counter 2 takes B002
    h.tick(0.5).issue('B');
    assert.equal(h.next('1')!.number, 'A001');
  });

  test('a paused primary counter does not count as open', () => {
    const h = new EngineHarness();
    h.open('1');
    h.open('2');
    h.run((n) => h.engine.pause('2', 'meal', {}, n));
    h.issue('B');
    h.tick(1).issue('A');
    const t = h.next('1')!;
    assert.equal(t.number, 'B001');
    assert.equal(t.callReason?.covering, true);
  });

  test('VIPs keep their precedence among customers of the same standing, within the fairness cap', () => {
    const h = new EngineHarness(); // fairnessCap 2
    h.open('1');
    h.open('2');
    h.issue('A'); // A001 regular
    for (let i = 0; i < 4; i++) h.tick(0.1).issue('A', 'vip1'); // A002–A005
    assert.deepEqual([h.serveNext('1'), h.serveNext('1'), h.serveNext('1'), h.serveNext('1')], ['A002', 'A003', 'A001', 'A004']);
    // A regular customer past target goes before a VIP still within theirs (ageing).
    const g = new EngineHarness();
    g.open('1');
    g.open('2');
    g.issue('A');
    g.tick(16).issue('A', 'vip1');
    assert.equal(g.next('1')!.number, 'A001');
  });

  test('a VIP past target in a secondary line is served as reserve duty before regular primary customers', () => {
    const h = new EngineHarness();
    h.open('1');
    h.open('2');
    h.issue('B', 'vip1');
    h.tick(16);
    for (let i = 0; i < 3; i++) h.tick(0.2).issue('A');
    const t = h.next('1')!;
    assert.equal(t.number, 'B001');
    assert.equal(t.callReason?.rule, 'reserve');
  });

  test('strict tiers remain a configuration choice: secondary only when no primary customer waits, and no covering', () => {
    const h = new EngineHarness(TEST_BRANCH_YAML.replace('rules: { fairnessCap: 2', 'rules: { tiers: strict, fairnessCap: 2'));
    h.open('1'); // counter 2 closed: B has no open primary counter
    h.issue('B');
    h.tick(40).issue('A');
    const t = h.next('1')!;
    assert.equal(t.number, 'A001');
    assert.deepEqual([t.callReason?.tier, t.callReason?.rule, t.callReason?.covering], ['primary', 'fifo', undefined]);
    h.finish('1');
    assert.equal(h.serveNext('1'), 'B001', 'then the secondary line');
  });

  test('every call in a random day records one of the rules, and a reserve call is always a secondary line past its threshold', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('A', 'B', 'C', 'Av', 'Bv', 'tick', 'next1', 'next2', 'next4'), { minLength: 10, maxLength: 80 }),
        (ops) => {
          const h = new EngineHarness(WIDE);
          for (const c of ['1', '2', '4']) h.open(c);
          for (const op of ops) {
            if (op === 'tick') h.tick(6);
            else if (op.startsWith('next')) {
              const counter = op.slice(4);
              h.startIfCalled(counter);
              const t = h.run((n) => h.engine.callNext(counter, {}, n));
              if (!t) continue;
              const r = t.callReason!;
              assert.ok(['priority', 'aged', 'fifo', 'fairness', 'reserve'].includes(r.rule));
              if (r.rule === 'reserve') {
                assert.equal(r.tier, 'secondary');
                assert.ok(h.now - t.queuedAt > 15 * 60_000, `${t.number} reserve after ${(h.now - t.queuedAt) / 60_000} min`);
              }
            } else h.issue(op[0]!, op.endsWith('v') ? 'vip1' : 'regular');
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  // Two kiosks can issue tickets of two services in the same millisecond: the counter's own
  // order of its services decides, never the ticket's position in some internal list.
  test.each(['reserve', 'strict'])('a tie in the same millisecond goes to the service the counter lists first (%s tiers)', (tiers) => {
    const yaml = TEST_BRANCH_YAML.replace('  - { id: "3", primary: [C] }', '  - { id: "3", primary: [C] }\n  - { id: "4", primary: [B, A] }\n  - { id: "5", primary: [A, B] }').replace(
      'rules: { fairnessCap: 2',
      `rules: { tiers: ${tiers}, fairnessCap: 2`,
    );
    for (const [counter, first, second] of [
      ['4', 'B001', 'A001'],
      ['5', 'A001', 'B001'],
    ] as const) {
      const h = new EngineHarness(yaml);
      h.open(counter);
      h.issue('A');
      h.issue('B'); // same millisecond: no tick
      assert.deepEqual([h.serveNext(counter), h.serveNext(counter)], [first, second]);
    }
  });
});

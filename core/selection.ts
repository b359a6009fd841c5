/**
 * The calling rules (DESIGN §3, docs/calling-rules.md): which waiting ticket a counter gets when
 * it asks for the next. The branch chooses the policy (rules.tiers): reserve duty (the default,
 * selection-reserve.ts) or strict tiers (selection-strict.ts). Both rank the heads of the
 * counter's lines; this file gathers the heads from the waiting tickets and says why, for audit.
 */
import { passedOver, type HeadPick, type LineHead, type Selection } from './selection-common.js';
import { rankReserve } from './selection-reserve.js';
import { rankStrict } from './selection-strict.js';
import type { CallReason, CounterDef, CounterState, QueueRules, ServiceDef, Ticket } from './types.js';
import type { WaitingIndex } from './waiting-index.js';

export type { Selection } from './selection-common.js';

/** The policy the branch's rules choose, as a ranking of line heads. */
export function rankHeads(heads: readonly LineHead[], now: number, rules: QueueRules, streak: number): HeadPick | null {
  return rules.tiers === 'strict' ? rankStrict(heads, now, rules, streak) : rankReserve(heads, now, rules, streak);
}

export function selectNext(
  counter: CounterDef,
  state: CounterState,
  index: WaitingIndex,
  services: ReadonlyMap<string, ServiceDef>,
  rules: QueueRules,
  now: number,
  /** Whether an open counter (not paused, not closed) holds the service as primary. */
  hasOpenPrimary: (serviceCode: string) => boolean = () => true,
): Selection | null {
  const heads: LineHead[] = [];
  const tickets: Ticket[] = [];
  for (const s of counter.services) {
    const def = services.get(s.code);
    if (def?.enabled === false) continue;
    const lines = index.line(s.code);
    if (!lines.priority[0] && !lines.regular[0]) continue;
    // Strict tiers know no covering; reserve duty does.
    const covering = rules.tiers !== 'strict' && s.level === 'secondary' && !hasOpenPrimary(s.code);
    const targetMinutes = def?.targetWaitMinutes ?? Infinity;
    const thresholdMinutes = def?.reserveAfterMinutes ?? targetMinutes;
    for (const t of [lines.priority[0], lines.regular[0]]) {
      if (!t) continue;
      heads.push({ queuedAt: t.queuedAt, issuedAt: t.issuedAt, level: s.level, covering, priority: t === lines.priority[0], targetMinutes, thresholdMinutes });
      tickets.push(t);
    }
  }
  const pick = rankHeads(heads, now, rules, state.priorityStreak);
  if (!pick) return null;
  const head = heads[pick.index]!;
  const ticket = tickets[pick.index]!;
  const reason: CallReason = {
    tier: head.level,
    rule: pick.rule,
    passedOver: passedOver(counter, index, ticket),
    text: reasonText(head, pick, ticket, now, rules, state.priorityStreak),
    ...(head.covering ? { covering: true } : {}),
  };
  return { ticket, reason, countsTowardStreak: pick.countsTowardStreak };
}

function reasonText(head: LineHead, pick: HeadPick, t: Ticket, now: number, rules: QueueRules, streak: number): string {
  const tier = head.covering ? 'secondary service served as primary (no counter with it as primary is open)' : `${head.level} service`;
  const mins = Math.floor((now - t.queuedAt) / 60_000);
  switch (pick.rule) {
    case 'aged':
      return rules.tiers === 'strict'
        ? `${tier}; regular ticket waited ${mins} min, past the target wait, so it ranks as priority`
        : `${tier}; waited ${mins} min, ${((now - t.queuedAt) / 60_000 / head.targetMinutes).toFixed(1)}× the ${head.targetMinutes}-minute target: the customer furthest past target goes first`;
    case 'reserve':
      return `${tier}; waited ${mins} min, past the ${head.thresholdMinutes}-minute reserve threshold, so it goes before primary customers within target`;
    case 'fairness':
      return `${tier}; ${streak} priority calls in a row reached the cap of ${rules.fairnessCap}, so the longest-waiting regular ticket goes next`;
    case 'priority':
      return `${tier}; priority segment "${t.segment}" goes before regular`;
    case 'fifo':
      return `${tier}; first come, first served`;
  }
}

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
import { earliest, passedOver, type Selection } from './selection-common.js';
import type { CallReason, CounterDef, CounterState, QueueRules, ServiceDef, SkillLevel, Ticket } from './types.js';
import type { WaitingIndex } from './waiting-index.js';

export function selectStrict(
  counter: CounterDef,
  state: CounterState,
  index: WaitingIndex,
  services: ReadonlyMap<string, ServiceDef>,
  rules: QueueRules,
  now: number,
): Selection | null {
  for (const tier of ['primary', 'secondary'] as SkillLevel[]) {
    const codes = counter.services
      .filter((s) => s.level === tier && services.get(s.code)?.enabled !== false)
      .map((s) => s.code);
    let priorityHead: Ticket | undefined;
    let agedHead: Ticket | undefined;
    let regularHead: Ticket | undefined;
    for (const code of codes) {
      const lines = index.line(code);
      priorityHead = earliest(priorityHead, lines.priority[0]);
      const r = lines.regular[0];
      if (!r) continue;
      regularHead = earliest(regularHead, r);
      const target = (services.get(code)?.targetWaitMinutes ?? Infinity) * 60_000;
      if (rules.ageing && now - r.queuedAt > target) agedHead = earliest(agedHead, r);
    }
    if (!priorityHead && !regularHead) continue;

    const make = (ticket: Ticket, rule: CallReason['rule'], text: string, countsTowardStreak: boolean): Selection => ({
      ticket,
      reason: { tier, rule, passedOver: passedOver(counter, index, ticket), text },
      countsTowardStreak,
    });

    const ahead = earliest(priorityHead, agedHead);
    if (ahead && ahead === agedHead && ahead !== priorityHead) {
      const mins = Math.floor((now - ahead.queuedAt) / 60_000);
      return make(ahead, 'aged', `${tier} service; regular ticket waited ${mins} min, past the target wait, so it ranks as priority`, false);
    }
    if (priorityHead) {
      if (regularHead && state.priorityStreak >= rules.fairnessCap) {
        return make(
          regularHead,
          'fairness',
          `${tier} service; ${state.priorityStreak} priority calls in a row reached the cap of ${rules.fairnessCap}, so the longest-waiting regular ticket goes next`,
          false,
        );
      }
      return make(priorityHead, 'priority', `${tier} service; priority segment "${priorityHead.segment}" goes before regular`, !!regularHead);
    }
    return make(regularHead!, 'fifo', `${tier} service; first come, first served`, false);
  }
  return null;
}

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
import { earliest, passedOver, type Selection } from './selection-common.js';
import type { CallReason, CounterDef, CounterState, QueueRules, ServiceDef, SkillLevel, Ticket } from './types.js';
import type { WaitingIndex } from './waiting-index.js';

interface Head {
  ticket: Ticket;
  level: SkillLevel;
  /** A secondary service served as primary because no primary counter of it is open. */
  covering: boolean;
  priority: boolean;
  /** wait ÷ target wait */
  ratio: number;
  due: boolean;
  targetMinutes: number;
  thresholdMinutes: number;
}

/** Among tickets of one standing: priority segments before regular, within the fairness cap. */
interface Standing {
  priority?: Ticket;
  regular?: Ticket;
}

export function selectReserve(
  counter: CounterDef,
  state: CounterState,
  index: WaitingIndex,
  services: ReadonlyMap<string, ServiceDef>,
  rules: QueueRules,
  now: number,
  hasOpenPrimary: (serviceCode: string) => boolean,
): Selection | null {
  const heads: Head[] = [];
  let regularWaiting = false;
  for (const s of counter.services) {
    const def = services.get(s.code);
    if (def?.enabled === false) continue;
    const lines = index.line(s.code);
    if (!lines.priority[0] && !lines.regular[0]) continue;
    const covering = s.level === 'secondary' && !hasOpenPrimary(s.code);
    const targetMinutes = def?.targetWaitMinutes ?? Infinity;
    const thresholdMinutes = def?.reserveAfterMinutes ?? targetMinutes;
    for (const [ticket, priority] of [
      [lines.priority[0], true],
      [lines.regular[0], false],
    ] as const) {
      if (!ticket) continue;
      if (!priority) regularWaiting = true;
      const waitMinutes = (now - ticket.queuedAt) / 60_000;
      const asPrimary = s.level === 'primary' || covering;
      const due = asPrimary ? waitMinutes > targetMinutes && (priority || rules.ageing) : waitMinutes > thresholdMinutes;
      heads.push({ ticket, level: s.level, covering, priority, ratio: waitMinutes / targetMinutes, due, targetMinutes, thresholdMinutes });
    }
  }
  if (heads.length === 0) return null;

  const make = (h: Head, rule: CallReason['rule'], text: string, countsTowardStreak: boolean): Selection => ({
    ticket: h.ticket,
    reason: { tier: h.level, rule, passedOver: passedOver(counter, index, h.ticket), text: `${tierText(h)}; ${text}`, ...(h.covering ? { covering: true } : {}) },
    countsTowardStreak,
  });

  // 1. and 2. Among those due, primary lines (and covered ones) first, then reserve duty; in each
  // the customer furthest past target.
  for (const asPrimary of [true, false]) {
    let due: Head | undefined;
    for (const h of heads) {
      if (!h.due || (h.level === 'primary' || h.covering) !== asPrimary) continue;
      if (!due || h.ratio > due.ratio || (h.ratio === due.ratio && earliest(h.ticket, due.ticket) === h.ticket)) due = h;
    }
    if (!due) continue;
    const mins = Math.floor((now - due.ticket.queuedAt) / 60_000);
    const streak = due.priority && regularWaiting;
    if (!asPrimary) {
      return make(due, 'reserve', `waited ${mins} min, past the ${due.thresholdMinutes}-minute reserve threshold, so it goes before primary customers within target`, streak);
    }
    return make(due, 'aged', `waited ${mins} min, ${due.ratio.toFixed(1)}× the ${due.targetMinutes}-minute target: the customer furthest past target goes first`, streak);
  }

  // 3. and 4. Primary lines (including covered ones), then secondary lines.
  for (const asPrimary of [true, false]) {
    const standing: Standing = {};
    const byTicket = new Map<Ticket, Head>();
    for (const h of heads) {
      if ((h.level === 'primary' || h.covering) !== asPrimary) continue;
      byTicket.set(h.ticket, h);
      if (h.priority) standing.priority = earliest(standing.priority, h.ticket);
      else standing.regular = earliest(standing.regular, h.ticket);
    }
    const { priority, regular } = standing;
    if (priority) {
      if (regular && state.priorityStreak >= rules.fairnessCap) {
        return make(
          byTicket.get(regular)!,
          'fairness',
          `${state.priorityStreak} priority calls in a row reached the cap of ${rules.fairnessCap}, so the longest-waiting regular ticket goes next`,
          false,
        );
      }
      return make(byTicket.get(priority)!, 'priority', `priority segment "${priority.segment}" goes before regular`, !!regular);
    }
    if (regular) return make(byTicket.get(regular)!, 'fifo', 'first come, first served', false);
  }
  return null;
}

function tierText(h: Head): string {
  if (h.covering) return 'secondary service served as primary (no counter with it as primary is open)';
  return `${h.level} service`;
}

/**
 * Interruptions of service by a system fault (the bank's rule 一(四)), for the day's report:
 * from the moment a counter was paused for `system_fault` until it resumed, closed or paused for
 * something else. Pure: from the period's pause, resume and close events in log order.
 */
import type { BranchEvent } from '../../core/events.js';
import { FAULT_PAUSE_REASON } from '../../core/faults.js';

export interface Interruption {
  counterId: string;
  staffId?: string;
  /** The ticket whose service the fault interrupted, if one was at the counter. */
  ticketId?: string;
  from: string;
  /** null while the fault lasts. */
  to: string | null;
  /** Minutes so far while it lasts. */
  minutes: number;
}

export function interruptionsOf(events: readonly BranchEvent[], now: number): Interruption[] {
  const open = new Map<string, Interruption>();
  const done: Interruption[] = [];
  const end = (counterId: string, at: string) => {
    const i = open.get(counterId);
    if (!i) return;
    open.delete(counterId);
    done.push({ ...i, to: at, minutes: Math.round(((Date.parse(at) - Date.parse(i.from)) / 60_000) * 10) / 10 });
  };
  for (const e of events) {
    switch (e.type) {
      case 'counter.paused':
        end(e.data.counterId, e.at);
        if (e.data.reason === FAULT_PAUSE_REASON) {
          open.set(e.data.counterId, { counterId: e.data.counterId, staffId: e.data.staffId, ticketId: e.data.ticketId, from: e.at, to: null, minutes: 0 });
        }
        break;
      case 'counter.resumed':
      case 'counter.closed':
        end(e.data.counterId, e.at);
        break;
    }
  }
  for (const i of open.values()) done.push({ ...i, minutes: Math.round(((now - Date.parse(i.from)) / 60_000) * 10) / 10 });
  return done.sort((a, b) => a.from.localeCompare(b.from));
}

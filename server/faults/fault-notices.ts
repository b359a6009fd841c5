/**
 * What waiting customers are told about faults at the counters (the bank's rule 一(四): tell the
 * customer plainly when a system fault interrupts the service): each counter paused for a
 * system fault, since when, and for every service it serves, how many wait and the new wait a
 * ticket taken now would have (the estimate leaves the counter out while the fault lasts).
 * Public: no staff ids, no personal data.
 */
import { isFault } from '../../core/faults.js';
import type { Localized } from '../../core/types.js';
import type { BranchService } from '../branch-service.js';

export interface FaultNotice {
  counterId: string;
  name: Localized;
  since: string;
  services: {
    code: string;
    name: Localized;
    waiting: number;
    /** Null while no open or paused counter serves the service (no wait is quoted then). */
    estimate: { minMinutes: number; maxMinutes: number } | null;
  }[];
}

export function faultNotices(service: BranchService): { at: string; faults: FaultNotice[] } {
  const services = new Map(service.servicesView().map((s) => [s.code, s]));
  const faults: FaultNotice[] = [];
  for (const c of service.queueConfig.counters) {
    const st = service.counterState(c.id);
    if (!isFault(st)) continue;
    faults.push({
      counterId: c.id,
      name: c.name,
      since: new Date(st.since).toISOString(),
      services: c.services.flatMap((s) => {
        const v = services.get(s.code);
        return v ? [{ code: v.code, name: v.name, waiting: v.waiting, estimate: v.estimate ? { minMinutes: v.estimate.minMinutes, maxMinutes: v.estimate.maxMinutes } : null }] : [];
      }),
    });
  }
  return { at: new Date(service.clock()).toISOString(), faults };
}

/**
 * Faults at the counters as GET /api/faults tells them (server/faults/fault-notices.ts), for the
 * pages that tell waiting customers: the lobby display and the phone. Reloaded whenever a counter
 * event arrives (the page passes a changing `trigger`) and every half minute, since the new wait
 * of a faulted service moves with the queue.
 */
import { useEffect, useState } from 'preact/hooks';
import type { FaultNotice } from '../../server/faults/fault-notices.js';
import { api } from './api.js';

export type { FaultNotice };

const REFRESH_MS = 30_000;

export function useFaultNotices(trigger: unknown): FaultNotice[] {
  const [faults, setFaults] = useState<FaultNotice[]>([]);
  useEffect(() => {
    let alive = true;
    const load = () =>
      api<{ faults: FaultNotice[] }>('GET', '/api/faults', { token: null }).then(
        (r) => alive && setFaults(r.faults),
        () => undefined,
      );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [trigger]);
  return faults;
}

/** "12–18 分钟" / "12–18 min". */
export function rangeText(e: { minMinutes: number; maxMinutes: number }): { zh: string; en: string } {
  return { zh: `${e.minMinutes}–${e.maxMinutes} 分钟`, en: `${e.minMinutes}–${e.maxMinutes} min` };
}

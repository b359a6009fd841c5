/**
 * A fault at the counter (系统故障, the bank's rule 一(四)): the teller marks it by pausing the
 * counter with the reason `system_fault`. Unlike a break it may interrupt a service: the customer
 * stays at the counter and is served once the fault is cleared (resume). While it lasts the
 * counter calls nobody, waiting customers are told (lobby screen, their phones) with the new
 * wait, and the estimate leaves the counter out, since nobody knows when a fault ends.
 */
import type { CounterState, Localized } from './types.js';

export const FAULT_PAUSE_REASON = 'system_fault';

export const FAULT_REASON_NAME: Localized = { zh: '系统故障', en: 'System fault' };

export function isFault(c: Pick<CounterState, 'status' | 'pauseReason'>): boolean {
  return c.status === 'paused' && c.pauseReason === FAULT_PAUSE_REASON;
}

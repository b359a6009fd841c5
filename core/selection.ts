/**
 * The calling rules (DESIGN §3, docs/calling-rules.md): which waiting ticket a counter gets when
 * it asks for the next. The branch chooses the policy (rules.tiers): reserve duty (the default,
 * selection-reserve.ts) or strict tiers (selection-strict.ts).
 */
import { selectReserve } from './selection-reserve.js';
import { selectStrict } from './selection-strict.js';
import type { Selection } from './selection-common.js';
import type { CounterDef, CounterState, QueueRules, ServiceDef } from './types.js';
import type { WaitingIndex } from './waiting-index.js';

export type { Selection } from './selection-common.js';

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
  return rules.tiers === 'strict'
    ? selectStrict(counter, state, index, services, rules, now)
    : selectReserve(counter, state, index, services, rules, now, hasOpenPrimary);
}

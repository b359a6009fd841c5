/**
 * The wait estimator's memory of earlier days (the branch's history of arrivals and service
 * times, and the calibration's recent errors), kept in the database's meta table so that a
 * restart, or a branch computer switched off every night, does not start from nothing.
 *
 * It is saved whenever a business day closes. At start-up the saved state is read back (and
 * checked: a state that fails its schema is logged and dropped, never trusted), and any closed
 * day it does not hold yet — the service was not running when that day ended — is learned from
 * that day's tickets in the database, up to four weeks back.
 */
import { addDays } from '../common/local-time.js';
import { WaitEstimator, estimatorStateSchema, type EstimatorState } from '../core/wait-estimator.js';
import type { QueueConfig } from '../core/types.js';
import type { BranchStore } from '../db/branch-store.js';

export const ESTIMATOR_META_KEY = 'wait_estimator';
// Days older than this say little about today's queue; a first start learns at most these.
const CATCH_UP_DAYS = 28;

type Store = Pick<BranchStore, 'getMeta' | 'setMeta' | 'ticketsOfDay'>;
/** What is logged: a state that could not be used, and days learned from the database. */
export interface MemoryLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

function savedState(store: Store, log: MemoryLog): EstimatorState | undefined {
  const text = store.getMeta(ESTIMATOR_META_KEY);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    log.warn({ key: ESTIMATOR_META_KEY }, 'the saved wait-estimator state is not JSON; starting from the tickets in the database');
    return undefined;
  }
  const r = estimatorStateSchema.safeParse(raw);
  if (r.success) return r.data;
  log.warn({ key: ESTIMATOR_META_KEY, issues: r.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) }, 'the saved wait-estimator state does not fit its schema; starting from the tickets in the database');
  return undefined;
}

/**
 * The estimator's state for an engine whose business day is `day`: the saved state, brought up
 * to the day before `day` from the database's tickets; saved again when it learned anything.
 */
export function loadEstimatorState(store: Store, config: QueueConfig, day: string, log: MemoryLog): EstimatorState | undefined {
  const saved = savedState(store, log);
  const priority = new Set(config.segments.filter((s) => s.priority).map((s) => s.code));
  const estimator = new WaitEstimator((s) => priority.has(s), config.branch.timeZone, config.roster, saved);
  const through = estimator.historyThrough;
  let from = addDays(day, -CATCH_UP_DAYS);
  if (through !== undefined && addDays(through, 1) > from) from = addDays(through, 1);
  let learned = 0;
  for (let d = from; d < day; d = addDays(d, 1)) {
    const tickets = store.ticketsOfDay(d);
    if (tickets.length === 0) continue;
    for (const t of tickets) estimator.replay(t);
    estimator.closeDay();
    learned++;
  }
  if (learned === 0) return saved;
  const state = estimator.toState();
  store.setMeta(ESTIMATOR_META_KEY, JSON.stringify(state));
  log.info({ days: learned }, 'wait estimator learned the days it had not seen from the database');
  return state;
}

export function saveEstimatorState(store: Pick<BranchStore, 'setMeta'>, state: EstimatorState): void {
  store.setMeta(ESTIMATOR_META_KEY, JSON.stringify(state));
}

/**
 * How long the shell waits before it restarts the branch service or reloads a page again:
 * doubling from a second to a minute, so a service that cannot start (a broken configuration
 * file, a full disk) is retried for as long as the kiosk is on without spinning the CPU, and a
 * single crash costs a second. No jitter: there is one service per kiosk, not a crowd.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Running this long counts as healthy again: the next failure starts from initialMs. */
  stableAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000, factor: 2, stableAfterMs: 60_000 };

/** The wait before attempt number `failures` + 1, after `failures` (≥ 1) failures in a row. */
export function backoffDelay(failures: number, p: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (failures <= 0) return 0;
  return Math.min(p.maxMs, Math.round(p.initialMs * p.factor ** (failures - 1)));
}

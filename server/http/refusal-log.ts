/**
 * What the IT team sees of an attack in the log: one warning per address and kind of refusal
 * a minute (with how many were refused since the last one), so a flood shows up by address
 * without the log itself becoming the flood.
 */
import type { Logger } from '../logger.js';

const WINDOW_MS = 60_000;
// Bounded memory under a flood of addresses: past this many, the oldest entries go.
const MAX_KEYS = 5_000;

export class RefusalLog {
  private readonly seen = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Notes a refusal of `address`; logs it unless the same kind was logged for it this minute. */
  note(address: string, status: number, code: string, detail?: string): void {
    const key = `${address} ${code}`;
    const now = this.now();
    const last = this.seen.get(key);
    if (last && now - last.at < WINDOW_MS) {
      last.suppressed++;
      return;
    }
    this.seen.delete(key);
    if (this.seen.size >= MAX_KEYS) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, { at: now, suppressed: 0 });
    this.log.warn({ address, status, code, detail, refusedSinceLastWarning: last?.suppressed ?? 0 }, 'request refused (LAN limit or check)');
  }
}

/**
 * The simulated tellers: what each counter's teller is doing, and the minutes it spent open,
 * busy and paused (the utilisation the summary reports).
 */

export interface SimCounterStats {
  id: string;
  openMinutes: number;
  busyMinutes: number;
  pausedMinutes: number;
  served: number;
}

export type TellerState = 'closed' | 'idle' | 'busy' | 'paused';

export class Teller {
  readonly staffId: string;
  state: TellerState = 'closed';
  /** The ticket at the counter. */
  current?: string;
  /** A break that starts when the customer at the counter leaves. */
  pendingBreak?: { reason: string; minutes: number };
  /** The shift has ended; the teller closes once free (at closing time, once the branch is empty). */
  closing = false;
  stats: SimCounterStats;
  /** Accounting: time of the last state change. */
  private since: number;

  constructor(
    readonly id: string,
    start: number,
  ) {
    this.staffId = `sim-${id}`;
    this.since = start;
    this.stats = { id, openMinutes: 0, busyMinutes: 0, pausedMinutes: 0, served: 0 };
  }

  get actor(): { staffId: string } {
    return { staffId: this.staffId };
  }

  /** Starts the figures afresh at `now` (the first counted day after warm-up days). */
  resetStats(now: number): void {
    this.since = now;
    this.stats = { id: this.id, openMinutes: 0, busyMinutes: 0, pausedMinutes: 0, served: 0 };
  }

  /** Changes state at `now`, booking the time since the last change to what the teller was doing. */
  setState(state: TellerState, now: number): void {
    const minutes = (now - this.since) / 60_000;
    if (this.state === 'idle') this.stats.openMinutes += minutes;
    else if (this.state === 'busy') {
      this.stats.openMinutes += minutes;
      this.stats.busyMinutes += minutes;
    } else if (this.state === 'paused') this.stats.pausedMinutes += minutes;
    this.since = now;
    this.state = state;
  }
}

/**
 * Full-jitter exponential backoff: the wait before retry n is uniform in [0, min(cap, base·2^n)],
 * so a thousand branches that lost head office at the same moment do not come back in step.
 * It never gives up: days offline are normal.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  constructor(private readonly opts: BackoffOptions) {}

  /** The wait before the next try; `atLeastMs` honours a Retry-After. */
  next(atLeastMs = 0): number {
    const ceiling = Math.min(this.opts.capMs, this.opts.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.max(atLeastMs, Math.floor((this.opts.random ?? Math.random)() * ceiling));
  }

  reset(): void {
    this.attempt = 0;
  }

  get failures(): number {
    return this.attempt;
  }
}

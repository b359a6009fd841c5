/**
 * A token bucket per client address for the one endpoint anyone on the LAN may call without
 * signing in (taking a ticket), so a stuck key or a script cannot drain the day's numbers.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private perMinute: number) {}

  setLimit(perMinute: number): void {
    this.perMinute = perMinute;
  }

  /** Returns 0 when allowed, else the seconds to wait. */
  take(client: string, now: number): number {
    const rate = this.perMinute / 60_000;
    const b = this.buckets.get(client) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * rate);
    b.at = now;
    if (this.buckets.size > 10_000) this.buckets.clear(); // bounded memory under a flood of addresses
    this.buckets.set(client, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / rate / 1000);
  }
}

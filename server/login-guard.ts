/**
 * What stands between a sign-in request and the slow PIN hash (docs/security.md, "Sign-in"):
 * - a rate per client address (the kiosk's own addresses excepted), so one machine cannot make
 *   the service hash PINs all day;
 * - wrong PINs counted per account *and address*: after `lockoutAttempts` in a row from one
 *   address, that address may not try that account for `lockoutMinutes`. Someone guessing the
 *   admin's PIN from the lobby locks only themselves out; the admin signs in from the office.
 *   A supervisor can lift the locks of an account at once;
 * - unknown staff ids are counted and locked exactly like real ones, so the answers never tell
 *   which ids exist;
 * - devices where a staff member signed in before are remembered, and their sign-ins are
 *   hashed first (pin-hash-queue.ts).
 * State is in memory and bounded: restarting the service forgets counts, which an attacker on
 * the LAN cannot cause.
 */
import { DomainError } from '../common/errors.js';
import { RateLimiter } from './http/rate-limit.js';

export interface LoginGuardSettings {
  lockoutAttempts: number;
  lockoutMinutes: number;
  loginsPerMinutePerAddress: number;
}

interface Failures {
  count: number;
  lastAt: number;
  lockedUntil: number;
}

// Account/address pairs remembered at most; the oldest are forgotten first.
const MAX_PAIRS = 20_000;
// A device where a staff member signed in within this long counts as theirs.
const KNOWN_DEVICE_MS = 30 * 86_400_000;
const MAX_KNOWN = 5_000;

export class LoginGuard {
  private readonly failures = new Map<string, Failures>();
  private readonly known = new Map<string, number>();
  private readonly rate: RateLimiter;

  constructor(
    private settings: LoginGuardSettings,
    private readonly trustedAddresses: Set<string>,
  ) {
    this.rate = new RateLimiter(settings.loginsPerMinutePerAddress);
  }

  updateSettings(settings: LoginGuardSettings): void {
    this.settings = settings;
    this.rate.setLimit(settings.loginsPerMinutePerAddress);
  }

  /** Refuses a sign-in attempt before any PIN is hashed: too many from this address, or locked. */
  admit(staffId: string, address: string, now: number): void {
    if (!this.trustedAddresses.has(address)) {
      const wait = this.rate.take(address, now);
      if (wait > 0) {
        throw new DomainError('RATE_LIMITED', `Too many sign-in attempts from this device; try again in ${wait} s.`, { retryAfterSeconds: wait });
      }
    }
    this.assertNotLocked(staffId, address, now);
  }

  assertNotLocked(staffId: string, address: string, now: number): void {
    const f = this.failures.get(key(staffId, address));
    if (f && f.lockedUntil > now) {
      const minutes = Math.ceil((f.lockedUntil - now) / 60_000);
      throw new DomainError(
        'ACCOUNT_LOCKED',
        `Too many wrong PINs for this staff id from this device: sign-in from here is locked for ${minutes} more minute(s), or until a supervisor unlocks it.`,
      );
    }
  }

  /** Counts a wrong PIN; says whether this pair is now locked and how many tries are left. */
  failed(staffId: string, address: string, now: number): { locked: boolean; until: number; left: number } {
    const k = key(staffId, address);
    const prev = this.failures.get(k);
    // A run of wrong PINs counts while it is recent; an old one is forgotten.
    const count = prev && now - prev.lastAt < this.settings.lockoutMinutes * 60_000 ? prev.count + 1 : 1;
    const locked = count >= this.settings.lockoutAttempts;
    const until = locked ? now + this.settings.lockoutMinutes * 60_000 : 0;
    this.failures.delete(k);
    this.failures.set(k, { count: locked ? 0 : count, lastAt: now, lockedUntil: until });
    if (this.failures.size > MAX_PAIRS) this.failures.delete(this.failures.keys().next().value!);
    return { locked, until, left: Math.max(0, this.settings.lockoutAttempts - count) };
  }

  succeeded(staffId: string, address: string, now: number): void {
    const k = key(staffId, address);
    this.failures.delete(k);
    this.known.delete(k);
    this.known.set(k, now);
    if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
  }

  /** Whether this staff member signed in from this address recently (their sign-ins go first). */
  isKnownDevice(staffId: string, address: string, now: number): boolean {
    const at = this.known.get(key(staffId, address));
    return at !== undefined && now - at < KNOWN_DEVICE_MS;
  }

  /** Lifts every lock and count of an account (a supervisor's unlock); returns how many addresses were locked. */
  unlock(staffId: string, now: number): number {
    let locked = 0;
    for (const [k, f] of this.failures) {
      if (!k.startsWith(`${staffId}\u0000`)) continue;
      if (f.lockedUntil > now) locked++;
      this.failures.delete(k);
    }
    return locked;
  }

  /** Addresses from which an account is locked now. */
  lockedAddresses(staffId: string, now: number): string[] {
    const out: string[] = [];
    for (const [k, f] of this.failures) {
      if (f.lockedUntil > now && k.startsWith(`${staffId}\u0000`)) out.push(k.slice(staffId.length + 1));
    }
    return out;
  }
}

function key(staffId: string, address: string): string {
  return `${staffId}\u0000${address}`;
}

/**
 * Staff sign-in and permissions. Tokens are random and only their hash is stored. Sign-in is
 * rate limited per address and wrong PINs lock an account for the address they came from
 * (login-guard.ts); a lock is an event so the supervisor sees it, and a supervisor can lift it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../common/errors.js';
import type { CounterState, StaffRole } from '../core/types.js';
import type { BranchStore, SessionRecord, StaffRecord } from '../db/branch-store.js';
import { LoginGuard } from './login-guard.js';
import { DUMMY_HASH, hashPin, verifyPin } from './pin-hash.js';
import { PinHashQueue } from './pin-hash-queue.js';
import { assertStrongPin } from './pin-policy.js';

export interface AuthSettings {
  lockoutAttempts: number;
  lockoutMinutes: number;
  sessionHours: number;
  minPinLength: number;
  loginsPerMinutePerAddress: number;
}

export interface Principal {
  staff: StaffRecord;
  session: SessionRecord;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface AuthOptions {
  /** Addresses exempt from the per-address sign-in rate (the kiosk's own). */
  trustedAddresses?: Set<string>;
  /** A wrong-PIN run locked an existing account for one address. */
  onLocked?(staffId: string, until: number, address: string): void;
  hashQueue?: PinHashQueue;
  /** How long a sign-in refused before hashing waits before its answer (default 1 s). */
  refusalDelayMs?: number;
}

const REFUSAL_DELAY_MS = 1000;

export class Auth {
  private readonly guard: LoginGuard;
  private readonly hashQueue: PinHashQueue;
  // Settles once the accounts being seeded are stored (staff-seed.ts); sign-ins wait for it.
  private accountsStored: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: BranchStore,
    private settings: AuthSettings,
    private readonly opts: AuthOptions = {},
  ) {
    this.guard = new LoginGuard(settings, opts.trustedAddresses ?? new Set());
    this.hashQueue = opts.hashQueue ?? new PinHashQueue();
  }

  /**
   * Sign-ins wait until `stored` settles (the first accounts of a new branch, hashed after the
   * service is ready), so an account handed out already works; every staff id waits alike.
   */
  holdSignInsUntil(stored: Promise<unknown>): void {
    this.accountsStored = stored.then(
      () => undefined,
      () => undefined,
    );
  }

  updateSettings(settings: AuthSettings): void {
    this.settings = settings;
    this.guard.updateSettings(settings);
  }

  /**
   * Signs a staff member in from `address` and opens a session.
   */
  async login(staffId: string, pin: string, address: string, now: number): Promise<{ token: string; staff: StaffRecord; expiresAt: number }> {
    const staff = await this.checkPin(staffId, pin, address, now);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.settings.sessionHours * 3_600_000;
    this.store.createSession({ tokenHash: tokenHash(token), staffId, counterId: null, createdAt: now, expiresAt });
    return { token, staff, expiresAt };
  }

  /**
   * Checks a staff id and PIN from `address` without opening a session (sign-in and the kiosk's
   * staff exit). Both share the per-address rate, the hash queue and the locks, so neither path
   * can be used to guess. Unknown, inactive and real accounts take the same path and get the
   * same answers (the same hash work, the same counts and locks), so the answers never tell
   * which staff ids exist.
   */
  async checkPin(staffId: string, pin: string, address: string, now: number): Promise<StaffRecord> {
    let release: () => void;
    try {
      this.guard.admit(staffId, address, now);
      await this.accountsStored;
      release = await this.hashQueue.acquire(address, this.guard.isKnownDevice(staffId, address, now));
    } catch (e) {
      // Refused without hashing: answered after a pause, so a client that asks again the
      // moment it is refused sends one request a second, not thousands.
      await new Promise((r) => setTimeout(r, this.opts.refusalDelayMs ?? REFUSAL_DELAY_MS));
      throw e;
    }
    let staff: StaffRecord | undefined;
    let pinOk: boolean;
    try {
      staff = this.store.staff(staffId);
      if (staff && !staff.active) staff = undefined;
      pinOk = (await verifyPin(pin, staff?.pinHash ?? DUMMY_HASH)) && staff !== undefined;
    } finally {
      release();
    }
    // Guesses sent in parallel: another may have locked this pair while the hash ran.
    this.guard.assertNotLocked(staffId, address, now);
    if (!pinOk || !staff) {
      const f = this.guard.failed(staffId, address, now);
      if (f.locked) {
        if (staff) this.opts.onLocked?.(staffId, f.until, address);
        throw new DomainError('ACCOUNT_LOCKED', `Too many wrong PINs: sign-in for this staff id from this device is now locked for ${this.settings.lockoutMinutes} minutes, or until a supervisor unlocks it.`);
      }
      throw new DomainError('INVALID_CREDENTIALS', `Staff id or PIN is wrong (${f.left} tries left before sign-in from this device locks).`);
    }
    this.guard.succeeded(staffId, address, now);
    return staff;
  }

  /**
   * A supervisor lifts every sign-in lock of an account (the back office checks who may and
   * records it as a staff.changed event, server/office/staff-admin.ts).
   */
  unlock(staffId: string, now: number): { staffId: string; unlockedAddresses: number } {
    if (!this.store.staff(staffId)) throw new DomainError('UNKNOWN_STAFF', `There is no staff account ${staffId}.`);
    return { staffId, unlockedAddresses: this.guard.unlock(staffId, now) };
  }

  /** Whether sign-in to this account is locked from any address now. */
  isLocked(staffId: string, now: number): boolean {
    return this.guard.lockedAddresses(staffId, now).length > 0;
  }

  /** The signed-in staff behind an Authorization header, or a 401. */
  authenticate(header: string | undefined, now: number): Principal {
    const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header ?? '');
    if (!m) throw new DomainError('UNAUTHENTICATED', 'Sign in first: this needs a staff token (Authorization: Bearer TOKEN).');
    const session = this.store.session(tokenHash(m[1]!));
    if (!session || session.expiresAt <= now) throw new DomainError('UNAUTHENTICATED', 'The session has expired or was signed out; sign in again.');
    const staff = this.store.staff(session.staffId);
    if (!staff || !staff.active) throw new DomainError('UNAUTHENTICATED', 'This staff account is no longer active.');
    return { staff, session };
  }

  /** Whether a raw session token (the stream's bearer subprotocol) is a live, active staff session. */
  isLive(token: string, now: number): boolean {
    try {
      this.authenticate(`Bearer ${token}`, now);
      return true;
    } catch {
      return false;
    }
  }

  logout(p: Principal): void {
    this.store.deleteSession(p.session.tokenHash);
  }

  setCounter(p: Principal, counterId: string | null): void {
    this.store.setSessionCounter(p.session.tokenHash, counterId);
    p.session.counterId = counterId;
  }

  /** Every staff account, for the supervisor's list (PIN hashes stay here). */
  listStaff(): StaffRecord[] {
    return this.store.listStaff();
  }

  async createStaff(input: { id: string; name: string; roles: StaffRole[]; counters: string[]; pin: string; active?: boolean }): Promise<void> {
    this.store.upsertStaff({ id: input.id, name: input.name, roles: input.roles, counters: input.counters, pinHash: await this.hashNewPin(input.pin, input.id), active: input.active ?? true });
  }

  /** The stored hash of a new PIN, once the PIN passes the PIN policy (WEAK_PIN otherwise, pin-policy.ts). */
  async hashNewPin(pin: string, staffId?: string): Promise<string> {
    assertStrongPin(pin, this.settings.minPinLength, staffId);
    return hashPin(pin);
  }
}

export function hasRole(p: Principal, ...roles: StaffRole[]): boolean {
  return p.staff.roles.some((r) => roles.includes(r));
}

export function requireRole(p: Principal, ...roles: StaffRole[]): void {
  if (!hasRole(p, ...roles)) {
    throw new DomainError('FORBIDDEN', `This needs one of the roles ${roles.join(', ')}; ${p.staff.id} has ${p.staff.roles.join(', ')}.`);
  }
}

/** Whether the staff member still holds the counter: it is open or paused under them. */
export function holdsCounter(p: Principal, counter: Pick<CounterState, 'status' | 'staffId'>): boolean {
  return counter.status !== 'closed' && counter.staffId === p.staff.id;
}

/**
 * Supervisors and admins act at any counter; a teller only at the counter they are signed into
 * and still hold. The session remembers the counter, but the counter decides: once it was closed
 * or opened by someone else, the earlier session no longer acts there.
 */
export function requireCounterAccess(p: Principal, counterId: string, counter: Pick<CounterState, 'status' | 'staffId'>): void {
  if (hasRole(p, 'supervisor', 'admin')) return;
  if (!hasRole(p, 'teller')) throw new DomainError('FORBIDDEN', 'Only tellers, supervisors and admins act at counters.');
  if (p.session.counterId !== counterId) {
    throw new DomainError(
      'FORBIDDEN',
      p.session.counterId
        ? `You are signed in at counter ${p.session.counterId}, not ${counterId}.`
        : `Open counter ${counterId} first (POST /api/counters/${counterId}/open).`,
    );
  }
  if (counter.status === 'closed') throw new DomainError('COUNTER_CLOSED', `Counter ${counterId} was closed; open it again to go on.`);
  if (counter.staffId !== p.staff.id) {
    throw new DomainError('FORBIDDEN', `Counter ${counterId} is now held by ${counter.staffId ?? 'another staff member'}; you no longer act there.`);
  }
}

/** Whether a staff member may sign into a counter: tellers only at their listed counters (none listed = any). */
export function requireMayOpen(p: Principal, counterId: string): void {
  if (hasRole(p, 'supervisor', 'admin')) return;
  requireRole(p, 'teller');
  if (p.staff.counters.length > 0 && !p.staff.counters.includes(counterId)) {
    throw new DomainError('FORBIDDEN', `${p.staff.id} is not assigned to counter ${counterId}; assigned: ${p.staff.counters.join(', ')}.`);
  }
}

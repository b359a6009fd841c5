/**
 * Staff sign-in and permissions. Tokens are random and only their hash is stored. Repeated
 * wrong PINs lock the account for a while; the lock is an event so the supervisor sees it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../common/errors.js';
import type { StaffRole } from '../core/types.js';
import type { BranchStore, SessionRecord, StaffRecord } from '../db/branch-store.js';
import { DUMMY_HASH_PROMISE, hashPin, verifyPin } from './pin-hash.js';

export interface AuthSettings {
  lockoutAttempts: number;
  lockoutMinutes: number;
  sessionHours: number;
}

export interface Principal {
  staff: StaffRecord;
  session: SessionRecord;
}

export const PIN_PATTERN = /^\d{4,12}$/;

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class Auth {
  constructor(
    private readonly store: BranchStore,
    private settings: AuthSettings,
    private readonly onLocked: (staffId: string, until: number) => void,
  ) {}

  updateSettings(settings: AuthSettings): void {
    this.settings = settings;
  }

  async login(staffId: string, pin: string, now: number): Promise<{ token: string; staff: StaffRecord; expiresAt: number }> {
    const staff = await this.checkPin(staffId, pin, now);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.settings.sessionHours * 3_600_000;
    this.store.createSession({ tokenHash: tokenHash(token), staffId, counterId: null, createdAt: now, expiresAt });
    return { token, staff, expiresAt };
  }

  /**
   * Checks a staff id and PIN without opening a session (the kiosk's staff exit). Wrong PINs
   * count towards the same lockout as sign-ins, so neither path can be used to guess.
   */
  async checkPin(staffId: string, pin: string, now: number): Promise<StaffRecord> {
    const staff = this.store.staff(staffId);
    if (!staff || !staff.active) {
      await verifyPin(pin, await DUMMY_HASH_PROMISE);
      throw new DomainError('INVALID_CREDENTIALS', 'Staff id or PIN is wrong.');
    }
    if (staff.lockedUntil > now) {
      const minutes = Math.ceil((staff.lockedUntil - now) / 60_000);
      throw new DomainError('ACCOUNT_LOCKED', `Too many wrong PINs: this account is locked for ${minutes} more minute(s), or until a supervisor unlocks it.`);
    }
    const pinOk = await verifyPin(pin, staff.pinHash);
    // Re-read: other logins may have counted failures, or locked the account, while the hash
    // ran. Without this, guesses sent in parallel reset the lock that an earlier one set.
    const fresh = this.store.staff(staffId) ?? staff;
    if (fresh.lockedUntil > now) {
      const minutes = Math.ceil((fresh.lockedUntil - now) / 60_000);
      throw new DomainError('ACCOUNT_LOCKED', `Too many wrong PINs: this account is locked for ${minutes} more minute(s), or until a supervisor unlocks it.`);
    }
    if (!pinOk) {
      const failed = fresh.failedAttempts + 1;
      if (failed >= this.settings.lockoutAttempts) {
        const until = now + this.settings.lockoutMinutes * 60_000;
        this.store.setLoginFailures(staffId, 0, until);
        this.onLocked(staffId, until);
        throw new DomainError('ACCOUNT_LOCKED', `Too many wrong PINs: this account is now locked for ${this.settings.lockoutMinutes} minutes.`);
      }
      this.store.setLoginFailures(staffId, failed, 0);
      throw new DomainError('INVALID_CREDENTIALS', `Staff id or PIN is wrong (${this.settings.lockoutAttempts - failed} tries left before the account locks).`);
    }
    if (fresh.failedAttempts > 0 || fresh.lockedUntil > 0) this.store.setLoginFailures(staffId, 0, 0);
    return staff;
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
    this.store.upsertStaff({ id: input.id, name: input.name, roles: input.roles, counters: input.counters, pinHash: await this.hashNewPin(input.pin), active: input.active ?? true });
  }

  /** The stored hash of a new PIN, once the PIN passes the PIN rules (WEAK_PIN otherwise). */
  async hashNewPin(pin: string): Promise<string> {
    if (!PIN_PATTERN.test(pin)) throw new DomainError('WEAK_PIN', 'A PIN is 4 to 12 digits.');
    return hashPin(pin);
  }

  /** Whether sign-in to this account is locked now (too many wrong PINs). */
  isLocked(staffId: string, now: number): boolean {
    return (this.store.staff(staffId)?.lockedUntil ?? 0) > now;
  }

  /**
   * A supervisor lifts the lock of an account that had too many wrong PINs (the back office
   * records who did it, server/office/staff-admin.ts).
   */
  unlock(staffId: string, _by: Principal, now: number): { staffId: string; wasLocked: boolean } {
    const staff = this.store.staff(staffId);
    if (!staff) throw new DomainError('UNKNOWN_STAFF', `There is no staff account ${staffId}.`);
    this.store.setLoginFailures(staffId, 0, 0);
    return { staffId, wasLocked: staff.lockedUntil > now };
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

/** Supervisors and admins act at any counter; a teller only at the counter they are signed into. */
export function requireCounterAccess(p: Principal, counterId: string): void {
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
}

/** Whether a staff member may sign into a counter: tellers only at their listed counters (none listed = any). */
export function requireMayOpen(p: Principal, counterId: string): void {
  if (hasRole(p, 'supervisor', 'admin')) return;
  requireRole(p, 'teller');
  if (p.staff.counters.length > 0 && !p.staff.counters.includes(counterId)) {
    throw new DomainError('FORBIDDEN', `${p.staff.id} is not assigned to counter ${counterId}; assigned: ${p.staff.counters.join(', ')}.`);
  }
}

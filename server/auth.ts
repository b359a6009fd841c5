/**
 * Staff sign-in and permissions. Tokens are random and only their hash is stored. Repeated
 * wrong PINs lock the account for a while; the lock is an event so the supervisor sees it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../common/errors.js';
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
    const staff = this.store.staff(staffId);
    if (!staff || !staff.active) {
      await verifyPin(pin, await DUMMY_HASH_PROMISE);
      throw new AppError('INVALID_CREDENTIALS', 'Staff id or PIN is wrong.', 401);
    }
    if (staff.lockedUntil > now) {
      const minutes = Math.ceil((staff.lockedUntil - now) / 60_000);
      throw new AppError('ACCOUNT_LOCKED', `Too many wrong PINs: this account is locked for ${minutes} more minute(s), or until a supervisor unlocks it.`, 423);
    }
    const pinOk = await verifyPin(pin, staff.pinHash);
    // Re-read: other logins may have counted failures, or locked the account, while the hash
    // ran. Without this, guesses sent in parallel reset the lock that an earlier one set.
    const fresh = this.store.staff(staffId) ?? staff;
    if (fresh.lockedUntil > now) {
      const minutes = Math.ceil((fresh.lockedUntil - now) / 60_000);
      throw new AppError('ACCOUNT_LOCKED', `Too many wrong PINs: this account is locked for ${minutes} more minute(s), or until a supervisor unlocks it.`, 423);
    }
    if (!pinOk) {
      const failed = fresh.failedAttempts + 1;
      if (failed >= this.settings.lockoutAttempts) {
        const until = now + this.settings.lockoutMinutes * 60_000;
        this.store.setLoginFailures(staffId, 0, until);
        this.onLocked(staffId, until);
        throw new AppError('ACCOUNT_LOCKED', `Too many wrong PINs: this account is now locked for ${this.settings.lockoutMinutes} minutes.`, 423);
      }
      this.store.setLoginFailures(staffId, failed, 0);
      throw new AppError('INVALID_CREDENTIALS', `Staff id or PIN is wrong (${this.settings.lockoutAttempts - failed} tries left before the account locks).`, 401);
    }
    if (fresh.failedAttempts > 0 || fresh.lockedUntil > 0) this.store.setLoginFailures(staffId, 0, 0);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.settings.sessionHours * 3_600_000;
    this.store.createSession({ tokenHash: tokenHash(token), staffId, counterId: null, createdAt: now, expiresAt });
    return { token, staff, expiresAt };
  }

  /** The signed-in staff behind an Authorization header, or a 401. */
  authenticate(header: string | undefined, now: number): Principal {
    const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header ?? '');
    if (!m) throw new AppError('UNAUTHENTICATED', 'Sign in first: this needs a staff token (Authorization: Bearer TOKEN).', 401);
    const session = this.store.session(tokenHash(m[1]!));
    if (!session || session.expiresAt <= now) throw new AppError('UNAUTHENTICATED', 'The session has expired or was signed out; sign in again.', 401);
    const staff = this.store.staff(session.staffId);
    if (!staff || !staff.active) throw new AppError('UNAUTHENTICATED', 'This staff account is no longer active.', 401);
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

  async createStaff(input: { id: string; name: string; roles: StaffRole[]; counters: string[]; pin: string; active?: boolean }): Promise<void> {
    if (!PIN_PATTERN.test(input.pin)) throw new AppError('WEAK_PIN', 'A PIN is 4 to 12 digits.', 400);
    this.store.upsertStaff({ id: input.id, name: input.name, roles: input.roles, counters: input.counters, pinHash: await hashPin(input.pin), active: input.active ?? true });
  }
}

export function hasRole(p: Principal, ...roles: StaffRole[]): boolean {
  return p.staff.roles.some((r) => roles.includes(r));
}

export function requireRole(p: Principal, ...roles: StaffRole[]): void {
  if (!hasRole(p, ...roles)) {
    throw new AppError('FORBIDDEN', `This needs one of the roles ${roles.join(', ')}; ${p.staff.id} has ${p.staff.roles.join(', ')}.`, 403);
  }
}

/** Supervisors and admins act at any counter; a teller only at the counter they are signed into. */
export function requireCounterAccess(p: Principal, counterId: string): void {
  if (hasRole(p, 'supervisor', 'admin')) return;
  if (!hasRole(p, 'teller')) throw new AppError('FORBIDDEN', 'Only tellers, supervisors and admins act at counters.', 403);
  if (p.session.counterId !== counterId) {
    throw new AppError(
      'FORBIDDEN',
      p.session.counterId
        ? `You are signed in at counter ${p.session.counterId}, not ${counterId}.`
        : `Open counter ${counterId} first (POST /api/counters/${counterId}/open).`,
      403,
    );
  }
}

/** Whether a staff member may sign into a counter: tellers only at their listed counters (none listed = any). */
export function requireMayOpen(p: Principal, counterId: string): void {
  if (hasRole(p, 'supervisor', 'admin')) return;
  requireRole(p, 'teller');
  if (p.staff.counters.length > 0 && !p.staff.counters.includes(counterId)) {
    throw new AppError('FORBIDDEN', `${p.staff.id} is not assigned to counter ${counterId}; assigned: ${p.staff.counters.join(', ')}.`, 403);
  }
}

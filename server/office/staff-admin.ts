/**
 * Staff accounts in the back office: create, change roles and counters, reset a PIN, unlock an
 * account locked by wrong PINs, deactivate. Every change is a `staff.changed` event written in
 * the same transaction as the account (the command runner's record), naming who made it and
 * what changed, never the PIN.
 *
 * Who may do what: an admin manages every account; a supervisor manages tellers' and lobby
 * staff's accounts (never one with the supervisor or admin role, nor grants those roles). Nobody
 * deactivates their own account or takes away their own supervisor or admin role, and the branch
 * always keeps one active admin, so the back office can never lock everybody out.
 */
import { DomainError } from '../../common/errors.js';
import { draft } from '../../core/events.js';
import type { StaffRole } from '../../core/types.js';
import type { BranchStore, StaffRecord } from '../../db/branch-store.js';
import { hasRole, type Auth, type Principal } from '../auth.js';
import type { BranchService } from '../branch-service.js';

export interface StaffInput {
  id: string;
  name: string;
  roles: StaffRole[];
  counters: string[];
  pin: string;
  active: boolean;
}

export interface StaffPatch {
  name?: string;
  roles?: StaffRole[];
  counters?: string[];
  active?: boolean;
}

export interface StaffView {
  id: string;
  name: string;
  roles: StaffRole[];
  counters: string[];
  active: boolean;
  locked: boolean;
}

const MANAGED_BY_SUPERVISORS: readonly StaffRole[] = ['teller', 'lobby'];

type StaffStore = Pick<BranchStore, 'staff' | 'listStaff' | 'upsertStaff' | 'updateStaff'>;

function list(xs: readonly string[]): string {
  return xs.length ? xs.join(', ') : '–';
}

export class StaffAdmin {
  constructor(
    private readonly deps: {
      auth: Auth;
      service: Pick<BranchService, 'record' | 'clock' | 'queueConfig'>;
      store: StaffStore;
    },
  ) {}

  list(now: number): StaffView[] {
    return this.deps.store.listStaff().map((s) => this.view(s, now));
  }

  /** A new account, or (replace) a new version of an existing one, PIN included. */
  async save(input: StaffInput, by: Principal, opts: { mustBeNew: boolean }): Promise<StaffView> {
    const existing = this.deps.store.staff(input.id);
    if (existing && opts.mustBeNew) throw new DomainError('STAFF_EXISTS', `There is already a staff account ${input.id} (${existing.name}); choose another id, or change that account.`);
    if (existing) this.requireMayManage(by, existing.roles);
    this.requireMayManage(by, input.roles);
    this.checkCounters(input.counters);
    const pinHash = await this.deps.auth.hashNewPin(input.pin, input.id);
    const record = { id: input.id, name: input.name, roles: input.roles, counters: input.counters, pinHash, active: input.active };
    if (existing) this.requireKeepsAdmin(existing, record, by);
    const changes = existing ? [...this.changes(existing, record), 'pin: reset'] : [`name: ${input.name}`, `roles: ${list(input.roles)}`, `counters: ${list(input.counters)}`];
    this.write(input.id, existing ? 'updated' : 'created', by, changes, () => this.deps.store.upsertStaff(record));
    return this.view(record, this.deps.service.clock());
  }

  update(id: string, patch: StaffPatch, by: Principal): StaffView {
    const existing = this.require(id);
    this.requireMayManage(by, existing.roles);
    if (patch.roles) this.requireMayManage(by, patch.roles);
    if (patch.counters) this.checkCounters(patch.counters);
    const next: StaffRecord = {
      ...existing,
      name: patch.name ?? existing.name,
      roles: patch.roles ?? existing.roles,
      counters: patch.counters ?? existing.counters,
      active: patch.active ?? existing.active,
    };
    this.requireKeepsAdmin(existing, next, by);
    const changes = this.changes(existing, next);
    if (changes.length === 0) return this.view(existing, this.deps.service.clock());
    const action = existing.active && !next.active ? 'deactivated' : !existing.active && next.active ? 'reactivated' : 'updated';
    this.write(id, action, by, changes, () => this.deps.store.updateStaff(next));
    return this.view(next, this.deps.service.clock());
  }

  async resetPin(id: string, pin: string, by: Principal): Promise<StaffView> {
    const existing = this.require(id);
    this.requireMayManage(by, existing.roles);
    const pinHash = await this.deps.auth.hashNewPin(pin, id);
    const next = { ...existing, pinHash };
    this.write(id, 'pin_reset', by, ['pin: reset'], () => this.deps.store.updateStaff(next));
    return this.view(next, this.deps.service.clock());
  }

  unlock(id: string, by: Principal): StaffView {
    const existing = this.require(id);
    this.requireMayManage(by, existing.roles);
    const now = this.deps.service.clock();
    // The locks live in memory (server/login-guard.ts); the event records who lifted them.
    const { unlockedAddresses } = this.deps.auth.unlock(id, now);
    this.write(id, 'unlocked', by, [`sign-in lock: lifted (${unlockedAddresses} device${unlockedAddresses === 1 ? '' : 's'})`], () => undefined);
    return this.view(this.require(id), now);
  }

  private write(staffId: string, action: 'created' | 'updated' | 'pin_reset' | 'unlocked' | 'deactivated' | 'reactivated', by: Principal, changes: string[], alongside: () => void): void {
    this.deps.service.record([draft('staff.changed', this.deps.service.clock(), { staffId, action, by: by.staff.id, changes })], alongside);
  }

  private view(s: StaffRecord, now: number): StaffView {
    return { id: s.id, name: s.name, roles: s.roles, counters: s.counters, active: s.active, locked: this.deps.auth.isLocked(s.id, now) };
  }

  private require(id: string): StaffRecord {
    const s = this.deps.store.staff(id);
    if (!s) throw new DomainError('UNKNOWN_STAFF', `There is no staff account ${id}.`);
    return s;
  }

  private requireMayManage(by: Principal, roles: readonly StaffRole[]): void {
    if (hasRole(by, 'admin')) return;
    if (!hasRole(by, 'supervisor')) throw new DomainError('FORBIDDEN', 'Staff accounts are managed by supervisors and admins.');
    const beyond = roles.filter((r) => !MANAGED_BY_SUPERVISORS.includes(r));
    if (beyond.length) throw new DomainError('FORBIDDEN', `Accounts with the role ${beyond.join(', ')} are managed by an admin.`);
  }

  private requireKeepsAdmin(before: StaffRecord, after: StaffRecord, by: Principal): void {
    if (before.id === by.staff.id) {
      if (!after.active) throw new DomainError('FORBIDDEN', 'You cannot deactivate your own account; ask another supervisor or admin.');
      const lost = before.roles.filter((r) => (r === 'admin' || r === 'supervisor') && !after.roles.includes(r));
      if (lost.length) throw new DomainError('FORBIDDEN', `You cannot take the role ${lost.join(', ')} from your own account.`);
    }
    const wasAdmin = before.active && before.roles.includes('admin');
    const staysAdmin = after.active && after.roles.includes('admin');
    if (wasAdmin && !staysAdmin) {
      const others = this.deps.store.listStaff().filter((s) => s.id !== before.id && s.active && s.roles.includes('admin'));
      if (others.length === 0) throw new DomainError('LAST_ADMIN', `${before.id} is the branch's only active admin; make another account admin first.`);
    }
  }

  private checkCounters(counters: readonly string[]): void {
    const known = new Set(this.deps.service.queueConfig.counters.map((c) => c.id));
    const unknown = counters.filter((c) => !known.has(c));
    if (unknown.length) throw new DomainError('UNKNOWN_COUNTER', `There is no counter ${unknown.join(', ')} at this branch.`);
  }

  private changes(before: StaffRecord, after: StaffRecord): string[] {
    const out: string[] = [];
    if (before.name !== after.name) out.push(`name: ${before.name} → ${after.name}`);
    if (list(before.roles) !== list(after.roles)) out.push(`roles: ${list(before.roles)} → ${list(after.roles)}`);
    if (list(before.counters) !== list(after.counters)) out.push(`counters: ${list(before.counters)} → ${list(after.counters)}`);
    if (before.active !== after.active) out.push(`active: ${before.active ? 'yes' : 'no'} → ${after.active ? 'yes' : 'no'}`);
    return out;
  }
}

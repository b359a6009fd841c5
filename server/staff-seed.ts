/**
 * First accounts for a new data folder. In demo mode: a teller per counter and one of each
 * other role, written to demo-credentials.json for people and test programs. Otherwise: one
 * admin whose PIN is written once to initial-admin.json, readable only by the service's user.
 */
import { randomInt } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QueueConfig, StaffRole } from '../core/types.js';
import type { BranchStore } from '../db/branch-store.js';
import type { Auth } from './auth.js';
import { pinWeakness } from './pin-policy.js';

export interface Credential {
  staffId: string;
  pin: string;
  name: string;
  roles: StaffRole[];
  counters: string[];
}

export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';
export const INITIAL_ADMIN_FILE = 'initial-admin.json';

/** A random six-digit PIN that the PIN policy accepts. */
function pin(): string {
  for (;;) {
    const p = String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (!pinWeakness(p, 6)) return p;
  }
}

export function demoAccounts(config: QueueConfig): Omit<Credential, 'pin'>[] {
  return [
    ...config.counters.map((c, i) => ({
      staffId: `T${String(i + 1).padStart(2, '0')}`,
      name: `Demo teller ${i + 1}`,
      roles: ['teller'] as StaffRole[],
      counters: [c.id],
    })),
    { staffId: 'L01', name: 'Demo lobby manager', roles: ['lobby'], counters: [] },
    { staffId: 'S01', name: 'Demo supervisor', roles: ['supervisor'], counters: [] },
    { staffId: 'A01', name: 'Demo admin', roles: ['admin', 'supervisor'], counters: [] },
  ];
}

/** Seeds demo staff unless the credentials file already exists; returns the credentials in force. */
export async function seedDemoStaff(dataDir: string, config: QueueConfig, auth: Auth): Promise<{ file: string; created: boolean }> {
  const file = join(dataDir, DEMO_CREDENTIALS_FILE);
  if (existsSync(file)) return { file, created: false };
  const creds: Credential[] = demoAccounts(config).map((a) => ({ ...a, pin: pin() }));
  // Each PIN hash is slow on purpose; hashing them side by side (libuv's thread pool) uses
  // every core, which keeps a new demo branch's first start short.
  await Promise.all(creds.map((c) => auth.createStaff({ id: c.staffId, name: c.name, roles: c.roles, counters: c.counters, pin: c.pin })));
  writeFileSync(file, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  return { file, created: true };
}

export async function seedInitialAdmin(dataDir: string, store: BranchStore, auth: Auth): Promise<string | undefined> {
  if (store.listStaff().length > 0) return undefined;
  const file = join(dataDir, INITIAL_ADMIN_FILE);
  const c: Credential = { staffId: 'admin', pin: pin(), name: 'Administrator', roles: ['admin', 'supervisor'], counters: [] };
  await auth.createStaff({ id: c.staffId, name: c.name, roles: c.roles, counters: c.counters, pin: c.pin });
  writeFileSync(file, JSON.stringify(c, null, 2) + '\n', { mode: 0o600 });
  return file;
}

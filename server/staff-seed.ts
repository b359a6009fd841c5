/**
 * First accounts for a new data folder. In demo mode: a teller per counter and one of each
 * other role, written to demo-credentials.json for people and test programs. Otherwise: one
 * admin whose PIN is written once to initial-admin.json, readable only by the service's user.
 */
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileDurably } from '../common/durable-file.js';
import { DomainError } from '../common/errors.js';
import { staffRoleSchema, type QueueConfig, type StaffRole } from '../core/types.js';
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

const credentialsSchema = z.array(
  z.object({ staffId: z.string().min(1), pin: z.string().min(1), name: z.string(), roles: z.array(staffRoleSchema), counters: z.array(z.string()) }),
);

/**
 * The demo staff of a new data folder. Their file is written first, durably; the accounts not yet
 * stored are returned for `storeDemoStaff`, which hashes their PINs (after the service is ready;
 * the caller holds sign-ins until they are stored, so a credential works as soon as the service
 * says it is ready). A start that finds the file but accounts of it missing (stopped while
 * hashing) returns those.
 */
export function seedDemoStaff(dataDir: string, config: QueueConfig, store: Pick<BranchStore, 'staff'>): { file: string; unstored: Credential[] } {
  const file = join(dataDir, DEMO_CREDENTIALS_FILE);
  if (existsSync(file)) {
    const parsed = credentialsSchema.safeParse(parseJson(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new DomainError('BAD_CREDENTIALS_FILE', `${file} is not a list of demo staff credentials; delete it to seed new demo staff.`);
    return { file, unstored: parsed.data.filter((c) => !store.staff(c.staffId)) };
  }
  const creds = demoAccounts(config).map((a) => ({ ...a, pin: pin() }));
  writeFileDurably(file, JSON.stringify(creds, null, 2) + '\n');
  return { file, unstored: creds };
}

export async function storeDemoStaff(auth: Auth, creds: Credential[]): Promise<void> {
  // Each PIN hash is slow on purpose; hashing them side by side (libuv's thread pool) uses
  // every core.
  await Promise.all(creds.map((c) => auth.createStaff({ id: c.staffId, name: c.name, roles: c.roles, counters: c.counters, pin: c.pin })));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function seedInitialAdmin(dataDir: string, store: BranchStore, auth: Auth): Promise<string | undefined> {
  if (store.listStaff().length > 0) return undefined;
  const file = join(dataDir, INITIAL_ADMIN_FILE);
  const c: Credential = { staffId: 'admin', pin: pin(), name: 'Administrator', roles: ['admin', 'supervisor'], counters: [] };
  await auth.createStaff({ id: c.staffId, name: c.name, roles: c.roles, counters: c.counters, pin: c.pin });
  writeFileSync(file, JSON.stringify(c, null, 2) + '\n', { mode: 0o600 });
  return file;
}

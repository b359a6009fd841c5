/**
 * The branch's head-office identity in its data folder: `hq-credential.json` (head office's URL,
 * the branch id, the credential; readable only by the service's user), and `hq-install-id`, a
 * random id of this installation that makes a retried enrollment safe.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DomainError } from '../common/errors.js';

export const CREDENTIAL_FILE = 'hq-credential.json';
const INSTALL_ID_FILE = 'hq-install-id';

const credentialFileSchema = z.object({ hq: z.string(), branch: z.string(), credential: z.string().min(20), enrolledAt: z.string() });
export type StoredCredential = z.infer<typeof credentialFileSchema>;

export function readCredential(dataDir: string): StoredCredential | undefined {
  const path = join(dataDir, CREDENTIAL_FILE);
  if (!existsSync(path)) return undefined;
  const parsed = credentialFileSchema.safeParse((() => {
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return undefined;
    }
  })());
  if (!parsed.success) throw new DomainError('HQ_CREDENTIAL_INVALID', `${path} is damaged; delete it and enroll the branch again with a new code.`);
  return parsed.data;
}

/** Written to a temporary file and renamed, so a crash never leaves half a credential. */
export function writeCredential(dataDir: string, c: StoredCredential): void {
  const path = join(dataDir, CREDENTIAL_FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(c, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

export function installId(dataDir: string): string {
  const path = join(dataDir, INSTALL_ID_FILE);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const id = randomBytes(12).toString('base64url');
  writeFileSync(path, id + '\n', { mode: 0o600 });
  return id;
}

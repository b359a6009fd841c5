/**
 * One head-office process owns an embedded database folder. The server takes `hq.lock` in the
 * data folder and writes `hq-server.json` (its URL and a control secret, readable only by its
 * user); `enroll` and `operator-token` then ask the running server over loopback, and open the
 * database themselves only when no server holds the folder.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DomainError } from '../common/errors.js';

export const LOCK_FILE = 'hq.lock';
export const SERVER_FILE = 'hq-server.json';

const serverFileSchema = z.object({ pid: z.number().int(), url: z.string(), secret: z.string(), ca: z.string().optional() });
export type ServerFile = z.infer<typeof serverFileSchema>;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockHolder(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, LOCK_FILE), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the data folder for this process; a lock left by a dead process is taken over. */
export function acquireLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = lockHolder(dir);
      if (holder) throw new DomainError('DATA_DIR_IN_USE', `Another head-office process (pid ${holder}) is using ${dir}.`, { pid: holder });
      rmSync(path, { force: true });
    }
  }
  throw new DomainError('DATA_DIR_IN_USE', `Could not take ${path}.`);
}

export function newControlSecret(): string {
  return randomBytes(24).toString('base64url');
}

export function writeServerFile(dir: string, info: ServerFile): () => void {
  const path = join(dir, SERVER_FILE);
  writeFileSync(path, JSON.stringify(info) + '\n', { mode: 0o600 });
  return () => rmSync(path, { force: true });
}

/** The running server on this folder, if there is one. */
export function runningServer(dir: string): ServerFile | undefined {
  if (!lockHolder(dir)) return undefined;
  try {
    const info = serverFileSchema.parse(JSON.parse(readFileSync(join(dir, SERVER_FILE), 'utf8')));
    return alive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens the branch database: WAL with synchronous=FULL (better-sqlite3 builds SQLite with
 * WAL defaulting to NORMAL, which can lose the last commits on power loss; a lost ticket
 * number means two customers holding the same number), an integrity check, then migrations.
 * The files are readable by the service's user only (they hold PIN hashes and the day's
 * customers); a data folder the service cannot write stops the start with a clear message.
 */
import Database from 'better-sqlite3';
import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DomainError } from '../common/errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { BUSY_TIMEOUT_MS } from './write-guard.js';

/**
 * How many pages the WAL may hold before the connection that commits copies them into the
 * database file itself (SQLite's wal_autocheckpoint; its default is 1,000). The service copies
 * them when it has been idle for a moment (WriteGuard.checkpointWhenIdle, on the storage watch's
 * timer), so this bound is met only under sustained load: a ticket writes about 7 pages, so at
 * 1,000 a checkpoint (writing the pages into the database file and syncing it, 1–3 ms on a quiet
 * disk) fell inside about one ticket in 135, and one "call next" in 85 — inside the p99. At
 * 4,096 pages (16 MiB of WAL) it falls in about one ticket in 550, and copies each hot page
 * (the ends of the tables and indexes) once for more commands (docs/benchmarks.md).
 */
export const WAL_BOUND_PAGES = 4096;

export type Db = Database.Database;

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_READONLY_DIRECTORY', 'SQLITE_READONLY_CANTINIT', 'SQLITE_PERM']);

function notWritable(path: string, e: unknown): DomainError | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !NOT_WRITABLE.has(code)) return undefined;
  return new DomainError(
    'DATA_DIR_NOT_WRITABLE',
    `The branch service cannot write its data folder ${dirname(path)} (${code}). Give the service's user write access to the folder, or start it with --data pointing to a folder it can write.`,
    { path, code },
  );
}

/** Creates the folder and the database file readable by the service's user only; tightens existing files. */
function prepareFiles(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    accessSync(dirname(path), constants.W_OK);
    closeSync(openSync(path, 'a', 0o600));
    // SQLite gives the -wal and -shm files the database file's permissions.
    for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  } catch (e) {
    throw notWritable(path, e) ?? e;
  }
}

export function openDatabase(path: string, migrations: Migration[] = MIGRATIONS): Db {
  if (path !== ':memory:') prepareFiles(path);
  let db: Db;
  try {
    db = new Database(path);
  } catch (e) {
    throw notWritable(path, e) ?? new DomainError('DB_OPEN_FAILED', `Cannot open the database ${path}: ${(e as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Short: another program's lock must not stall the event loop (write-guard.ts).
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // better-sqlite3 builds SQLite with a 16 MB page cache; SQLite's own default of 2 MB holds
    // what the service touches (today's tickets, the ends of the indexes), the OS caches the
    // rest of the file, and the service's memory stays flat under its 120 MB bar.
    db.pragma('cache_size = -2000');
    db.pragma(`wal_autocheckpoint = ${WAL_BOUND_PAGES}`);
    // After a checkpoint the WAL is reused from its start; a WAL that grew past the bound (one
    // large transaction) is cut back to it then.
    db.pragma(`journal_size_limit = ${WAL_BOUND_PAGES * 4096}`);
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new DomainError('DB_CORRUPT', `The database ${path} failed its integrity check (${String(check)}); restore it from a backup.`);
    }
    migrate(db, migrations);
  } catch (e) {
    db.close();
    throw notWritable(path, e) ?? e;
  }
  return db;
}

function migrate(db: Db, migrations: Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new DomainError('DB_TOO_NEW', `The database is at schema ${current}, newer than this version understands (${latest}); update the product.`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

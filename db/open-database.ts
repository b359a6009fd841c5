/**
 * Opens the branch database: WAL with synchronous=FULL (better-sqlite3 builds SQLite with
 * WAL defaulting to NORMAL, which can lose the last commits on power loss; a lost ticket
 * number means two customers holding the same number), an integrity check, then migrations.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DomainError } from '../common/errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export type Db = Database.Database;

export function openDatabase(path: string, migrations: Migration[] = MIGRATIONS): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path);
  } catch (e) {
    throw new DomainError('DB_OPEN_FAILED', `Cannot open the database ${path}: ${(e as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // better-sqlite3 builds SQLite with a 16 MB page cache; SQLite's own default of 2 MB holds
    // what the service touches (today's tickets, the ends of the indexes), the OS caches the
    // rest of the file, and the service's memory stays flat under its 120 MB bar.
    db.pragma('cache_size = -2000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new DomainError('DB_CORRUPT', `The database ${path} failed its integrity check (${String(check)}); restore it from a backup.`);
    }
    migrate(db, migrations);
  } catch (e) {
    db.close();
    throw e;
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

/**
 * Every write to the branch database passes this guard (docs/security.md, "A failing disk"):
 *
 * - The files must still be the ones opened. SQLite keeps writing to the file it has open, so a
 *   WAL that was deleted or replaced under the service takes every later commit with it when
 *   the process stops: answered tickets vanish and their numbers are issued again. The device
 *   and inode of the database and its WAL are checked before each write and after it (and on a
 *   timer, server/storage-watch.ts); while their folder's times stand still, one stat of the
 *   folder stands for both (see changed()). On a mismatch the service stops taking writes for good
 *   (STORAGE_REPLACED, until restarted), saves what it can and makes sure no number is reissued:
 *     1. when the database file itself is still the one opened, a checkpoint copies everything
 *        committed (the deleted WAL is still open) into it: nothing answered is lost;
 *        Otherwise the database as this connection still sees it is copied to a rescue file;
 *     2. a WAL or index file at the path that does not belong to the database file there is
 *        moved aside, so the next start does not apply it to the wrong database;
 *     3. the numbers issued so far, as this connection sees them, go to a numbering file beside
 *        the database (numbering-guard.ts), which the next start applies before anything else.
 *   Group commit (decision record 0002): a batch's BEGIN and COMMIT pass the guard like every
 *   write, so the files are checked before a batch is committed. A batch still open when the
 *   files change is rolled back (its numbers go to the numbering file first): nobody has been
 *   answered for it, since every answer waits until its batch is durable, and the command
 *   runner answers each waiting request with STORAGE_REPLACED and rebuilds memory.
 * - A lock held by another program (a backup tool, the sqlite3 shell) makes SQLite wait; the
 *   wait is short, and after one refused write the next ones within a second are refused at
 *   once (STORAGE_BUSY) instead of each stalling the event loop.
 */
import { chmodSync, existsSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DomainError } from '../common/errors.js';
import { writeNumberingGuard } from './numbering-guard.js';
import type { Db } from './open-database.js';

// How long one write may wait for another program's lock, and how long later writes are then
// refused without waiting.
export const BUSY_TIMEOUT_MS = 200;
const BUSY_BACKOFF_MS = 1_000;

interface FileId {
  dev: number;
  ino: number;
}

export interface StorageProblem {
  code: 'STORAGE_REPLACED';
  /** What changed, for people: "branch.db-wal was deleted". */
  detail: string;
  since: number;
  /** Whether everything committed was saved into the database file (it was still the one opened). */
  saved: boolean;
  /** Where the numbers issued so far were written, if that worked. */
  numberingFile?: string;
  /** A full copy of the database as the service had it, when the database file was replaced. */
  rescue?: string;
}

function fileId(path: string): FileId | undefined {
  const s = statSync(path, { throwIfNoEntry: false });
  return s ? { dev: s.dev, ino: s.ino } : undefined;
}

/** The data folder as stat sees it: any file created, deleted or renamed in it changes its times. */
interface FolderStamp extends FileId {
  mtimeMs: number;
  ctimeMs: number;
}

function folderStamp(path: string): FolderStamp | undefined {
  const s = statSync(path, { throwIfNoEntry: false });
  return s ? { dev: s.dev, ino: s.ino, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs } : undefined;
}

const sameStamp = (a: FolderStamp | undefined, b: FolderStamp | undefined): boolean =>
  a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;

/**
 * A folder stamp is trusted (its files need no stat of their own while it holds) only once a
 * full check at least this long after it was first seen found the files unchanged and the stamp
 * the same: file systems stamp times with a coarse clock (a few milliseconds), so a change made
 * in the same tick as the folder's last change could leave its times as they were. Any change
 * after that later check falls in a later tick (unless the system clock is set back by just as
 * much in between; the timer's full check, once a second, is there for the rest).
 */
const STAMP_SETTLE_MS = 50;

function describe(path: string, opened: FileId, now: FileId | undefined): string | undefined {
  const name = path.split(/[\\/]/).pop();
  if (!now) return `${name} was deleted`;
  if (now.dev !== opened.dev || now.ino !== opened.ino) return `${name} was replaced by another file`;
  return undefined;
}

export class WriteGuard {
  private readonly main: FileId | undefined;
  private readonly wal: FileId | undefined;
  private readonly shm: FileId | undefined;
  private halted: StorageProblem | undefined;
  private busyUntil = 0;
  /** When the last write began, and when the WAL was last copied into the database file. */
  private lastWriteAt = 0;
  private checkpointedAt = 0;
  /** The data folder's stamp while the files are known to be the ones opened (see changed()). */
  private trusted: FolderStamp | undefined;
  private candidate: { stamp: FolderStamp; at: number } | undefined;

  constructor(
    private readonly db: Db,
    private readonly opts: { onHalt?(p: StorageProblem): void; now?: () => number } = {},
  ) {
    this.main = db.memory ? undefined : fileId(db.name);
    this.wal = db.memory ? undefined : fileId(`${db.name}-wal`);
    this.shm = db.memory ? undefined : fileId(`${db.name}-shm`);
  }

  get problem(): StorageProblem | undefined {
    return this.halted;
  }

  /** Checks the files now (the timer's check); returns the problem, if any. */
  check(): StorageProblem | undefined {
    if (!this.halted) {
      const change = this.changed(true);
      if (change) this.halt(change);
    }
    return this.halted;
  }

  /**
   * Runs a write: refused at once while halted or busy; the files are checked before and after.
   * `files`: 'batched' skips the file checks for a write inside an open batch, whose COMMIT is
   * checked before and after (nothing written inside it is durable or answered before then, and
   * a change found at the COMMIT rolls the whole batch back); 'before' checks only before (BEGIN
   * writes nothing). Each check is two stat calls: per command they were a tenth of the service's
   * CPU time under load (docs/benchmarks.md).
   */
  write<T>(fn: () => T, files: 'both' | 'before' | 'batched' = 'both'): T {
    const checkFiles = files !== 'batched' || !this.db.inTransaction;
    this.assertWritable(checkFiles);
    let out: T;
    try {
      out = fn();
    } catch (e) {
      if ((e as { code?: unknown }).code === 'SQLITE_BUSY') {
        this.busyUntil = this.now() + BUSY_BACKOFF_MS;
        throw busyError();
      }
      throw e;
    }
    const change = checkFiles && files !== 'before' ? this.changed() : undefined;
    if (change) {
      // Inside a batch the write is not committed yet, and the halt rolls the batch back.
      const inBatch = this.db.inTransaction;
      const p = this.halt(change);
      // A commit that went to a file that is no longer the database's stands only if the
      // checkpoint saved it into the database file.
      if (inBatch || !p.saved) throw replacedError(p);
    }
    return out;
  }

  private assertWritable(checkFiles: boolean): void {
    if (this.halted) throw replacedError(this.halted);
    const change = checkFiles ? this.changed() : undefined;
    if (change) throw replacedError(this.halt(change));
    const now = this.now();
    const wait = this.busyUntil - now;
    if (wait > 0) throw busyError(Math.ceil(wait / 1000));
    this.lastWriteAt = now;
  }

  /**
   * Copies the WAL into the database file (a passive checkpoint: it never waits for a lock) when
   * something was written since the last copy and nothing for `idleMs`, so the copy runs between
   * requests rather than inside one (db/open-database.ts, WAL_BOUND_PAGES). Returns whether it
   * ran. Checked like a write: not while writes are halted, nor inside a batch.
   */
  checkpointWhenIdle(idleMs: number): boolean {
    if (this.db.memory || this.halted || this.db.inTransaction) return false;
    if (this.lastWriteAt <= this.checkpointedAt || this.now() - this.lastWriteAt < idleMs) return false;
    this.write(() => this.db.pragma('wal_checkpoint(PASSIVE)'), 'before');
    this.checkpointedAt = this.lastWriteAt;
    return true;
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /**
   * What changed about the database files, if anything. Deleting, renaming or replacing a file
   * changes its folder's modification and change times, so while the folder's stamp is the one
   * trusted, one stat of the folder stands for the two of the files (a batch is checked three
   * times; three stats less are about 40 µs of CPU time per ticket, decision record 0015).
   * When the stamp differs (the service itself writes a file there now and then), the files are
   * checked one by one, and the new stamp is trusted once it has held for STAMP_SETTLE_MS.
   * `full`: the files are checked whatever the folder says (the timer's check, once a second: a
   * file system that did not keep its folders' times would still be caught there).
   */
  private changed(full = false): string | undefined {
    if (!this.main) return undefined;
    const folder = folderStamp(dirname(this.db.name));
    const trusted = sameStamp(folder, this.trusted);
    if (trusted && !full) return undefined;
    const change =
      describe(this.db.name, this.main, fileId(this.db.name)) ?? (this.wal ? describe(`${this.db.name}-wal`, this.wal, fileId(`${this.db.name}-wal`)) : undefined);
    if (change || !folder) {
      this.trusted = undefined;
      this.candidate = undefined;
      return change;
    }
    if (trusted) return undefined;
    this.trusted = undefined;
    const now = this.now();
    if (this.candidate && sameStamp(folder, this.candidate.stamp)) {
      if (now - this.candidate.at >= STAMP_SETTLE_MS) this.trusted = folder;
    } else {
      this.candidate = { stamp: folder, at: now };
    }
    return undefined;
  }

  private halt(detail: string): StorageProblem {
    const path = this.db.name;
    const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
    const same = (a: FileId | undefined, b: FileId | undefined) => a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
    const mainIsOurs = same(this.main, fileId(path));
    // First the numbers, as this connection sees them: with a batch open, they include its own,
    // which are then never issued again even though the batch is rolled back.
    let numberingFile: string | undefined;
    try {
      numberingFile = writeNumberingGuard(this.db, path);
    } catch {
      numberingFile = undefined;
    }
    // An open batch is answered to nobody yet (answers wait until it is durable): rolled back,
    // so the checkpoint below can save everything committed before it.
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    } catch {
      /* the checkpoint below then reports that it could not save everything */
    }
    let saved = false;
    let rescue: string | undefined;
    try {
      if (mainIsOurs) {
        // Copies every committed page from the (still open) WAL into the database file and syncs it.
        const [row] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
        saved = row !== undefined && row.busy === 0 && row.checkpointed === row.log;
      } else {
        // The database file at the path is another one now; ours lives on only in this
        // connection. A complete copy of it, for IT.
        rescue = `${path}.rescued-${stamp}`;
        this.db.exec(`VACUUM INTO '${rescue.replace(/'/g, "''")}'`);
        chmodSync(rescue, 0o600);
      }
    } catch {
      /* saving is best effort; the numbering file below is what protects the numbers */
    }
    // A WAL or index at the path that does not belong to the database file there must not be
    // applied to it at the next start: moved aside, kept for IT.
    for (const [suffix, opened] of [['-wal', this.wal], ['-shm', this.shm]] as const) {
      const file = `${path}${suffix}`;
      const current = fileId(file);
      if (!current) continue;
      const ours = same(opened, current);
      if (ours && mainIsOurs) continue;
      try {
        if (existsSync(file)) renameSync(file, `${file}.${ours ? 'orphaned' : 'foreign'}-${stamp}`);
      } catch {
        /* left in place: IT sees it in the log */
      }
    }
    this.halted = { code: 'STORAGE_REPLACED', detail, since: this.now(), saved, numberingFile, rescue };
    this.opts.onHalt?.(this.halted);
    return this.halted;
  }
}

export function replacedError(p: StorageProblem): DomainError {
  return new DomainError(
    'STORAGE_REPLACED',
    `The branch database files changed under the service (${p.detail}), so it has stopped saving anything to protect the ticket numbers. Nothing more is issued or changed until IT restarts the branch service.`,
    { detail: p.detail },
  );
}

function busyError(retryAfterSeconds = 1): DomainError {
  return new DomainError('STORAGE_BUSY', 'Another program is holding the branch database locked, so nothing was saved and nothing changed. Try again in a moment; if it persists, call IT.', {
    retryAfterSeconds,
  });
}

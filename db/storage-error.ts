/**
 * A write that SQLite refused (disk full, I/O error, a locked or read-only file) becomes a
 * domain error a person can act on. The transaction rolled back, so nothing changed; callers
 * leave memory untouched and answer with this.
 */
import { DomainError } from '../common/errors.js';

export function storageError(e: unknown): DomainError | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  if (code === 'SQLITE_FULL') {
    return new DomainError('STORAGE_FULL', "The branch computer's disk is full, so nothing was saved and nothing changed. Free space or call IT; then try again.", { sqlite: code });
  }
  return new DomainError('STORAGE_FAILED', `The branch database could not save this (${code}); nothing changed. Try again; if it persists, call IT.`, { sqlite: code });
}

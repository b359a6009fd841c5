/**
 * Where a simulation commits: a SQLite file (a temp file unless a path is given), SQLite in
 * memory, or nowhere. The handle owns what it created, so closing it removes the temp folder
 * even when the run threw half-way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineSnapshot } from '../core/engine.js';
import { createBranchStore } from '../db/branch-store.js';
import { openDatabase } from '../db/open-database.js';
import type { CommandStore } from '../server/command-runner.js';

/** Where the engine's outcomes are committed: a SQLite file, SQLite in memory, or nowhere. */
export type SimStorage = 'file' | 'memory' | 'none';

export interface SimStorageOptions {
  storage: SimStorage;
  branchId: string;
  /** With storage "file": keep the database at this path (otherwise a temp file, removed on close). */
  dbPath?: string;
  /** Keep synchronous=FULL (off by default: a throwaway database gains nothing from waiting for the disk). */
  durable?: boolean;
}

export interface SimStore extends CommandStore {
  loadSnapshot(businessDay: string): EngineSnapshot;
  close(): void;
}

/** Storage "none": the commands run through the same runner, and nothing is kept. */
const NOWHERE: SimStore = {
  loadSnapshot: () => ({ tickets: [], counters: [], sequences: [] }),
  commit: () => [],
  appendEvents: () => [],
  idempotentAnswer: () => undefined,
  close: () => undefined,
};

export function openSimStorage(opts: SimStorageOptions): SimStore {
  if (opts.storage === 'none') return NOWHERE;
  let tempDir: string | undefined;
  let path = ':memory:';
  if (opts.storage === 'file') {
    if (opts.dbPath) path = opts.dbPath;
    else {
      tempDir = mkdtempSync(join(tmpdir(), 'branch-sim-'));
      path = join(tempDir, 'branch.db');
    }
  }
  const removeTemp = () => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  try {
    const db = openDatabase(path);
    if (!opts.durable) db.pragma('synchronous = OFF');
    const store = createBranchStore(db);
    store.setMeta('branch_id', opts.branchId);
    return {
      loadSnapshot: (day) => store.loadSnapshot(day),
      commit: (outcome, branchId, idem) => store.commit(outcome, branchId, idem),
      appendEvents: (drafts, branchId, alongside) => store.appendEvents(drafts, branchId, alongside),
      idempotentAnswer: (key) => store.idempotentAnswer(key),
      close() {
        try {
          store.close();
        } finally {
          removeTemp();
        }
      },
    };
  } catch (e) {
    removeTemp();
    throw e;
  }
}

/**
 * Checkpoints off the request path (db/open-database.ts, WriteGuard.checkpointWhenIdle): the WAL
 * is copied into the database file when the service has been idle, not inside a commit, and the
 * WAL stays bounded under sustained writes. Checked on the real files: the database file grows
 * only when the WAL is copied into it.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createBranchStore } from '../../db/branch-store.js';
import { openDatabase, WAL_BOUND_PAGES } from '../../db/open-database.js';

function withStore(fn: (store: ReturnType<typeof createBranchStore>, file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'wal-checkpoint-'));
  const file = join(dir, 'branch.db');
  const store = createBranchStore(openDatabase(file));
  try {
    fn(store, file);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const size = (file: string) => statSync(file).size;

test('the WAL is copied into the database file when nothing has been written for a while, once', () => {
  withStore((store, file) => {
    assert.equal(store.checkpointWhenIdle(0), false, 'nothing written yet');
    store.setMeta('start', 'now');
    assert.equal(store.checkpointWhenIdle(0), true);
    const before = size(file);
    // 200 writes of 2 KB: far more than the database file holds, far fewer pages than the bound.
    for (let i = 0; i < 200; i++) store.setMeta(`k${i}`, 'x'.repeat(2000));
    assert.equal(size(file), before, 'a commit does not copy the WAL below the bound');
    assert.equal(store.checkpointWhenIdle(60_000), false, 'not idle long enough');
    assert.equal(size(file), before);
    assert.equal(store.checkpointWhenIdle(0), true);
    assert.ok(size(file) > before + 200 * 2000, 'the rows are in the database file now');
    assert.equal(store.checkpointWhenIdle(0), false, 'nothing written since the last copy');
    // What was copied is whole: a connection on the file reads every row.
    const other = new Database(file, { readonly: true });
    try {
      assert.equal(other.prepare("SELECT COUNT(*) FROM meta WHERE key LIKE 'k%'").pluck().get(), 200);
    } finally {
      other.close();
    }
  });
});

test('no copy while a batch is open; sustained writes keep the WAL within its bound', () => {
  withStore((store, file) => {
    store.beginBatch();
    store.setMeta('inside', 'a batch');
    assert.equal(store.checkpointWhenIdle(0), false, 'a batch is open');
    store.commitBatch();
    // Never idle: SQLite's own bound copies the WAL once it passes WAL_BOUND_PAGES pages.
    // About 15 pages a commit, so the bound is passed in a few hundred commits.
    const value = 'y'.repeat(60_000);
    for (let i = 0; i < WAL_BOUND_PAGES / 10; i++) store.setMeta(`s${i % 20}`, `${i}${value}`);
    assert.ok(size(`${file}-wal`) <= (WAL_BOUND_PAGES + 64) * (4096 + 24), `the WAL stays near its bound (${size(`${file}-wal`)} bytes)`);
  });
});

/**
 * The storage guard's shortcut (db/write-guard.ts, changed()): while the data folder's times
 * stand still, one stat of the folder stands for the stats of the database and its WAL. These
 * tests change the files after the folder's stamp has come to be trusted, and check that every
 * change is still refused at the next write, on the real files of a real folder.
 */
import { afterEach, beforeEach, test } from 'vitest';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDomainError } from '../../common/errors.js';
import { openDatabase, type Db } from '../../db/open-database.js';
import { WriteGuard } from '../../db/write-guard.js';

let dir: string;
let db: Db;
let clock: number;
let guard: WriteGuard;
let n = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'write-guard-folder-'));
  db = openDatabase(join(dir, 'branch.db'));
  clock = Date.parse('2026-11-30T10:00:00Z');
  guard = new WriteGuard(db, { now: () => clock });
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const write = () => guard.write(() => db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(`k${++n}`, 'v'));
const refused = (e: unknown) => isDomainError(e) && e.code === 'STORAGE_REPLACED';

/** Writes until the folder's stamp has held for longer than the guard waits before trusting it. */
function settle(): void {
  write();
  clock += 1_000;
  write();
  write();
}

test('once the folder is trusted, a WAL deleted under the service is refused at the next write', () => {
  settle();
  rmSync(join(dir, 'branch.db-wal'));
  assert.throws(write, refused);
  assert.match(guard.problem?.detail ?? '', /branch\.db-wal was deleted/);
});

test('once the folder is trusted, a database file renamed over the one opened is refused', () => {
  settle();
  copyFileSync(join(dir, 'branch.db'), join(dir, 'copy.db'));
  renameSync(join(dir, 'copy.db'), join(dir, 'branch.db'));
  assert.throws(write, refused);
  assert.match(guard.problem?.detail ?? '', /branch\.db was replaced/);
});

test('a WAL replaced right after another file was written in the folder, within the same clock tick, is refused', () => {
  settle();
  // The service's own file (a numbering file, the staff file) changes the folder's times ...
  writeFileSync(join(dir, 'other.json'), '{}');
  write();
  // ... and a swap right after may get the very same times: the stamp is not trusted yet.
  copyFileSync(join(dir, 'branch.db-wal'), join(dir, 'wal.copy'));
  renameSync(join(dir, 'wal.copy'), join(dir, 'branch.db-wal'));
  assert.throws(write, refused);
  assert.match(guard.problem?.detail ?? '', /branch\.db-wal was replaced/);
});

test("a swap whose folder modification time was put back is still refused (the folder's change time moved)", () => {
  // A whole second, so that it can be set again to the nanosecond.
  const mtime = Math.floor(statSync(dir).mtimeMs / 1000) - 60;
  utimesSync(dir, mtime, mtime);
  settle();
  copyFileSync(join(dir, 'branch.db-wal'), join(dir, 'wal.copy'));
  renameSync(join(dir, 'wal.copy'), join(dir, 'branch.db-wal'));
  utimesSync(dir, mtime, mtime);
  assert.equal(statSync(dir).mtimeMs, mtime * 1000, 'the modification time is as it was');
  assert.throws(write, refused);
});

test("the timer's check finds a WAL deleted while nothing is written", () => {
  settle();
  assert.equal(guard.check(), undefined, 'nothing changed');
  write();
  rmSync(join(dir, 'branch.db-wal'));
  assert.equal(guard.check()?.code, 'STORAGE_REPLACED');
});

/**
 * The demo staff of a new branch: their file is written before the service is ready and their
 * PINs are hashed after; every credential in the file signs in as soon as the start returns, and
 * a start that finds accounts of the file missing (a stop while hashing) stores them.
 */
import { afterEach, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startBranchApp } from '../../server/branch-app.js';
import { isDomainError } from '../../common/errors.js';
import { silentLogger } from '../../server/logger.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';

describe('demo staff of a new branch', () => {
  const dirs: string[] = [];
  let b: TestBranch | undefined;
  const newDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'demo-staff-'));
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    await b?.close();
    b = undefined;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  test('every credential in the file signs in right after the start, and only the service user reads the file', async () => {
    b = await startTestBranch({ dataDir: newDir() });
    assert.ok(b.credentials.length >= 4);
    assert.equal(statSync(join(b.dataDir, 'demo-credentials.json')).mode & 0o777, 0o600);
    for (const c of b.credentials) {
      const r = await b.api('POST', '/api/auth/login', { body: { staffId: c.staffId, pin: c.pin } });
      assert.equal(r.status, 200, `${c.staffId}: ${JSON.stringify(r.body)}`);
    }
    const wrong = await b.api('POST', '/api/auth/login', { body: { staffId: b.credentials[0]!.staffId, pin: '000001' } });
    assert.equal(wrong.status, 401);
  });

  test('a start that finds accounts of the file missing stores them with the PINs of the file', async () => {
    const dataDir = newDir();
    b = await startTestBranch({ dataDir });
    await b.close();
    b = undefined;
    const file = readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8');
    const db = new Database(join(dataDir, 'branch.db'));
    db.prepare("DELETE FROM staff WHERE id IN ('T01', 'A01')").run();
    db.close();

    b = await startTestBranch({ dataDir });
    assert.equal(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'), file);
    for (const id of ['T01', 'A01', 'T02']) await b.login(id);
  });

  test('a credentials file that is not a list of credentials stops the start and says what to do', async () => {
    const dataDir = newDir();
    writeFileSync(join(dataDir, 'demo-credentials.json'), '{"staffId": "T01"}');
    await assert.rejects(
      startBranchApp({ dataDir, demo: true, port: 0, host: '127.0.0.1', log: silentLogger }),
      (e: unknown) => isDomainError(e) && e.code === 'BAD_CREDENTIALS_FILE' && /delete it/.test(e.message),
    );
  });
});

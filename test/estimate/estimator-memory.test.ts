/**
 * The estimator's memory across restarts, on a real SQLite file: saved when a day closes, read
 * back at start-up (and checked), and days the service missed learned from their tickets.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { localEpoch } from '../../common/local-time.js';
import { estimatorStateSchema } from '../../core/wait-estimator.js';
import { createBranchStore } from '../../db/branch-store.js';
import { openDatabase } from '../../db/open-database.js';
import { BranchService } from '../../server/branch-service.js';
import { ESTIMATOR_META_KEY, loadEstimatorState } from '../../server/estimator-memory.js';
import { EventHub } from '../../server/event-hub.js';
import { silentLogger } from '../../server/logger.js';
import { loadProfile } from '../../sim/profile.js';
import { simulate } from '../../sim/simulator.js';
import { PROFILES_DIR } from '../support/bars.js';

test('a branch computer switched off at night: the days it ran are learned at the next start, and each closed day is saved', () => {
  const dir = mkdtempSync(join(tmpdir(), 'estimator-memory-'));
  try {
    const { profile, config } = loadProfile(join(PROFILES_DIR, 'quiet-rural.yaml'));
    const dbPath = join(dir, 'branch.db');
    // Tuesday and Wednesday run (the simulator closes each day only when the next one starts).
    simulate({ profile: { ...profile, historyDays: 0 }, config, storage: 'file', dbPath, days: 2, warmupDays: 0 });
    const store = createBranchStore(openDatabase(dbPath));
    const logs: { msg: string; obj: unknown }[] = [];
    const log = { info: (obj: unknown, msg: string) => logs.push({ msg, obj }), warn: (obj: unknown, msg: string) => logs.push({ msg, obj }) };

    // Thursday morning: the saved state (if any) lacks Wednesday; it is learned from the tickets.
    const state = loadEstimatorState(store, config, '2026-04-16', log)!;
    assert.equal(state.history.lastDay, '2026-04-15');
    assert.ok(Object.keys(state.history.arrivalsAnyDay).length >= 4);
    const saved = estimatorStateSchema.parse(JSON.parse(store.getMeta(ESTIMATOR_META_KEY)!));
    assert.equal(saved.history.lastDay, '2026-04-15');
    // Nothing new to learn the second time.
    logs.length = 0;
    assert.deepEqual(loadEstimatorState(store, config, '2026-04-16', log), saved);
    assert.equal(logs.length, 0);

    // A state that fails its schema is not trusted: logged, and rebuilt from the database.
    store.setMeta(ESTIMATOR_META_KEY, JSON.stringify({ ...saved, calibration: { ...saved.calibration, shift: 'x' } }));
    assert.equal(loadEstimatorState(store, config, '2026-04-16', log)!.history.lastDay, '2026-04-15');
    assert.ok(logs.some((l) => /does not fit its schema/.test(l.msg)), JSON.stringify(logs));

    // The service starts on Thursday with that memory, and saves it with Thursday folded in
    // when Friday begins: Tuesday's customers (learned at start-up) are still in it.
    let now = localEpoch('2026-04-16', 9 * 60, config.branch.timeZone);
    const service = new BranchService(store, config, new EventHub(silentLogger), () => now, silentLogger);
    assert.equal(service.issue({ serviceCode: 'A' }).status, 201);
    now = localEpoch('2026-04-17', 9 * 60, config.branch.timeZone);
    assert.equal(service.issue({ serviceCode: 'A' }).status, 201);
    const friday = estimatorStateSchema.parse(JSON.parse(store.getMeta(ESTIMATOR_META_KEY)!));
    assert.equal(friday.history.lastDay, '2026-04-16');
    assert.ok(friday.history.arrivalsByWeekday.A![2]!.some(([days]) => days > 0), 'Tuesday is remembered');
    assert.ok(friday.history.arrivalsByWeekday.A![4]!.some(([days]) => days > 0), 'Thursday is learned');
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

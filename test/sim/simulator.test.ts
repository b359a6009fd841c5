/**
 * The simulator: the same seed gives the same day; a day through the real database leaves the
 * same tickets and events the run reports; and on a plain M/M/c queue its mean wait agrees with
 * Erlang C (queueing theory), which checks arrivals, service times and the engine's calling.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import Database from 'better-sqlite3';
import { erlangC, erlangCMeanWait } from '../../core/staffing.js';
import { loadProfile, SAMPLE_PROFILE_PATH } from '../../sim/profile.js';
import { simulate } from '../../sim/simulator.js';
import { summarise } from '../../sim/summary.js';
import { mmcConfig, mmcProfile } from './mmc.js';

const { profile, config } = loadProfile(SAMPLE_PROFILE_PATH);

test('same seed, same day: identical tickets and figures; another seed differs', () => {
  const a = simulate({ profile, config, seed: 11, storage: 'memory' });
  const b = simulate({ profile, config, seed: 11, storage: 'memory' });
  const c = simulate({ profile, config, seed: 12, storage: 'memory' });
  assert.deepEqual(a.tickets, b.tickets);
  const strip = (s: ReturnType<typeof summarise>) => ({ ...s, elapsedMs: 0, customersPerSecond: 0 });
  assert.deepEqual(strip(summarise(a, config)), strip(summarise(b, config)));
  assert.notDeepEqual(a.tickets.map((t) => t.issuedAt), c.tickets.map((t) => t.issuedAt));
});

test('a simulated day through the real database: every ticket and event is committed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-db-'));
  try {
    const dbPath = join(dir, 'branch.db');
    // No warm-up days: the file then holds the counted day alone.
    const r = simulate({ profile, config, storage: 'file', dbPath, warmupDays: 0 });
    const db = new Database(dbPath, { readonly: true });
    const tickets = (db.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n;
    const events = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    const statuses = db.prepare('SELECT status, COUNT(*) AS n FROM tickets GROUP BY status').all() as { status: string; n: number }[];
    db.close();
    assert.equal(tickets, r.tickets.length);
    assert.equal(events, r.events);
    // The day ends with nobody left in the queue.
    assert.ok(statuses.every((s) => ['done', 'no_show', 'cancelled'].includes(s.status)), JSON.stringify(statuses));
    const s = summarise(r, config);
    assert.ok(s.customers > 300, `a busy day has hundreds of customers (${s.customers})`);
    for (const c of s.counters) assert.ok(c.utilisation > 0 && c.utilisation <= 1, `counter ${c.id} utilisation ${c.utilisation}`);
    assert.ok(Object.values(s.byService).some((x) => x.noShows > 0), 'some customers do not show');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('M/M/3 at 70% load: the simulated mean wait is within 5% of Erlang C', () => {
  const c = 3;
  const meanMinutes = 0.05; // 3 s: tens of thousands of customers in one simulated day
  const perHour = ((0.7 * c) / meanMinutes) * 60;
  const r = simulate({ profile: mmcProfile(c, perHour, meanMinutes), config: mmcConfig(c), seed: 1, storage: 'none' });
  // The first thousand customers find an empty branch: leave the warm-up out.
  const waits = r.tickets.filter((t) => t.waitMinutes !== undefined).slice(1000).map((t) => t.waitMinutes!);
  assert.ok(waits.length > 50_000, `${waits.length} customers`);
  const mean = waits.reduce((s, w) => s + w, 0) / waits.length;
  const theory = erlangCMeanWait(c, perHour / 60, meanMinutes);
  assert.ok(Math.abs(mean / theory - 1) < 0.05, `mean wait ${mean.toFixed(5)} vs Erlang C ${theory.toFixed(5)}`);
  const waited = waits.filter((w) => w > 0).length / waits.length;
  const pWait = erlangC(c, (perHour / 60) * meanMinutes);
  assert.ok(Math.abs(waited - pWait) < 0.03, `share that waited ${waited.toFixed(3)} vs Erlang C ${pWait.toFixed(3)}`);
});

test('a run that throws half-way leaves no temp database behind', () => {
  // Temp folders come from os.tmpdir(), which reads TMPDIR: a private one shows what is left.
  const privateTmp = mkdtempSync(join(tmpdir(), 'sim-leak-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = privateTmp;
  try {
    // Counter 9 is staffed by the profile but does not exist at the branch: opening it fails.
    const broken = mmcProfile(2, 60, 1);
    broken.counters = { ...broken.counters, '9': { open: '09:00', close: '10:00', breaks: [] } };
    assert.throws(() => simulate({ profile: broken, config: mmcConfig(2), storage: 'file' }), (e: unknown) => (e as { code?: string }).code === 'UNKNOWN_COUNTER');
    assert.deepEqual(readdirSync(privateTmp), []);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(privateTmp, { recursive: true, force: true });
  }
});

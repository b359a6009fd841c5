/**
 * Staff performance against the event log over a generated month. The simulator writes 31 busy
 * days of March into a real branch database; a branch service is started on it and customers
 * rate a share of their services through the real rating command (the service's clock set to
 * each service's end), and some of the unhappy ones complain about the teller through the
 * complaint desk's record command, the same write path as the complaint book. GET /api/performance must then give, for the month, a week
 * and a day, the figures computed here independently from nothing but the event log: each
 * ticket's last state, the calls with their reasons, the ratings and the complaints.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { StaffActor } from '../../core/complaints.js';
import { loadProfile, SAMPLE_PROFILE_PATH } from '../../sim/profile.js';
import { Random } from '../../sim/random.js';
import { simulate } from '../../sim/simulator.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';

interface T {
  id: string;
  serviceCode: string;
  businessDay: string;
  status: string;
  issuedAt: number;
  calledAt?: number;
  startedAt?: number;
  endedAt?: number;
  staffId?: string;
}

interface Figures {
  served: number;
  meanServiceMinutes: number | null;
  meanWaitMinutes: number | null;
  satisfaction: { score: number | null; ratings: number };
  complaints: number;
  outOfOrderCalls: number;
  outOfOrderReasons: Record<string, number>;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/** The figures of every teller for business days [from, to], from the event log alone. */
function fromLog(db: Database.Database, from: string, to: string, span: { fromIso: string; toIso: string }): Map<string, Figures> {
  const last = new Map<string, T>();
  const calls: { staffId?: string; at: string; reason: { tier: string; rule: string; passedOver: number } }[] = [];
  const ratings: { staffId?: string; businessDay: string; score: number }[] = [];
  const complaints: { staffId?: string; at: string }[] = [];
  for (const row of db.prepare('SELECT type, at, data FROM events ORDER BY id').all() as { type: string; at: string; data: string }[]) {
    const data = JSON.parse(row.data);
    if (data.ticket) last.set(data.ticket.id, data.ticket);
    if (data.to) last.set(data.to.id, data.to);
    if (row.type === 'ticket.called') calls.push({ staffId: data.staffId, at: row.at, reason: data.reason });
    if (row.type === 'feedback.rated') ratings.push(data.rating);
    if (row.type === 'complaint.recorded') complaints.push({ staffId: data.complaint.staffId, at: row.at });
  }
  const inSpan = (at: string) => at >= span.fromIso && at < span.toIso;
  const out = new Map<string, Figures>();
  const get = (id: string) => {
    let f = out.get(id);
    if (!f) {
      f = { served: 0, meanServiceMinutes: null, meanWaitMinutes: null, satisfaction: { score: null, ratings: 0 }, complaints: 0, outOfOrderCalls: 0, outOfOrderReasons: {} };
      out.set(id, f);
    }
    return f;
  };
  const done = [...last.values()].filter((t) => t.status === 'done' && t.staffId && t.businessDay >= from && t.businessDay <= to);
  const byStaff = new Map<string, T[]>();
  for (const t of done) byStaff.set(t.staffId!, [...(byStaff.get(t.staffId!) ?? []), t]);
  for (const [id, ts] of byStaff) {
    const f = get(id);
    f.served = ts.length;
    f.meanServiceMinutes = mean(ts.map((t) => (t.endedAt! - (t.startedAt ?? t.calledAt!)) / 60_000));
    f.meanWaitMinutes = mean(ts.map((t) => (t.calledAt! - t.issuedAt) / 60_000));
  }
  const scores = new Map<string, number[]>();
  for (const r of ratings) if (r.staffId && r.businessDay >= from && r.businessDay <= to) scores.set(r.staffId, [...(scores.get(r.staffId) ?? []), r.score]);
  for (const [id, s] of scores) get(id).satisfaction = { score: mean(s), ratings: s.length };
  for (const c of complaints) if (c.staffId && inSpan(c.at)) get(c.staffId).complaints++;
  for (const c of calls) {
    if (!c.staffId || !inSpan(c.at) || c.reason.passedOver === 0) continue;
    const f = get(c.staffId);
    f.outOfOrderCalls++;
    const k = `${c.reason.tier}/${c.reason.rule}`;
    f.outOfOrderReasons[k] = (f.outOfOrderReasons[k] ?? 0) + 1;
  }
  return out;
}

/** Equal to the cent (the API rounds to two places; the sums here run in another order). */
function closeTo(got: number | null, want: number | null, what: string) {
  if (want === null) return assert.equal(got, null, what);
  assert.ok(got !== null && Math.abs(got - want) <= 0.005 + 1e-9, `${what}: ${got} vs ${want}`);
}

describe('staff performance over a generated month', () => {
  const dir = mkdtempSync(join(tmpdir(), 'performance-'));
  const dbPath = join(dir, 'branch.db');
  const loaded = loadProfile(SAMPLE_PROFILE_PATH);
  const profile = { ...loaded.profile, date: '2026-03-01' };
  let b: TestBranch;
  let sup: string;
  let ratedCount = 0;
  let complaintCount = 0;
  const LOBBY: StaffActor = { staffId: 'L01', roles: ['lobby'] };

  beforeAll(async () => {
    const run = simulate({ profile, config: loaded.config, seed: 13, days: 31, storage: 'file', dbPath });
    assert.equal(run.days.at(-1), '2026-03-31');
    b = await startTestBranch({ dataDir: dir, manualClock: Date.UTC(2026, 3, 1, 2, 0) });
    // Customers rate a third of their services, on the channels the branch has, with scores
    // that lean satisfied; low ones give reasons. Complaints name a teller now and then.
    const rng = Random.stream(99, 'ratings');
    const tellerOf = new Map<string, string>();
    for (const t of run.tickets) {
      if (t.status !== 'done' || t.endedAt === undefined) continue;
      const ticket = b.app.service.ticketRecord(t.id)!;
      tellerOf.set(t.id, ticket.staffId!);
      if (rng.next() > 0.33) continue;
      const score = 1 + Math.min(4, Math.floor(rng.next() ** 0.6 * 5));
      b.setTime(t.endedAt + 20_000 + Math.floor(rng.next() * 600_000));
      const channel = (['pad', 'tablet', 'mobile'] as const)[Math.floor(rng.next() * 3)]!;
      b.app.feedback.ratings.rate(t.id, { score, channel, reasons: score <= 2 ? ['long_wait'] : [] });
      ratedCount++;
      if (score === 1 && rng.next() < 0.5) {
        // The lobby manager records it a quarter of an hour later, as on the complaint book.
        b.setTime(t.endedAt + 900_000);
        const c = b.app.care.complaints.record({ kind: 'complaint', category: 'attitude', channel: 'counter', description: '服务态度不好', ticketId: t.id }, LOBBY);
        assert.equal(c.staffId, ticket.staffId, 'a complaint about staff names the teller who served');
        complaintCount++;
      }
    }
    b.setTime(Date.UTC(2026, 3, 1, 2, 0));
    sup = await b.login('S01');
  }, 600_000);

  afterAll(async () => {
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, string, string, { fromIso: string; toIso: string }][] = [
    // Shanghai is UTC+8 and the day starts at 00:00 local.
    ['month', '2026-03-01', '2026-03-31', { fromIso: '2026-02-28T16:00:00.000Z', toIso: '2026-03-31T16:00:00.000Z' }],
    ['week', '2026-03-23', '2026-03-29', { fromIso: '2026-03-22T16:00:00.000Z', toIso: '2026-03-29T16:00:00.000Z' }],
    ['day', '2026-03-25', '2026-03-25', { fromIso: '2026-03-24T16:00:00.000Z', toIso: '2026-03-25T16:00:00.000Z' }],
  ];

  for (const [period, from, to, span] of cases) {
    test(`the ${period} (${from} – ${to}) equals the figures from the event log`, async () => {
      const r = await b.api('GET', `/api/performance?period=${period}&date=2026-03-25`, { token: sup });
      assert.equal(r.status, 200);
      const db = new Database(dbPath, { readonly: true });
      const want = fromLog(db, from, to, span);
      db.close();
      const rows = r.body as (Figures & { staffId: string; from: string; to: string; calls: number })[];
      assert.deepEqual([rows[0]!.from, rows[0]!.to], [from, to]);
      const simulated = rows.filter((x) => x.staffId.startsWith('sim-'));
      assert.deepEqual(simulated.map((x) => x.staffId).sort(), [...want.keys()].sort(), 'one row per teller with activity');
      let served = 0;
      let ratings = 0;
      for (const row of simulated) {
        const w = want.get(row.staffId)!;
        assert.equal(row.served, w.served, `${row.staffId} served`);
        closeTo(row.meanServiceMinutes, w.meanServiceMinutes, `${row.staffId} service`);
        closeTo(row.meanWaitMinutes, w.meanWaitMinutes, `${row.staffId} wait`);
        assert.equal(row.satisfaction.ratings, w.satisfaction.ratings, `${row.staffId} ratings`);
        closeTo(row.satisfaction.score, w.satisfaction.score, `${row.staffId} score`);
        assert.equal(row.complaints, w.complaints, `${row.staffId} complaints`);
        assert.equal(row.outOfOrderCalls, w.outOfOrderCalls, `${row.staffId} out of order`);
        assert.deepEqual(row.outOfOrderReasons, w.outOfOrderReasons, `${row.staffId} reasons`);
        served += row.served;
        ratings += row.satisfaction.ratings;
      }
      // Demo tellers who served nobody still have their (empty) rows.
      const idle = rows.find((x) => x.staffId === 'T01')!;
      assert.deepEqual([idle.served, idle.satisfaction, idle.complaints], [0, { score: null, ratings: 0 }, 0]);
      if (period === 'month') {
        assert.ok(served > 8000, `a month of a busy branch (${served} served)`);
        assert.equal(ratings, ratedCount);
        assert.ok(complaintCount > 0 && simulated.reduce((n, x) => n + x.complaints, 0) === complaintCount, 'every complaint is counted for the teller it names');
        assert.ok(simulated.some((x) => x.outOfOrderCalls > 0), 'priority and ageing calls happen');
      }
    });
  }

  test('the CSV parses back to the same figures; a teller sees only their own row', async () => {
    const res = await fetch(`${b.url}/api/performance?period=month&date=2026-03-25&format=csv`, { headers: { authorization: `Bearer ${sup}` } });
    assert.equal(res.status, 200);
    const text = (await res.text()).replace(/^\uFEFF/, '');
    const [head, ...lines] = text.trim().split('\r\n').map((l) => l.split(','));
    const json = (await b.api('GET', '/api/performance?period=month&date=2026-03-25', { token: sup })).body as any[];
    assert.equal(lines.length, json.length);
    const col = (name: string) => head!.indexOf(name);
    for (const [i, row] of json.entries()) {
      assert.equal(lines[i]![col('staffId')], row.staffId);
      assert.equal(lines[i]![col('served')], String(row.served));
      assert.equal(lines[i]![col('satisfactionScore')], row.satisfaction.score === null ? '' : String(row.satisfaction.score));
      assert.equal(lines[i]![col('complaints')], String(row.complaints));
    }
    const teller = await b.login('T02', '2');
    const mine = (await b.api('GET', '/api/performance?period=month&date=2026-03-25', { token: teller })).body as { staffId: string }[];
    assert.deepEqual(mine.map((x) => x.staffId), ['T02']);
  });
});

/**
 * Reports against the event log: a simulated busy day is written to a real branch database by
 * the simulator; a branch service is started on it; GET /api/reports must give the figures
 * computed here, independently, from the events (each ticket's last state in the log). The CSV
 * export must parse back to the same figures, with a UTF-8 BOM for Excel.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import Database from 'better-sqlite3';
import { loadProfile, SAMPLE_PROFILE_PATH } from '../../sim/profile.js';
import { simulate } from '../../sim/simulator.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';

interface T {
  id: string;
  serviceCode: string;
  status: string;
  issuedAt: number;
  calledAt?: number;
  startedAt?: number;
  endedAt?: number;
  counterId?: string;
  staffId?: string;
}

const TARGET: Record<string, number> = { A: 15, B: 15, C: 20, D: 30, E: 20, F: 10, G: 30, H: 20 };

function pct(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const i = Math.floor(pos);
  return sorted[i]! + (pos - i) * ((sorted[Math.min(i + 1, sorted.length - 1)] ?? sorted[i]!) - sorted[i]!);
}
const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** The figures of one group of tickets, computed from scratch. */
function expected(ts: T[]) {
  const called = ts.filter((t) => t.calledAt !== undefined);
  const waits = called.map((t) => (t.calledAt! - t.issuedAt) / 60_000).sort((a, b) => a - b);
  const svc = ts.filter((t) => t.status === 'done').map((t) => (t.endedAt! - (t.startedAt ?? t.calledAt!)) / 60_000).sort((a, b) => a - b);
  const noShows = ts.filter((t) => t.status === 'no_show').length;
  return {
    tickets: ts.length,
    served: ts.filter((t) => t.status === 'done').length,
    noShows,
    noShowRate: called.length ? r4(noShows / called.length) : null,
    waitP50Minutes: waits.length ? r2(pct(waits, 0.5)) : null,
    waitP90Minutes: waits.length ? r2(pct(waits, 0.9)) : null,
    serviceMeanMinutes: svc.length ? r2(svc.reduce((s, x) => s + x, 0) / svc.length) : null,
    withinTarget: called.length ? r4(called.filter((t) => (t.calledAt! - t.issuedAt) / 60_000 <= TARGET[t.serviceCode]!).length / called.length) : null,
  };
}

/** RFC 4180 fields: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    }
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('reports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reports-'));
  const { profile, config } = loadProfile(SAMPLE_PROFILE_PATH);
  let b: TestBranch;
  let sup: string;
  const tickets = new Map<string, T>();

  beforeAll(async () => {
    // One day only, no warm-up days before it: the week and month reports then hold just this day.
    simulate({ profile, config, seed: 5, storage: 'file', dbPath: join(dir, 'branch.db'), warmupDays: 0 });
    // The event log, read directly: each ticket's state is the last one an event carried.
    const db = new Database(join(dir, 'branch.db'), { readonly: true });
    for (const row of db.prepare('SELECT data FROM events ORDER BY id').all() as { data: string }[]) {
      const data = JSON.parse(row.data) as { ticket?: T; to?: T };
      if (data.ticket) tickets.set(data.ticket.id, data.ticket);
      if (data.to) tickets.set(data.to.id, data.to);
    }
    db.close();
    b = await startTestBranch({ dataDir: dir, manualClock: Date.UTC(2026, 2, 25, 11, 0) });
    sup = await b.login('S01');
  });
  afterAll(async () => {
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the day report equals the figures computed from the event log', async () => {
    const r = await b.api('GET', '/api/reports?period=day&date=2026-03-25', { token: sup });
    assert.equal(r.status, 200);
    assert.equal(r.body.from, '2026-03-25');
    const all = [...tickets.values()];
    assert.ok(all.length > 300);
    const groups: [string, (t: T) => string | undefined][] = [
      ['service', (t) => t.serviceCode],
      ['counter', (t) => (t.calledAt !== undefined ? t.counterId : undefined)],
      ['teller', (t) => (t.calledAt !== undefined ? t.staffId : undefined)],
    ];
    for (const [group, keyOf] of groups) {
      const keys = [...new Set(all.map(keyOf).filter((k): k is string => k !== undefined))].sort();
      const rows = r.body.rows.filter((x: any) => x.group === group);
      assert.deepEqual(rows.map((x: any) => x.key).sort(), keys, group);
      for (const key of keys) {
        const got = rows.find((x: any) => x.key === key);
        const want = expected(all.filter((t) => keyOf(t) === key));
        for (const [k, v] of Object.entries(want)) assert.equal(got[k], v, `${group} ${key} ${k}`);
        assert.equal(got.satisfaction, null);
      }
    }
  });

  test('CSV: UTF-8 BOM, proper quoting, parses back to the same figures', async () => {
    const res = await fetch(`${b.url}/api/reports?period=day&date=2026-03-25&format=csv`, { headers: { authorization: `Bearer ${sup}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    const [head, ...rows] = parseCsv(text);
    const json = (await b.api('GET', '/api/reports?period=day&date=2026-03-25', { token: sup })).body;
    assert.equal(rows.length, json.rows.length);
    rows.forEach((cells, i) => {
      const want = json.rows[i];
      head!.forEach((col, j) => {
        const v = want[col];
        assert.equal(cells[j], v === null ? '' : String(v), `row ${i} ${col}`);
      });
    });
    assert.ok(rows.some((c) => c[2]!.includes('现金业务')), 'Chinese names survive');
  });

  test('week and month include the day; bad input is a 400; tellers and lobby may not read reports', async () => {
    const day = (await b.api('GET', '/api/reports?period=day&date=2026-03-25', { token: sup })).body;
    const week = await b.api('GET', '/api/reports?period=week&date=2026-03-25', { token: sup });
    assert.deepEqual([week.body.from, week.body.to], ['2026-03-23', '2026-03-29']);
    const month = await b.api('GET', '/api/reports?period=month&date=2026-03-25', { token: sup });
    assert.deepEqual([month.body.from, month.body.to], ['2026-03-01', '2026-03-31']);
    assert.deepEqual(week.body.rows, day.rows, 'only one simulated day in the week');
    assert.deepEqual(month.body.rows, day.rows);
    for (const q of ['period=year', 'date=2026-02-30', 'date=25/03/2026', 'format=xml', 'bogus=1']) {
      const r = await b.api('GET', `/api/reports?${q}`, { token: sup });
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, 'VALIDATION_FAILED');
    }
    assert.equal((await b.api('GET', '/api/reports', { token: await b.login('L01') })).status, 403);
    assert.equal((await b.api('GET', '/api/reports')).status, 401);
  });
});

test('CSV quoting: commas, quotes and line breaks survive the round trip', async () => {
  const { reportCsv } = await import('../../server/insights/reports.js');
  const row = { group: 'service', key: 'X', name: '对公, "大客户"\n第二行', tickets: 1, called: 1, served: 1, noShows: 0, noShowRate: 0, waitP50Minutes: 1.5, waitP90Minutes: 2, waitMeanMinutes: 1.5, serviceMeanMinutes: 3, serviceP50Minutes: 3, serviceP90Minutes: 3, withinTarget: 1, satisfaction: null } as const;
  const csv = reportCsv({ branch: 'b', period: 'day', from: 'd', to: 'd', rows: [row] });
  assert.ok(csv.startsWith('\uFEFF'));
  const [, cells] = parseCsv(csv.slice(1));
  assert.equal(cells![2], row.name);
  assert.equal(cells![15], '');
});

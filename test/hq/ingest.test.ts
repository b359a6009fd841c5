/**
 * Head office's ingest, against a real PostgreSQL 15 and against the embedded PGlite: batches
 * are stored once per (stream, seq) however often they come, a gap is answered with the
 * expected sequence, a differing replay is a conflict, events land in their month's partition,
 * tickets follow their events, and the summary endpoint of DESIGN §6 counts them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HqApp } from '../../hq/app.js';
import { ensureMonth, listPartitions } from '../../hq/storage/partitions.js';
import { BACKENDS, HqFixture, hqApi } from '../support/hq.js';
import { deviceEvents, queueEvents } from '../support/hq-events.js';

describe.each(BACKENDS)('HQ ingest on %s', (backend) => {
  const fx = new HqFixture(backend);
  let hq: HqApp;
  let operator: string;

  async function enroll(branch: string): Promise<string> {
    const { code } = await hq.store.createEnrollmentCode(branch, 'East', 1);
    const r = await hqApi(hq.url, 'POST', '/api/enroll', { body: { code, installId: `install-${branch}`, branch } });
    expect(r.status).toBe(200);
    return r.body.credential as string;
  }
  const send = (cred: string, stream: string, events: unknown[]) => hqApi(hq.url, 'POST', '/api/sync/events', { token: cred, body: { stream, events } });

  beforeAll(async () => {
    hq = await fx.start();
    operator = await hq.store.createOperatorToken('test');
  }, 300_000); // a new embedded database and a branch take long on a loaded machine
  afterAll(async () => {
    await hq?.close();
    await fx.close();
  });

  it('stores a batch in one go and answers the highest sequence held without a gap', async () => {
    const cred = await enroll('b-ingest');
    const r = await send(cred, 'queue', queueEvents('b-ingest', 1, 300));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ stream: 'queue', ackSeq: 300, inserted: 300, duplicates: 0 });
    const next = await send(cred, 'queue', queueEvents('b-ingest', 301, 5));
    expect(next.body.ackSeq).toBe(305);
    expect(await hq.store.eventCount('b-ingest')).toBe(305);
    const stored = await hq.store.events('b-ingest', 'queue', 0, 1000);
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 305 }, (_, i) => i + 1));
  });

  it('stores text with quotes, commas, new lines, backslashes and Chinese exactly as sent', async () => {
    const cred = await enroll('b-text');
    const events = queueEvents('b-text', 1, 3);
    const called = events[1]!.data as { reason: { text: string } };
    called.reason.text = '叫号 "A001", 窗口 1\nline two \\ back\\slash, tab\there';
    expect((await send(cred, 'queue', events)).body.ackSeq).toBe(3);
    const stored = await hq.store.events('b-text', 'queue', 0, 10);
    expect(stored.map((e) => e.data)).toEqual(events.map((e) => e.data));
    expect(stored.map((e) => [e.type, e.at.toISOString()])).toEqual(events.map((e) => [e.type, e.at]));
    // The same batch again is recognised as held, byte for byte.
    expect((await send(cred, 'queue', events)).body).toEqual({ stream: 'queue', ackSeq: 3, inserted: 0, duplicates: 3 });
  });

  it('is idempotent on (stream, seq): replays and overlaps change nothing', async () => {
    const cred = await enroll('b-dedupe');
    const events = queueEvents('b-dedupe', 1, 90);
    expect((await send(cred, 'queue', events.slice(0, 60))).body.ackSeq).toBe(60);
    const again = await send(cred, 'queue', events.slice(0, 60));
    expect(again.body).toEqual({ stream: 'queue', ackSeq: 60, inserted: 0, duplicates: 60 });
    // An overlapping batch: the held part is recognised, the rest stored.
    const overlap = await send(cred, 'queue', events.slice(30, 90));
    expect(overlap.body).toEqual({ stream: 'queue', ackSeq: 90, inserted: 30, duplicates: 30 });
    expect(await hq.store.eventCount('b-dedupe')).toBe(90);
  });

  it('keeps each ticket at its latest state when batches overlap or come again', async () => {
    const cred = await enroll('b-overlap');
    // Tickets of three events each: 1–3 (issued, called, done) and 4–6.
    const events = queueEvents('b-overlap', 1, 6);
    const status = async () => (await hq.store.ticketFacts('2026-06-15', '2026-06-15', 'b-overlap')).map((f) => f.status);
    expect((await send(cred, 'queue', events.slice(0, 5))).body.ackSeq).toBe(5);
    expect(await status()).toEqual(['done', 'called']);
    // The second ticket completes in the new part of an overlapping batch.
    expect((await send(cred, 'queue', events)).body).toEqual({ stream: 'queue', ackSeq: 6, inserted: 1, duplicates: 5 });
    expect(await status()).toEqual(['done', 'done']);
    // An old batch again takes nothing back.
    expect((await send(cred, 'queue', events.slice(0, 5))).body).toEqual({ stream: 'queue', ackSeq: 6, inserted: 0, duplicates: 5 });
    expect(await status()).toEqual(['done', 'done']);
  });

  it('answers a batch that leaves a gap with the expected sequence and stores none of it', async () => {
    const cred = await enroll('b-gap');
    await send(cred, 'queue', queueEvents('b-gap', 1, 10));
    const r = await send(cred, 'queue', queueEvents('b-gap', 15, 10));
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: { code: 'SEQ_GAP' }, stream: 'queue', ackSeq: 10, expectedSeq: 11 });
    expect(await hq.store.eventCount('b-gap')).toBe(10);
    // Streams are independent: the device stream starts at 1 whatever the queue holds.
    expect((await send(cred, 'device', deviceEvents('b-gap', 1, 3))).body.ackSeq).toBe(3);
    const state = await hqApi(hq.url, 'GET', '/api/sync/state', { token: cred });
    expect(state.body.streams).toEqual({ device: 3, queue: 10 });
  });

  it('refuses a replay whose content differs from what it holds (a log restored from a backup)', async () => {
    const cred = await enroll('b-conflict');
    await send(cred, 'queue', queueEvents('b-conflict', 1, 20));
    const other = queueEvents('b-conflict', 1, 25, Date.UTC(2026, 5, 16, 2));
    const r = await send(cred, 'queue', other);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: { code: 'SEQ_CONFLICT' }, ackSeq: 20, conflictSeq: 1 });
    expect(await hq.store.eventCount('b-conflict')).toBe(20);
    const alarms = await hqApi(hq.url, 'GET', '/api/alarms', { token: operator });
    expect(alarms.body.some((a: any) => a.branch === 'b-conflict' && a.kind === 'sequence_conflict')).toBe(true);
  });

  it('checks every event with the branch schemas and rejects malformed batches whole', async () => {
    const cred = await enroll('b-schema');
    const events: any[] = queueEvents('b-schema', 1, 5);
    events[3] = { ...events[3], data: { ticket: { ...events[3].data.ticket, status: 'teleported' } } };
    const bad = await send(cred, 'queue', events);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_EVENT');
    expect(bad.body.error.message).toMatch(/Event 3/);
    const unordered = queueEvents('b-schema', 1, 5);
    [unordered[1], unordered[2]] = [unordered[2]!, unordered[1]!];
    expect((await send(cred, 'queue', unordered)).body.error.code).toBe('BAD_BATCH');
    const wrongStream = await send(cred, 'device', queueEvents('b-schema', 1, 2));
    expect(wrongStream.body.error.code).toBe('BAD_BATCH');
    expect(await hq.store.eventCount('b-schema')).toBe(0);
  });

  it('reads batch bodies in any JSON key order, and answers malformed or poisoned JSON with 400 and stores nothing', async () => {
    const cred = await enroll('b-json');
    const post = (body: string) =>
      fetch(hq.url + '/api/sync/events', { method: 'POST', headers: { authorization: `Bearer ${cred}`, 'content-type': 'application/json' }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const events = queueEvents('b-json', 1, 3);
    const reordered = await post(JSON.stringify({ events, stream: 'queue' }));
    expect(reordered.status).toBe(200);
    expect(reordered.body.ackSeq).toBe(3);
    const more = JSON.stringify({ stream: 'queue', events: queueEvents('b-json', 4, 2) });
    const truncated = await post(more.slice(0, -3) + ']}');
    expect(truncated.status).toBe(400);
    expect(truncated.body.error.code).toBe('BAD_JSON');
    const poisoned = await post(more.replace('"data":{', '"data":{"__proto__":{"admin":true},'));
    expect(poisoned.status).toBe(400);
    expect(poisoned.body.error.code).toBe('BAD_JSON');
    expect(await hq.store.eventCount('b-json')).toBe(3);
  });

  it('puts events in their month partition, and moves rows out of the default when a month is added', async () => {
    const cred = await enroll('b-part');
    const parts = await listPartitions(hq.store.db);
    const now = new Date();
    const thisMonth = `events_${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(parts).toContain(thisMonth);
    expect(parts).toContain('events_default');
    // One batch now, one from years ago (a branch clock gone wrong) that lands in the default.
    await send(cred, 'queue', queueEvents('b-part', 1, 3, Date.now()));
    await send(cred, 'queue', queueEvents('b-part', 4, 3, Date.UTC(2019, 2, 10)));
    const where = async () =>
      (await hq.store.db.query("SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM events WHERE branch = 'b-part' GROUP BY 1 ORDER BY 1")).map((r) => [r.part, r.n]).sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(await where()).toEqual(
      [
        ['events_default', 3],
        [thisMonth, 3],
      ].sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
    expect(await ensureMonth(hq.store.db, { year: 2019, month: 3 })).toBe(true);
    expect(await where()).toEqual([
      ['events_2019_03', 3],
      [thisMonth, 3],
    ]);
    expect(await hq.store.eventCount('b-part')).toBe(6);
  });

  it('keeps tickets in step with their events and answers the branch summary', async () => {
    const cred = await enroll('b-sum');
    const at = Date.UTC(2026, 5, 15, 2);
    await send(cred, 'queue', queueEvents('b-sum', 1, 30, at));
    await send(cred, 'device', deviceEvents('b-sum', 1, 4, at));
    const facts = await hq.store.ticketFacts('2026-06-15', '2026-06-15', 'b-sum');
    expect(facts).toHaveLength(10);
    expect(facts.every((f) => f.status === 'done' && f.calledAt !== null && f.endedAt !== null)).toBe(true);
    expect(facts[0]).toMatchObject({ branch: 'b-sum', businessDay: '2026-06-15', serviceCode: 'CASH', segment: 'regular', issuedAt: at, calledAt: at + 1000, endedAt: at + 2000 });
    expect(facts[0]).toMatchObject({ startedAt: null, counterId: '1', staffId: 'T01', rejoins: 0, transferredFrom: null, estMin: 5, estMax: 10 });
    const s = await hqApi(hq.url, 'GET', '/api/branches/b-sum/summary?date=2026-06-15', { token: operator });
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ ticketsIssued: 10, events: 34, lastSeq: 30, streams: { queue: 30, device: 4 } });
    expect(Date.parse(s.body.lastSyncAt)).toBeGreaterThan(Date.now() - 60_000);
    const other = await hqApi(hq.url, 'GET', '/api/branches/b-sum/summary?date=2026-06-16', { token: operator });
    expect(other.body).toMatchObject({ ticketsIssued: 0, events: 0, lastSeq: 30 });
  });
});

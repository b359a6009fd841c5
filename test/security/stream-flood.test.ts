/**
 * Fault 1 of the hardening review: the event stream could freeze the whole service. These tests
 * perform the attack over real sockets: hundreds of clients from different LAN addresses ask for
 * the whole history and never read, while health and ticket issue must keep answering; replays
 * stop with their clients; connections are capped per address and in total; replays reach back
 * only so far; old events that head office holds move to the archive.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import type { TestBranch } from '../support/branch.js';
import { publicEvent } from '../../core/public-view.js';
import { assertError, eventsAfter, issue, startBranch, variantConfig } from '../api/support.js';
import { fillLog, lanAddress, nonReadingStream, rawSocket, upgradeAnswer, upgradeRequest, until } from './support.js';

const lastEventId = async (b: TestBranch) => (await b.api('GET', '/api/health')).body.lastEventId as number;

/** A reading stream client; resolves with its messages once `count` arrived, or with its close code. */
function collect(b: TestBranch, query: string, count: number, opts: { localAddress?: string } = {}): Promise<{ events: any[]; closeCode?: number }> {
  const ws = new WebSocket(`${b.url.replace('http', 'ws')}/api/stream${query}`, { localAddress: opts.localAddress });
  const events: any[] = [];
  return new Promise((resolve, reject) => {
    ws.on('message', (m) => {
      events.push(JSON.parse(String(m)));
      if (events.length === count) {
        ws.close();
        resolve({ events });
      }
    });
    ws.on('close', (code) => resolve({ events, closeCode: code }));
    ws.on('error', reject);
  });
}

describe('hostile stream clients', () => {
  let b: TestBranch;
  beforeAll(async () => {
    // About 20,000 events (11 MB per full replay): as deep as the default replay limit reaches.
    b = await startBranch();
    fillLog(b, 19_900);
  });
  afterAll(() => b.close());

  test('200 non-reading clients replaying the whole history: health and ticket issue keep answering, memory stays bounded', async () => {
    const rssBefore = process.memoryUsage().rss;
    const hostile: Socket[] = [];
    try {
      for (let i = 0; i < 200; i++) hostile.push(await nonReadingStream(b, lanAddress(i), 0));
      await until(() => b.app.stream.clientCount() === 200, 'all 200 hostile clients connected');
      for (let i = 0; i < 20; i++) {
        const h = await b.api('GET', '/api/health');
        assert.equal(h.status, 200);
        assert.equal(h.body.status, 'ok');
        const t = await b.api('POST', '/api/tickets', { body: { serviceCode: i % 2 ? 'A' : 'B' } });
        assert.equal(t.status, 201, JSON.stringify(t.body));
      }
      // None of them can take a whole replay into its socket buffers: the replays wait for them.
      assert.ok(b.app.stream.replaysRunning() > 100, `replays still waiting on their clients: ${b.app.stream.replaysRunning()}`);
      // The old behaviour buffered every client's whole replay in the process (about 3 GB here).
      const grown = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
      assert.ok(grown < 300, `resident memory grew by ${grown.toFixed(0)} MiB`);
    } finally {
      for (const s of hostile) s.destroy();
    }
    // A client that went takes its replay with it.
    await until(() => b.app.stream.replaysRunning() === 0 && b.app.stream.clientCount() === 0, 'replays to stop with their clients');
    assert.equal((await b.api('GET', '/api/health')).status, 200);
  });

  test('a reading client gets the long history page by page, then live events issued meanwhile, with nothing missed or repeated', async () => {
    const supervisor = await b.login('S01');
    const ws = new WebSocket(`${b.url.replace('http', 'ws')}/api/stream?after=0`);
    const events: any[] = [];
    ws.on('message', (m) => events.push(JSON.parse(String(m))));
    await new Promise((r) => ws.once('open', r));
    try {
      // Issued while the replay runs: they must come after the history, once each.
      for (let i = 0; i < 10; i++) await issue(b, 'C');
      const last = await lastEventId(b);
      await until(() => events.length > 0 && events.at(-1).id >= last, 'the replay and the live events');
      assert.deepEqual(events.map((e) => e.id), Array.from({ length: last }, (_, i) => i + 1));
      // An anonymous client gets the public form of each event (core/public-view.ts).
      const log = (await eventsAfter(b, last - 30, supervisor)).map(publicEvent);
      assert.deepEqual(events.slice(-30), log);
    } finally {
      ws.close();
    }
  });
});

describe('stream caps and replay depth', () => {
  let b: TestBranch;
  let config: ReturnType<typeof variantConfig>;
  beforeAll(async () => {
    config = variantConfig((c) => {
      c.security.limits = { ...c.security.limits, streamClientsPerAddress: 3, streamClients: 6, replayEvents: 100 } as typeof c.security.limits;
    });
    b = await startBranch({ configPath: config.path });
  });
  afterAll(async () => {
    await b.close();
    config.remove();
  });

  async function hold(address: string): Promise<Socket> {
    const s = await rawSocket(b, address);
    s.on('error', () => undefined);
    s.write(upgradeRequest(b, '/api/stream'));
    await new Promise<void>((resolve) => s.once('data', () => resolve()));
    return s;
  }

  test('connections per address and in total are capped, with a JSON answer; the kiosk machine is capped only by the total', async () => {
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) held.push(await hold(lanAddress(7)));
      const fourth = await upgradeAnswer(b, lanAddress(7), '/api/stream');
      assertError({ status: fourth.status, body: fourth.body, headers: new Headers({ 'content-type': 'application/json' }) }, 429, 'TOO_MANY_STREAM_CLIENTS');
      // Another machine still gets in; so does the kiosk's own address beyond three.
      held.push(await hold(lanAddress(8)));
      held.push(await hold('127.0.0.1'));
      held.push(await hold('127.0.0.1'));
      await until(() => b.app.stream.clientCount() === 6, 'six clients');
      const full = await upgradeAnswer(b, '127.0.0.1', '/api/stream');
      assert.equal(full.status, 503);
      assert.equal(full.body.error.code, 'TOO_MANY_STREAM_CLIENTS');
      assert.match(full.raw, /retry-after: 10/i);
    } finally {
      for (const s of held) s.destroy();
    }
    await until(() => b.app.stream.clientCount() === 0, 'clients gone');
    // Freed slots are usable again.
    const again = await upgradeAnswer(b, lanAddress(7), '/api/stream');
    assert.equal(again.status, 101);
  });

  test('a replay deeper than the limit, or from before the business day, is closed with 4410; a shallow one replays', async () => {
    fillLog(b, 300);
    const last = await lastEventId(b);
    assert.equal((await collect(b, '?after=0', 1_000_000)).closeCode, 4410);
    assert.equal((await collect(b, `?after=${last - 101}`, 1_000_000)).closeCode, 4410);
    const shallow = await collect(b, `?after=${last - 100}`, 100);
    assert.deepEqual(shallow.events.map((e) => e.id), Array.from({ length: 100 }, (_, i) => last - 99 + i));

    // The next business day: the replay may not reach into yesterday.
    b.advance(24 * 3_600_000);
    await issue(b, 'A');
    const supervisor = await b.login('S01');
    const closed = (await eventsAfter(b, last, supervisor)).find((e) => e.type === 'day.closed');
    assert.ok(closed, 'the day was closed');
    assert.equal((await collect(b, `?after=${closed.id - 2}`, 1_000_000)).closeCode, 4410);
    const today = await collect(b, `?after=${closed.id - 1}`, 2);
    assert.equal(today.events[0].type, 'day.closed');
    assert.equal(today.events[1].type, 'ticket.issued');
  });
});

describe('archive of events head office holds', () => {
  let b: TestBranch;
  beforeAll(async () => {
    b = await startBranch();
  });
  afterAll(() => b.close());

  test('only acknowledged events past retention move to the archive file; ids and sequences go on', async () => {
    let supervisor = await b.login('S01');
    for (let i = 0; i < 5; i++) await issue(b, 'A');
    fillLog(b, 50);
    const store = b.app.store;
    const before = await eventsAfter(b, 0, supervisor);
    const queue = before.filter((e) => e.stream === 'queue');
    const device = before.filter((e) => e.stream === 'device');
    const lastBefore = before.at(-1)!.id;

    // Nothing is archived before head office acknowledged anything, however old.
    b.advance(91 * 86_400_000);
    assert.equal(await b.app.retention.runOnce(), 0);
    supervisor = await b.login('S01');

    // HQ holds queue events up to seq 3 and every device event; the config stream is unacknowledged.
    store.setSyncAcked('queue', 3);
    store.setSyncAcked('device', device.at(-1)!.seq);
    store.setSyncAcked('queue', 1); // a late, older acknowledgement does not move it back
    assert.equal(store.syncAcked('queue'), 3);
    const moved = await b.app.retention.runOnce();
    // Queue seq 1-3, and the device events older than 90 days except the newest of the stream
    // (simulated devices report in real time, so theirs are not old).
    const cutoff = new Date(b.now() - 90 * 86_400_000).toISOString();
    const expected = [...queue.filter((e) => e.seq <= 3), ...device.slice(0, -1).filter((e) => e.at < cutoff)];
    assert.ok(expected.length > 50);
    assert.equal(moved, expected.length);

    const after = await eventsAfter(b, 0, supervisor);
    const movedIds = new Set(expected.map((e) => e.id));
    // Events written since (an alert the rules raise just after the burst) are not the archive's concern.
    assert.deepEqual(
      after.filter((e) => e.id <= lastBefore).map((e) => e.id),
      before.filter((e) => !movedIds.has(e.id)).map((e) => e.id),
    );
    assert.ok(after.some((e) => e.type === 'config.applied'), 'unacknowledged streams stay');

    const file = join(b.dataDir, 'archive', `events-${before[0]!.at.slice(0, 7)}.db`);
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600, 'the archive is readable by the service only');
    const archive = new Database(file, { readonly: true });
    try {
      const rows = archive.prepare('SELECT id, stream, seq, type, branch, data FROM events ORDER BY id').all() as any[];
      assert.deepEqual(rows.map((r) => r.id), expected.map((e) => e.id).sort((x, y) => x - y));
      const first = expected.find((e) => e.id === rows[0].id)!;
      assert.deepEqual(JSON.parse(rows[0].data), first.data);
      assert.equal(rows[0].branch, 'demo-001');
    } finally {
      archive.close();
    }

    // The log goes on from where it was: ids and per-stream sequences are not reused.
    await issue(b, 'B');
    const live = await eventsAfter(b, 0, supervisor);
    assert.ok(live.at(-1)!.id > lastBefore);
    const seqs = live.filter((e) => e.stream === 'queue').map((e) => e.seq);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => 4 + i), 'queue sequence goes on from 4 without a gap or a reuse');
    assert.ok(seqs.length > queue.length - 3, 'the new events are in the log');
    assert.equal(await b.app.retention.runOnce(), 0, 'a second run finds nothing more');
  });
});

/** WebSocket /api/stream over a real connection: event envelope, live events, resume with ?after= without loss or duplicates. */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type { TestBranch } from '../support/branch.js';
import { publicEvent } from '../../core/public-view.js';
import type { BranchEvent } from '../../core/events.js';
import { eventsAfter, issue, startBranch } from './support.js';

interface StreamEvent {
  id: number;
  stream: string;
  seq: number;
  type: string;
  v: number;
  at: string;
  branch: string;
  data: Record<string, unknown> & { ticket?: { id: string; number: string } };
}

/** A stream client that keeps every message and lets a test wait for a condition (never for a duration). */
class StreamClient {
  readonly events: StreamEvent[] = [];
  readonly raw: string[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = String(data);
      this.raw.push(text);
      this.events.push(JSON.parse(text) as StreamEvent);
      for (const w of this.waiters) w();
    });
    ws.on('close', () => {
      for (const w of this.waiters) w();
    });
  }

  static open(b: TestBranch, query = ''): Promise<StreamClient> {
    const ws = new WebSocket(`${b.url.replace('http', 'ws')}/api/stream${query}`);
    const client = new StreamClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Waits until `cond` holds over the events received so far; fails after a generous limit instead of hanging. */
  async until(cond: (events: StreamEvent[]) => boolean, what: string): Promise<void> {
    const limit = Date.now() + 10_000;
    while (!cond(this.events)) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`stream closed while waiting for ${what}`);
      if (Date.now() > limit) throw new Error(`no ${what} on the stream; got ${this.events.map((e) => `${e.id}:${e.type}`).join(', ')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
      this.waiters = [];
    }
  }

  untilId(id: number): Promise<void> {
    return this.until((es) => es.some((e) => e.id >= id), `event ${id}`);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** The log's events as an anonymous stream client gets them. */
function publicForm(events: BranchEvent[]): StreamEvent[] {
  return events.map(publicEvent).filter((e): e is StreamEvent => e !== undefined);
}

/** The HTTP status with which the server refuses a WebSocket upgrade. */
function refusedStatus(b: TestBranch, path: string): Promise<number> {
  const ws = new WebSocket(`${b.url.replace('http', 'ws')}${path}`);
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      ws.close();
      reject(new Error(`${path} was accepted`));
    });
    ws.once('error', () => undefined);
  });
}

function assertEnvelope(e: StreamEvent): void {
  assert.ok(Number.isInteger(e.id) && e.id > 0, `id ${e.id}`);
  assert.ok(['queue', 'device', 'config', 'staff'].includes(e.stream), `stream ${e.stream}`);
  assert.ok(Number.isInteger(e.seq) && e.seq > 0, `seq ${e.seq}`);
  assert.equal(typeof e.type, 'string');
  assert.equal(e.v, 1);
  assert.ok(!Number.isNaN(Date.parse(e.at)) && new Date(e.at).toISOString() === e.at, `at ${e.at}`);
  assert.equal(e.branch, 'demo-001');
  assert.equal(typeof e.data, 'object');
}

describe('WebSocket /api/stream', () => {
  let b: TestBranch;
  let supervisor: string;
  beforeAll(async () => {
    b = await startBranch();
    supervisor = await b.login('S01');
  });
  afterAll(() => b.close());

  const lastEventId = async () => (await b.api('GET', '/api/health')).body.lastEventId as number;

  test('every event arrives as JSON with id, stream, seq, type, v, at and data', async () => {
    const client = await StreamClient.open(b);
    try {
      const t01 = await b.login('T01', '1');
      const t = await issue(b, 'A');
      await b.api('POST', '/api/counters/1/next', { token: t01 });
      await b.api('POST', '/api/counters/1/recall', { token: t01 });
      await b.api('POST', '/api/counters/1/complete', { token: t01 });
      await b.api('POST', '/api/counters/1/pause', { token: t01, body: { reason: 'break' } });
      const last = await lastEventId();
      await client.untilId(last);
      const types = client.events.filter((e) => e.stream !== 'device').map((e) => e.type);
      assert.deepEqual(types, ['counter.opened', 'ticket.issued', 'ticket.called', 'ticket.recalled', 'ticket.completed', 'counter.paused']);
      for (const e of client.events) assertEnvelope(e);
      const issued = client.events.find((e) => e.type === 'ticket.issued')!;
      assert.equal(issued.data.ticket?.id, t.id);
      assert.equal(issued.data.ticket?.number, 'A001');
      const called = client.events.find((e) => e.type === 'ticket.called')!;
      assert.equal(called.data.counterId, '1');
      // The same events, in content, as the log holds, in their public form (no staff ids).
      const log = publicForm(await eventsAfter(b, client.events[0]!.id - 1, supervisor));
      assert.deepEqual(client.events, log.slice(0, client.events.length));
      assert.equal(called.data.staffId, undefined, 'an anonymous client sees no staff id');
      // Queue events carry a gap-free per-stream sequence.
      const queue = client.events.filter((e) => e.stream === 'queue');
      for (let i = 1; i < queue.length; i++) assert.equal(queue[i]!.seq, queue[i - 1]!.seq + 1);
    } finally {
      await client.close();
    }
  });

  test('a client reconnecting with ?after=<last id> gets exactly what it missed, then live events', async () => {
    const first = await StreamClient.open(b);
    await issue(b, 'B');
    const seenUpTo = await lastEventId();
    await first.untilId(seenUpTo);
    await first.close();

    // Missed while disconnected.
    const t03 = await b.login('T03', '3');
    await issue(b, 'B');
    await issue(b, 'E');
    await b.api('POST', '/api/counters/3/next', { token: t03 });
    const missed = publicForm(await eventsAfter(b, seenUpTo, supervisor));
    assert.ok(missed.length >= 4);

    const second = await StreamClient.open(b, `?after=${seenUpTo}`);
    try {
      await second.untilId(missed.at(-1)!.id);
      assert.deepEqual(second.events, missed, 'the missed events, in order, nothing else');
      await issue(b, 'F');
      const live = await lastEventId();
      await second.untilId(live);
      const ids = second.events.map((e) => e.id);
      assert.equal(new Set(ids).size, ids.length, 'no duplicates');
      assert.deepEqual(ids, [...ids].sort((x, y) => x - y));
      assert.equal(ids[0], seenUpTo + 1);
      assert.equal(ids.at(-1), live);
      const all = [...first.events.map((e) => e.id), ...ids];
      assert.equal(new Set(all).size, all.length, 'nothing shown twice across the reconnect');
    } finally {
      await second.close();
    }
  });

  test('resuming while tickets are being issued loses and repeats nothing', async () => {
    const from = await lastEventId();
    const burst = Array.from({ length: 30 }, (_, i) => b.api('POST', '/api/tickets', { body: { serviceCode: i % 2 ? 'A' : 'F' } }));
    const client = await StreamClient.open(b, `?after=${from}`);
    try {
      const answers = await Promise.all(burst);
      for (const r of answers) assert.equal(r.status, 201);
      const last = await lastEventId();
      await client.untilId(last);
      const ids = client.events.map((e) => e.id);
      assert.deepEqual(ids, Array.from({ length: last - from }, (_, i) => from + 1 + i));
      const issued = client.events.filter((e) => e.type === 'ticket.issued').map((e) => e.data.ticket?.id);
      assert.deepEqual(new Set(issued), new Set(answers.map((r) => r.body.id)));
    } finally {
      await client.close();
    }
  });

  test('?after=0 replays the whole log', async () => {
    const last = await lastEventId();
    const client = await StreamClient.open(b, '?after=0');
    try {
      await client.untilId(last);
      assert.deepEqual(client.events.map((e) => e.id).slice(0, last), Array.from({ length: last }, (_, i) => i + 1));
      assert.equal(client.events[0]!.type, 'config.applied');
    } finally {
      await client.close();
    }
  });

  test('messages from clients are ignored; the connection stays usable', async () => {
    const client = await StreamClient.open(b);
    try {
      client.ws.send('{"type":"ticket.issued"}');
      client.ws.send('not json');
      await issue(b, 'C');
      await client.untilId(await lastEventId());
      assert.equal(client.events.filter((e) => e.type === 'ticket.issued').length, 1);
    } finally {
      await client.close();
    }
  });

  test('a malformed ?after= is refused with 400; other paths with 404', async () => {
    for (const q of ['abc', '-1', '1.5', '1e309', 'NaN']) {
      assert.equal(await refusedStatus(b, `/api/stream?after=${q}`), 400, `after=${q}`);
    }
    assert.equal(await refusedStatus(b, '/api/streams'), 404);
    assert.equal(await refusedStatus(b, '/'), 404);
    // The service is fine afterwards.
    assert.equal((await b.api('GET', '/api/health')).status, 200);
  });
});

/**
 * DESIGN §8 reliability: 0 lost and 0 duplicated tickets over repeated `kill -9` during
 * issue bursts. The branch service runs as a child process on one data folder; each cycle fires
 * a concurrent burst of POST /api/tickets over several services, SIGKILLs the process after a
 * random number of 201 answers, restarts it and checks:
 *   - every ticket answered 201 so far exists with the same number (GET /api/tickets/:id);
 *   - numbering continues right after the highest committed number of each service;
 *   - through the API's event log: one ticket.issued per ticket, no number twice in a day,
 *     per-stream seq gap-free;
 * and, after a final clean stop, the same on the database file opened read-only, plus
 * PRAGMA quick_check and the number sequences.
 *
 * CRASH_CYCLES (default 20) sets the kill/restart cycles, CRASH_SEED replays a run. Nothing
 * here asserts on timing: the kill point is a count of answers, not a delay.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

const CYCLES = Number(process.env.CRASH_CYCLES ?? 20);
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const IN_FLIGHT = 12;
const MIN_ANSWERS = 20;
const MAX_ANSWERS = 160;

// mulberry32: a small seeded generator, so a failing run can be replayed with CRASH_SEED.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The answer bodies read here: objects whose read fields are strings (ids, numbers, days, tokens). */
type Fields = Record<string, string>;

interface Reply<T> {
  status: number;
  body: T;
}

function call<T = Fields>(agent: http.Agent, base: string, method: string, path: string, body?: unknown, token?: string): Promise<Reply<T>> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {};
    if (data !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(data));
    }
    if (token) headers.authorization = `Bearer ${token}`;
    const req = http.request(new URL(path, base), { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          /* keep the text */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed as T });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

interface ServiceInfo {
  code: string;
  prefix: string;
}

const seqOf = (number: string, prefix: string) => Number(number.slice(prefix.length));

/** Runs `fn` over `items` with at most `n` at a time. */
async function eachLimited<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

interface Burst {
  answered: { id: string; number: string; serviceCode: string }[];
  target: number;
}

/** Fires tickets with IN_FLIGHT requests open until `target` 201s arrived, then SIGKILLs the service. */
async function burstAndKill(svc: ServiceProcess, services: ServiceInfo[], target: number, random: () => number): Promise<Burst> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const answered: Burst['answered'] = [];
  let killed = false;
  const unexpected: string[] = [];
  const worker = async () => {
    while (!killed) {
      const serviceCode = services[Math.floor(random() * services.length)]!.code;
      try {
        const r = await call(agent, svc.url, 'POST', '/api/tickets', { serviceCode });
        // A 201 that arrives after the kill was still committed and answered: it counts.
        if (r.status === 201) answered.push({ id: r.body.id!, number: r.body.number!, serviceCode });
        else unexpected.push(`${r.status} ${JSON.stringify(r.body)}`);
        if (!killed && answered.length >= target) {
          killed = true;
          svc.child.kill('SIGKILL');
        }
      } catch (e) {
        // Requests cut off by the kill have no answer; before the kill a failure is a bug.
        if (!killed) unexpected.push(`request failed before the kill: ${(e as Error).message}`);
      }
      if (unexpected.length && !killed) {
        killed = true;
        svc.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const exit = await svc.exited;
  agent.destroy();
  assert.deepEqual(unexpected, [], `unexpected answers during the burst:\n${unexpected.slice(0, 5).join('\n')}\n${svc.tail()}`);
  assert.equal(exit.signal, 'SIGKILL', `the service should have died of SIGKILL, not ${JSON.stringify(exit)}`);
  return { answered, target };
}

interface IssuedEvent {
  id: number;
  stream: string;
  seq: number;
  type: string;
  data: { ticket?: { id: string; number: string; businessDay: string; serviceCode: string } };
}

/** Reads the whole event log through GET /api/events and checks it. */
async function checkEventsOverApi(agent: http.Agent, base: string, token: string, answered: Map<string, string>): Promise<void> {
  const events: IssuedEvent[] = [];
  for (let after = 0; ; ) {
    const r = await call<IssuedEvent[]>(agent, base, 'GET', `/api/events?after=${after}&limit=1000`, undefined, token);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const page = r.body;
    if (page.length === 0) break;
    events.push(...page);
    after = page.at(-1)!.id;
  }
  const perStream = new Map<string, number>();
  for (const e of events) {
    const expected = (perStream.get(e.stream) ?? 0) + 1;
    assert.equal(e.seq, expected, `stream ${e.stream}: event ${e.id} has seq ${e.seq}, expected ${expected} (gap or repeat)`);
    perStream.set(e.stream, e.seq);
  }
  const issuedFor = new Map<string, number>();
  const numberOwner = new Map<string, string>();
  for (const e of events) {
    if (e.type !== 'ticket.issued') continue;
    const t = e.data.ticket!;
    issuedFor.set(t.id, (issuedFor.get(t.id) ?? 0) + 1);
    const key = `${t.businessDay} ${t.number}`;
    const owner = numberOwner.get(key);
    assert.ok(owner === undefined || owner === t.id, `number ${t.number} issued twice on ${t.businessDay}: tickets ${owner} and ${t.id}`);
    numberOwner.set(key, t.id);
  }
  for (const [id, n] of issuedFor) assert.equal(n, 1, `ticket ${id} has ${n} ticket.issued events`);
  for (const [id] of answered) assert.equal(issuedFor.get(id), 1, `answered ticket ${id} has no ticket.issued event`);
}

/** Live checks against a freshly restarted service; the probe tickets it issues join `answered`. */
async function checkAfterRestart(svc: ServiceProcess, dataDir: string, services: ServiceInfo[], answered: Map<string, string>): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  try {
    // 1. Every ticket that was ever answered 201 is there, with its number.
    await eachLimited([...answered], 8, async ([id, number]) => {
      const r = await call(agent, svc.url, 'GET', `/api/tickets/${id}`);
      assert.equal(r.status, 200, `ticket ${id} (${number}) was answered 201 but is unknown after the restart: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.number, number, `ticket ${id} was answered as ${number}, now reads ${r.body.number}`);
    });

    // 2. Numbering continues right after the highest committed number of each service. The
    //    database is read (read-only, beside the running service) for what was committed,
    //    including tickets whose answer the kill cut off.
    const day = (await call(agent, svc.url, 'GET', '/api/health')).body.businessDay;
    const db = new Database(join(dataDir, 'branch.db'), { readonly: true, fileMustExist: true });
    let highest: Map<string, number>;
    try {
      assert.equal(db.pragma('quick_check', { simple: true }), 'ok');
      const rows = db.prepare('SELECT service_code AS code, MAX(seq) AS seq FROM tickets WHERE business_day = ? GROUP BY service_code').all(day) as { code: string; seq: number }[];
      highest = new Map(rows.map((r) => [r.code, r.seq]));
    } finally {
      db.close();
    }
    const probes: { service: ServiceInfo; number: string }[] = [];
    for (const s of services) {
      const r = await call(agent, svc.url, 'POST', '/api/tickets', { serviceCode: s.code });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      answered.set(r.body.id!, r.body.number!);
      probes.push({ service: s, number: r.body.number! });
    }
    const dayAfter = (await call(agent, svc.url, 'GET', '/api/health')).body.businessDay;
    // Across the branch's midnight numbers restart; the final database check still covers that cycle.
    if (dayAfter === day) {
      for (const p of probes) {
        const expected = (highest.get(p.service.code) ?? 0) + 1;
        assert.equal(seqOf(p.number, p.service.prefix), expected, `service ${p.service.code}: after the restart got ${p.number}, expected number ${expected}`);
      }
    }

    // 3. The event log as the API serves it.
    const creds = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as { staffId: string; pin: string; roles: string[] }[];
    const lobby = creds.find((c) => c.roles.includes('lobby'))!;
    const login = await call(agent, svc.url, 'POST', '/api/auth/login', { staffId: lobby.staffId, pin: lobby.pin });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    await checkEventsOverApi(agent, svc.url, login.body.token!, answered);
  } finally {
    agent.destroy();
  }
}

/** The database file after the final stop, opened read-only. */
/** Returns how many committed tickets never got their answer out (the kill came first). */
function checkDatabaseFile(path: string, services: ServiceInfo[], answered: Map<string, string>): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    assert.equal(db.pragma('quick_check', { simple: true }), 'ok');

    const tickets = db.prepare('SELECT id, business_day AS day, service_code AS code, seq, number FROM tickets').all() as { id: string; day: string; code: string; seq: number; number: string }[];
    const byId = new Map(tickets.map((t) => [t.id, t]));
    for (const [id, number] of answered) {
      assert.equal(byId.get(id)?.number, number, `answered ticket ${id} (${number}) is missing or changed in the database`);
    }

    // No number twice in a day, and none skipped: each service's numbers of a day are 1..n.
    const groups = new Map<string, number[]>();
    const seen = new Set<string>();
    for (const t of tickets) {
      const key = `${t.day} ${t.number}`;
      assert.ok(!seen.has(key), `number ${t.number} appears twice on ${t.day}`);
      seen.add(key);
      const prefix = services.find((s) => s.code === t.code)!.prefix;
      assert.equal(seqOf(t.number, prefix), t.seq, `ticket ${t.id}: number ${t.number} does not match seq ${t.seq}`);
      const g = `${t.day} ${t.code}`;
      groups.set(g, [...(groups.get(g) ?? []), t.seq]);
    }
    const sequences = db.prepare('SELECT business_day AS day, service_code AS code, last_seq AS lastSeq, issued FROM number_sequences').all() as { day: string; code: string; lastSeq: number; issued: number }[];
    for (const [g, seqs] of groups) {
      seqs.sort((a, b) => a - b);
      assert.deepEqual(seqs, seqs.map((_, i) => i + 1), `${g}: numbers are not 1..${seqs.length} without gaps or repeats`);
      const [day, code] = g.split(' ');
      const s = sequences.find((r) => r.day === day && r.code === code);
      assert.ok(s, `${g}: no number sequence row`);
      assert.equal(s.lastSeq, seqs.length, `${g}: the sequence says ${s.lastSeq}, the tickets end at ${seqs.length}`);
      assert.equal(s.issued, seqs.length, `${g}: the sequence counts ${s.issued} issued, there are ${seqs.length} tickets`);
    }

    // Exactly one ticket.issued per ticket, and none for a ticket that is not there.
    const issued = db
      .prepare(`SELECT json_extract(data, '$.ticket.id') AS id, json_extract(data, '$.ticket.number') AS number, COUNT(*) AS n FROM events WHERE type = 'ticket.issued' GROUP BY 1`)
      .all() as { id: string; number: string; n: number }[];
    assert.equal(issued.length, tickets.length, `${issued.length} tickets have a ticket.issued event, ${tickets.length} tickets exist`);
    for (const e of issued) {
      assert.equal(e.n, 1, `ticket ${e.id} has ${e.n} ticket.issued events`);
      assert.equal(byId.get(e.id)?.number, e.number, `ticket.issued for ${e.id} (${e.number}) does not match the tickets table`);
    }

    // Per-stream seq is gap-free: 1..n in log order.
    const streams = db.prepare('SELECT stream, COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi, COUNT(DISTINCT seq) AS d FROM events GROUP BY stream').all() as { stream: string; n: number; lo: number; hi: number; d: number }[];
    for (const s of streams) {
      assert.deepEqual({ lo: s.lo, hi: s.hi, distinct: s.d }, { lo: 1, hi: s.n, distinct: s.n }, `stream ${s.stream} has gaps or repeats`);
    }
    const outOfOrder = db
      .prepare('SELECT COUNT(*) AS n FROM events a JOIN events b ON a.stream = b.stream AND a.id < b.id AND a.seq > b.seq')
      .get() as { n: number };
    assert.equal(outOfOrder.n, 0, 'per-stream seq does not follow the log order');
    return tickets.length - answered.size;
  } finally {
    db.close();
  }
}

test(`no ticket lost or duplicated over ${CYCLES} kill -9 cycles during issue bursts`, { timeout: 10 * 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'branch-crash-'));
  const random = rng(SEED);
  console.log(`seed ${SEED} (replay with CRASH_SEED=${SEED}), ${CYCLES} cycles, ${IN_FLIGHT} requests in flight`);
  const args = ['--ticket-rate-limit', '1000000'];
  const answered = new Map<string, string>();
  let svc: ServiceProcess | undefined;
  let ok = false;
  try {
    svc = await startServiceProcess(dataDir, args);
    // Services without a daily cap, so that many cycles never run into one.
    const agent = new http.Agent({ keepAlive: false });
    const list = (await call<(ServiceInfo & { dailyCap?: number })[]>(agent, svc.url, 'GET', '/api/services')).body;
    const services = list.filter((s) => s.dailyCap === undefined).map((s) => ({ code: s.code, prefix: s.prefix }));
    assert.ok(services.length >= 4, 'the demo branch should offer several uncapped services');
    let killedAfter = 0;

    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const target = MIN_ANSWERS + Math.floor(random() * (MAX_ANSWERS - MIN_ANSWERS + 1));
      const burst = await burstAndKill(svc, services, target, random);
      svc = undefined;
      for (const a of burst.answered) {
        const before = answered.get(a.id);
        assert.ok(before === undefined, `ticket id ${a.id} answered twice`);
        answered.set(a.id, a.number);
      }
      killedAfter += burst.answered.length;
      svc = await startServiceProcess(dataDir, args);
      await checkAfterRestart(svc, dataDir, services, answered);
    }

    svc.child.kill('SIGTERM');
    const exit = await svc.exited;
    svc = undefined;
    assert.equal(exit.code, 0, `the final clean stop should exit 0, got ${JSON.stringify(exit)}`);
    const unanswered = checkDatabaseFile(join(dataDir, 'branch.db'), services, answered);
    console.log(`${CYCLES} kills; ${killedAfter} tickets answered 201 in bursts, ${answered.size} in all, every one found, no number twice; ${unanswered} committed whose answer the kill cut off`);
    ok = true;
  } finally {
    if (svc) {
      svc.child.kill('SIGKILL');
      await svc.exited;
    }
    if (ok) rmSync(dataDir, { recursive: true, force: true });
    else console.log(`data folder kept for inspection: ${dataDir}`);
  }
});

/**
 * "A call reaches 50 connected displays/consoles over WebSocket: p99 ≤ 50 ms" (DESIGN §8).
 * The branch service runs in its own process (demo mode, its simulated LED displays and pads
 * on); this process holds 50 /api/stream clients and a teller who calls next over HTTP. Each
 * sample is the time from sending the teller's request to the moment the last of the 50
 * clients has received that call's ticket.called event.
 *
 * Run alone: `npx tsx bench/calling-fanout.ts` (BENCH_FANOUT_CLIENTS, BENCH_FANOUT_CALLS).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { COMPILED_SERVICE, startChildServer } from './child-server.js';
import { ms, progress, summarize, table } from './stats.js';

export interface FanoutResult {
  clients: number;
  /** Request sent → last client received the call, ms. */
  lastClient: number[];
  /** Request sent → first client received the call, ms. */
  firstClient: number[];
  /** Request sent → HTTP answer, ms. */
  answer: number[];
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

async function post(url: string, token: string | undefined, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

export async function benchCallingFanout(opts: { clients?: number; calls?: number; warmup?: number } = {}): Promise<FanoutResult> {
  const clients = opts.clients ?? 50;
  const calls = opts.calls ?? 500;
  const warmup = opts.warmup ?? 50;
  const dir = mkdtempSync(join(tmpdir(), 'bench-fanout-'));
  progress(`call fan-out: starting the branch service, ${clients} stream clients, ${calls} calls`);
  const server = await startChildServer(
    'branch service',
    [...COMPILED_SERVICE, '--demo', '--port', '0', '--host', '127.0.0.1', '--data', dir, '--log', 'json', '--log-level', 'warn', '--ticket-rate-limit', '100000'],
    /(http:\/\/127\.0\.0\.1:\d+)/,
  );
  const sockets: WebSocket[] = [];
  try {
    const creds = JSON.parse(readFileSync(join(dir, 'demo-credentials.json'), 'utf8')) as { staffId: string; pin: string }[];
    const t03 = creds.find((c) => c.staffId === 'T03')!;
    const login = await post(`${server.url}/api/auth/login`, undefined, { staffId: t03.staffId, pin: t03.pin, counter: '3' });
    if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
    const token = login.json.token as string;
    for (let i = 0; i < calls + warmup + 5; i++) {
      const r = await post(`${server.url}/api/tickets`, undefined, { serviceCode: 'B' });
      if (r.status !== 201) throw new Error(`issue failed: ${r.status}`);
    }

    // ticket id → receipt times of the clients that have it.
    const receipts = new Map<string, number[]>();
    let notify: (() => void) | undefined;
    const wsUrl = `${server.url.replace('http', 'ws')}/api/stream`;
    await Promise.all(
      Array.from({ length: clients }, () => {
        const ws = new WebSocket(wsUrl);
        sockets.push(ws);
        ws.on('message', (data) => {
          const at = now();
          const e = JSON.parse(String(data)) as { type: string; data: { ticket: { id: string } } };
          if (e.type !== 'ticket.called') return;
          const list = receipts.get(e.data.ticket.id) ?? [];
          list.push(at);
          receipts.set(e.data.ticket.id, list);
          if (list.length === clients) notify?.();
        });
        return new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        });
      }),
    );

    const result: FanoutResult = { clients, lastClient: [], firstClient: [], answer: [] };
    for (let i = 0; i < warmup + calls; i++) {
      // The customer called last is served (not timed): Call next completes only a started service.
      if (i > 0) await post(`${server.url}/api/counters/3/start`, token);
      const t0 = now();
      const r = await post(`${server.url}/api/counters/3/next`, token);
      const answered = now();
      if (r.status !== 200) throw new Error(`call failed: ${r.status} ${JSON.stringify(r.json)}`);
      const id = r.json.ticket.id as string;
      if ((receipts.get(id)?.length ?? 0) < clients) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`call ${id} did not reach all ${clients} clients within 10 s`)), 10_000);
          notify = () => {
            if ((receipts.get(id)?.length ?? 0) >= clients) {
              clearTimeout(timer);
              notify = undefined;
              resolve();
            }
          };
        });
      }
      const times = receipts.get(id)!;
      receipts.delete(id);
      if (i < warmup) continue;
      result.answer.push(answered - t0);
      result.firstClient.push(Math.min(...times) - t0);
      result.lastClient.push(Math.max(...times) - t0);
    }
    return result;
  } finally {
    for (const ws of sockets) ws.terminate();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the fan-out benchmark and prints its table (bench/run.ts calls this). */
export async function printCallingFanout(opts: { clients?: number; calls?: number } = {}): Promise<void> {
  const r = await benchCallingFanout(opts);
  const last = summarize(r.lastClient);
  const first = summarize(r.firstClient);
  const answer = summarize(r.answer);
  const spread = summarize(r.lastClient.map((l, i) => l - r.firstClient[i]!));
  const rows = [
    [`call next → last of ${r.clients} stream clients has it`, `n=${last.n}`, ms(last.p50), ms(last.p99), ms(last.max), 'p99 <= 50 ms', last.p99 <= 50 ? 'met' : 'MISSED'],
    [`call next → first stream client has it`, `n=${first.n}`, ms(first.p50), ms(first.p99), ms(first.max), '(reference)', ''],
    ['fan-out alone: first → last client', `n=${spread.n}`, ms(spread.p50), ms(spread.p99), ms(spread.max), '(reference)', ''],
    ['call next → HTTP answer', `n=${answer.n}`, ms(answer.p50), ms(answer.p99), ms(answer.max), '(reference)', ''],
  ];
  // The request → first client time is mostly the durable commit (fsync): compare with the disk line.
  console.log(`\n${table(['call fan-out over WebSocket', 'samples', 'p50', 'p99', 'max', 'goal', ''], rows)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  await printCallingFanout({ clients: n('BENCH_FANOUT_CLIENTS', 50), calls: n('BENCH_FANOUT_CALLS', 500) });
}

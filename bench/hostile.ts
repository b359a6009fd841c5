/**
 * "Under 200 hostile stream clients and a login flood, health and ticket-issue p99 within 2× of a
 * quiet service" (DESIGN §8, docs/security.md). The branch service runs in its own process with
 * a history of HISTORY events; this process measures, one request at a time, GET /api/health,
 * POST /api/tickets, a teller's call of the next customer at counter 1 and the teller signing
 * in from their own counter PC, first on the quiet service, then while another process (bench/hostile-clients.ts) holds 200 stream clients that
 * asked for the whole history and read nothing, and keeps 100 bogus sign-ins in flight, from
 * 300 loopback addresses.
 *
 * Run alone: `npx tsx bench/hostile.ts` (BENCH_HOSTILE_SAMPLES, BENCH_HOSTILE_HISTORY).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { COMPILED_SERVICE, REPO_ROOT, startChildServer } from './child-server.js';
import { concurrent, keepAliveAgent, type Target } from './http-load.js';
import { ms, msSince, progress, summarize, table } from './stats.js';

const ROUNDS = 2;
const STREAMS = Number(process.env.BENCH_HOSTILE_STREAMS ?? 200);
const LOGINS = Number(process.env.BENCH_HOSTILE_LOGINS ?? 100);
// The teller's counter PC, where they signed in before (their sign-ins go first).
const COUNTER_PC = '127.0.250.1';

interface Phase {
  health: number[];
  ticket: number[];
  callNext: number[];
  signIn: number[];
}

function call(agent: http.Agent, url: string, method: string, body?: unknown, token?: string): Promise<{ status: number; json: any }> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = text ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) } : {};
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: raw ? JSON.parse(raw) : null });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(text);
  });
}

async function measure(url: string, samples: number, signIns: number, pin: string, tellerToken: string): Promise<Phase> {
  const agent = keepAliveAgent(1);
  const pcAgent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: COUNTER_PC });
  const phase: Phase = { health: [], ticket: [], callNext: [], signIn: [] };
  try {
    for (let i = 0; i < samples; i++) {
      let t = process.hrtime.bigint();
      const h = await call(agent, `${url}/api/health`, 'GET');
      phase.health.push(msSince(t));
      if (h.status !== 200) throw new Error(`health answered ${h.status}`);
      t = process.hrtime.bigint();
      const r = await call(agent, `${url}/api/tickets`, 'POST', { serviceCode: String.fromCharCode(65 + (i % 8)) });
      phase.ticket.push(msSince(t));
      if (r.status !== 201) throw new Error(`ticket answered ${r.status} ${JSON.stringify(r.json)}`);
      // The teller at counter 1 calls the next customer (the history keeps its queue long).
      t = process.hrtime.bigint();
      const c = await call(pcAgent, `${url}/api/counters/1/next`, 'POST', undefined, tellerToken);
      phase.callNext.push(msSince(t));
      if (c.status !== 200) throw new Error(`call next answered ${c.status} ${JSON.stringify(c.json)}`);
      // The customer comes to the counter (untimed): call next completes only a started service.
      const s = await call(pcAgent, `${url}/api/counters/1/start`, 'POST', undefined, tellerToken);
      if (s.status !== 200) throw new Error(`start answered ${s.status} ${JSON.stringify(s.json)}`);
    }
    for (let i = 0; i < signIns; i++) {
      const t = process.hrtime.bigint();
      const r = await call(pcAgent, `${url}/api/auth/login`, 'POST', { staffId: 'T01', pin });
      phase.signIn.push(msSince(t));
      if (r.status !== 200) throw new Error(`the teller's sign-in answered ${r.status} ${JSON.stringify(r.json)}`);
    }
  } finally {
    agent.destroy();
    pcAgent.destroy();
  }
  return phase;
}

/** Starts the attacker process; resolves once its stream clients are all connected. */
async function startAttack(url: string): Promise<{ stop(): Promise<Record<string, number>> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench/hostile-clients.ts'), url, String(STREAMS), String(LOGINS)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const next = () =>
    new Promise<string>((resolve, reject) => {
      if (exited !== undefined) return reject(new Error(`the attacker process exited (${exited})`));
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the attacker process exited (${code})`)));
    });
  const ready = await next();
  if (ready !== 'ready') throw new Error(`attacker: ${ready}`);
  return {
    async stop() {
      const counts = next();
      child.kill('SIGTERM');
      return JSON.parse(await counts) as Record<string, number>;
    },
  };
}

export async function printHostileBench(opts: { samples?: number; history?: number; signIns?: number } = {}): Promise<void> {
  const samples = opts.samples ?? 400;
  const history = opts.history ?? 10_000;
  // Two per phase: with the first sign-in, nine a run, under the service's ten a minute per address.
  const signIns = opts.signIns ?? 2;
  const dir = mkdtempSync(join(tmpdir(), 'bench-hostile-'));
  progress(`hostile LAN: starting the branch service, ${history} events of history`);
  const server = await startChildServer(
    'branch service',
    [...COMPILED_SERVICE, '--demo', '--port', '0', '--host', '127.0.0.1', '--data', dir, '--config', 'bench/bench-branch.yaml', '--log', 'json', '--log-level', 'warn', '--ticket-rate-limit', '1000000'],
    /(http:\/\/127\.0\.0\.1:\d+)/,
  );
  try {
    const target: Target = { name: 'branch service', url: server.url, agent: keepAliveAgent(16) };
    await concurrent(target, history, 16, (i) => String.fromCharCode(65 + (i % 8)));
    target.agent.destroy();
    const creds = JSON.parse(readFileSync(join(dir, 'demo-credentials.json'), 'utf8')) as { staffId: string; pin: string }[];
    const pin = creds.find((c) => c.staffId === 'T01')!.pin;

    // Quiet and hostile phases alternate, twice, so that a busy moment of the machine does not
    // land on one side only.
    const quiet: Phase = { health: [], ticket: [], callNext: [], signIn: [] };
    const hostile: Phase = { health: [], ticket: [], callNext: [], signIn: [] };
    const pcAgent = new http.Agent({ keepAlive: false, localAddress: COUNTER_PC });
    const signedIn = await call(pcAgent, `${server.url}/api/auth/login`, 'POST', { staffId: 'T01', pin, counter: '1' });
    pcAgent.destroy();
    if (signedIn.status !== 200) throw new Error(`the teller's sign-in answered ${signedIn.status} ${JSON.stringify(signedIn.json)}`);
    const tellerToken = signedIn.json.token as string;
    const answers: Record<string, number> = {};
    const add = (to: Phase, from: Phase) => {
      to.health.push(...from.health);
      to.ticket.push(...from.ticket);
      to.callNext.push(...from.callNext);
      to.signIn.push(...from.signIn);
    };
    for (let round = 1; round <= ROUNDS; round++) {
      progress(`hostile LAN, round ${round}/${ROUNDS}: quiet service, ${samples} health + ${samples} tickets, ${signIns} sign-ins`);
      add(quiet, await measure(server.url, samples, signIns, pin, tellerToken));
      progress(`hostile LAN, round ${round}/${ROUNDS}: ${STREAMS} non-reading stream clients replaying the history and ${LOGINS} bogus sign-ins in flight`);
      const attack = await startAttack(server.url);
      try {
        add(hostile, await measure(server.url, samples, signIns, pin, tellerToken));
      } finally {
        for (const [k, v] of Object.entries(await attack.stop())) answers[k] = (answers[k] ?? 0) + v;
      }
    }

    const row = (name: string, q: number[], h: number[], goal: boolean) => {
      const a = summarize(q);
      const b = summarize(h);
      const ratio = b.p99 / a.p99;
      return [name, ms(a.p50), ms(a.p99), ms(b.p50), ms(b.p99), `${ratio.toFixed(2)} x`, goal ? '<= 2 x' : '(reference)', goal ? (ratio <= 2 ? 'met' : 'MISSED') : ''];
    };
    const rows = [
      row('GET /api/health', quiet.health, hostile.health, true),
      row('POST /api/tickets (issue, fsync)', quiet.ticket, hostile.ticket, true),
      row("teller's call next at counter 1 (fsync)", quiet.callNext, hostile.callNext, true),
      row("teller's sign-in from their counter PC", quiet.signIn, hostile.signIn, false),
    ];
    console.log(`\nhostile LAN: ${STREAMS} stream clients asking for ${history}+ events and reading nothing, ${LOGINS} bogus sign-ins always in flight, from ${STREAMS + LOGINS} addresses`);
    console.log(table(['latency, one request at a time', 'quiet p50', 'quiet p99', 'hostile p50', 'hostile p99', 'p99 ratio', 'goal', ''], rows));
    const total = Object.values(answers).reduce((a, b) => a + b, 0);
    const described = Object.entries(answers)
      .map(([k, v]) => `${v} ${k === '401' ? 'hashed (401)' : k === '429' ? 'rate limited (429)' : k === '503' ? 'busy (503)' : k}`)
      .join(', ');
    console.log(`bogus sign-ins answered during the attack: ${total} (${described}); samples: ${ROUNDS} rounds of ${samples} + ${samples} requests and ${signIns} sign-ins per side`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  await printHostileBench({ samples: n('BENCH_HOSTILE_SAMPLES', 400), history: n('BENCH_HOSTILE_HISTORY', 10_000) });
}

/**
 * The load generator for the HTTP figures: POSTs a ticket request over a keep-alive
 * http.Agent (the same settings for every server under test) and times each answer.
 */
import http from 'node:http';
import { msSince } from './stats.js';

export interface Target {
  name: string;
  url: string;
  agent: http.Agent;
}

export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/** One POST /api/tickets; resolves with the status once the whole answer has arrived. */
export function postTicket(t: Target, serviceCode: string): Promise<number> {
  const body = JSON.stringify({ serviceCode });
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${t.url}/api/tickets`,
      { method: 'POST', agent: t.agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        res.on('data', () => {});
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function expectCreated(t: Target, status: number): void {
  if (status !== 201) throw new Error(`${t.name} answered ${status} instead of 201`);
}

/** `count` requests one after another; returns each one's latency in ms. */
export async function sequential(t: Target, count: number, service: (i: number) => string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    expectCreated(t, await postTicket(t, service(i)));
    out.push(msSince(start));
  }
  return out;
}

/**
 * `count` requests to each of two servers, one at a time, alternating request by request (and
 * which goes first), so that both see the same moment of the machine and its disk.
 */
export async function paired(a: Target, b: Target, count: number, service: (i: number) => string): Promise<[number[], number[]]> {
  const outA: number[] = [];
  const outB: number[] = [];
  const one = async (t: Target, out: number[], code: string) => {
    const start = process.hrtime.bigint();
    expectCreated(t, await postTicket(t, code));
    out.push(msSince(start));
  };
  for (let i = 0; i < count; i++) {
    const code = service(i);
    if (i % 2 === 0) {
      await one(a, outA, code);
      await one(b, outB, code);
    } else {
      await one(b, outB, code);
      await one(a, outA, code);
    }
  }
  return [outA, outB];
}

export interface ConcurrentRun {
  perSecond: number;
  latencies: number[];
  seconds: number;
}

/** `count` requests from `clients` concurrent clients; returns tickets per second and latencies. */
export async function concurrent(t: Target, count: number, clients: number, service: (i: number) => string): Promise<ConcurrentRun> {
  let next = 0;
  const latencies: number[] = [];
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const i = next++;
        const s = process.hrtime.bigint();
        expectCreated(t, await postTicket(t, service(i)));
        latencies.push(msSince(s));
      }
    }),
  );
  const seconds = msSince(start) / 1000;
  return { perSecond: count / seconds, latencies, seconds };
}

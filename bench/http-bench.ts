/**
 * The HTTP figures: the branch service and the floor server each run in their own child
 * process; this process is only the load generator. Latency is measured with one request in
 * flight, alternating request by request between the two servers so that drift (other load on
 * the machine, the disk's mood) hits both alike; throughput with N concurrent clients.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPILED_SERVICE, startChildServer, tsScript, type ChildServer } from './child-server.js';
import { concurrent, keepAliveAgent, paired, sequential, type ConcurrentRun, type Target } from './http-load.js';
import { rssOf } from './machine.js';
import { progress } from './stats.js';

export interface HttpBenchOptions {
  warmup: number;
  requests: number;
  throughputCount: number;
  clients: number;
}

export interface HttpBenchResult {
  service: { latencies: number[]; perSecond: number; concurrentLatencies: number[]; seconds: number };
  floor: { latencies: number[]; perSecond: number; concurrentLatencies: number[]; seconds: number };
  services: string[];
  rssServiceStart: number;
  rssServiceAfterLatency: number;
  rssServiceEnd: number;
  rssFloorEnd: number;
}

// The demo branch's services without a daily cap; each numbers 1..999 a day.
const DEMO_SERVICES = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
const NUMBERS_PER_SERVICE = 999;

export async function benchHttp(opts: HttpBenchOptions): Promise<HttpBenchResult> {
  const tickets = opts.warmup + opts.requests + opts.throughputCount;
  if (tickets > DEMO_SERVICES.length * NUMBERS_PER_SERVICE) {
    throw new Error(`${tickets} tickets do not fit in one day of the demo branch's numbers; lower the counts`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  const servers: ChildServer[] = [];
  try {
    const service = await startChildServer(
      'branch service',
      [...COMPILED_SERVICE, '--demo', '--port', '0', '--host', '127.0.0.1', '--data', join(dir, 'service'), '--log', 'json', '--ticket-rate-limit', '1000000'],
      /Branch service ready at (http:\/\/127\.0\.0\.1:\d+)/,
    );
    servers.push(service);
    const floor = await startChildServer('floor server', [...tsScript('bench/floor-server.ts'), join(dir, 'floor.db')], /Floor server ready at (http:\/\/127\.0\.0\.1:\d+)/);
    servers.push(floor);
    const rssServiceStart = rssOf(service.pid);

    const one = (s: ChildServer): Target => ({ name: s.name, url: s.url, agent: keepAliveAgent(1) });
    const svcT = one(service);
    const floorT = one(floor);
    let n = 0;
    const pick = () => DEMO_SERVICES[n++ % DEMO_SERVICES.length]!;

    progress(`warming up both servers (${opts.warmup} requests each)`);
    await sequential(floorT, opts.warmup, pick);
    await sequential(svcT, opts.warmup, pick);

    progress(`latency: ${opts.requests} sequential requests each, alternating between the two servers`);
    const [svcLat, floorLat] = await paired(svcT, floorT, opts.requests, pick);
    const rssServiceAfterLatency = rssOf(service.pid);
    svcT.agent.destroy();
    floorT.agent.destroy();

    progress(`throughput: ${opts.throughputCount} tickets from ${opts.clients} concurrent clients, each server`);
    const many = (s: ChildServer): Target => ({ name: s.name, url: s.url, agent: keepAliveAgent(opts.clients) });
    const floorMany = many(floor);
    const svcMany = many(service);
    // In two halves, floor-service-service-floor, so that the machine drifting during the run
    // (other work, the disk's mood) weighs on both alike.
    const first = Math.floor(opts.throughputCount / 2);
    const second = opts.throughputCount - first;
    const floorA = await concurrent(floorMany, first, opts.clients, pick);
    const svcA = await concurrent(svcMany, first, opts.clients, pick);
    const svcB = await concurrent(svcMany, second, opts.clients, pick);
    const floorB = await concurrent(floorMany, second, opts.clients, pick);
    floorMany.agent.destroy();
    svcMany.agent.destroy();
    const joined = (a: ConcurrentRun, b: ConcurrentRun) => ({
      perSecond: opts.throughputCount / (a.seconds + b.seconds),
      latencies: [...a.latencies, ...b.latencies],
      seconds: a.seconds + b.seconds,
    });
    const floorRun = joined(floorA, floorB);
    const svcRun = joined(svcA, svcB);

    const result: HttpBenchResult = {
      service: { latencies: svcLat, perSecond: svcRun.perSecond, concurrentLatencies: svcRun.latencies, seconds: svcRun.seconds },
      floor: { latencies: floorLat, perSecond: floorRun.perSecond, concurrentLatencies: floorRun.latencies, seconds: floorRun.seconds },
      services: DEMO_SERVICES,
      rssServiceStart,
      rssServiceAfterLatency,
      rssServiceEnd: rssOf(service.pid),
      rssFloorEnd: rssOf(floor.pid),
    };
    return result;
  } finally {
    for (const s of servers) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

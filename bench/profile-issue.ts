/**
 * `npm run bench:profile`: where the compiled branch service spends its time under the
 * sustained-issue load of `npm run bench` (16 keep-alive clients posting tickets). The service
 * runs with `node --cpu-prof`; only the samples taken while the load ran are counted (the
 * profiler's clock and process.hrtime are both CLOCK_MONOTONIC on Linux). The profiler slows the
 * service, so the throughput printed here is not the bench's figure.
 *
 * BENCH_THROUGHPUT (default 3000) and BENCH_CLIENTS (16) as for `npm run bench`;
 * PROFILE_KEEP=1 keeps the .cpuprofile file (open it in Chrome DevTools' Performance panel).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPILED_SERVICE, REPO_ROOT, startChildServer } from './child-server.js';
import { formatProfile, summarizeProfile } from './cpu-profile.js';
import { concurrent, keepAliveAgent, sequential } from './http-load.js';
import { progress } from './stats.js';

const count = Number(process.env.BENCH_THROUGHPUT ?? 3000);
const clients = Number(process.env.BENCH_CLIENTS ?? 16);
const SERVICES = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];

const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
const profiles = join(dir, 'profiles');
try {
  const service = await startChildServer(
    'branch service',
    ['--cpu-prof', `--cpu-prof-dir=${profiles}`, ...COMPILED_SERVICE, '--demo', '--port', '0', '--host', '127.0.0.1', '--data', join(dir, 'data'), '--log', 'json', '--ticket-rate-limit', '1000000'],
    /Branch service ready at (http:\/\/127\.0\.0\.1:\d+)/,
  );
  let n = 0;
  const pick = () => SERVICES[n++ % SERVICES.length]!;
  progress('warming up (300 sequential tickets)');
  const warm = { name: 'service', url: service.url, agent: keepAliveAgent(1) };
  await sequential(warm, 300, pick);
  warm.agent.destroy();
  progress(`profiling ${count} tickets from ${clients} concurrent clients`);
  const many = { name: 'service', url: service.url, agent: keepAliveAgent(clients) };
  const from = Number(process.hrtime.bigint() / 1000n);
  const run = await concurrent(many, count, clients, pick);
  const to = Number(process.hrtime.bigint() / 1000n);
  many.agent.destroy();
  await service.stop();
  const file = readdirSync(profiles).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the service wrote no CPU profile');
  console.log(`\n${count} tickets from ${clients} clients in ${run.seconds.toFixed(2)} s (${run.perSecond.toFixed(0)}/s under the profiler)`);
  console.log(formatProfile(summarizeProfile(join(profiles, file), REPO_ROOT, from, to, Number(process.env.PROFILE_TOP ?? 20))));
  if (process.env.PROFILE_KEEP) console.log(`\nprofile kept: ${join(profiles, file)}`);
} finally {
  if (!process.env.PROFILE_KEEP) rmSync(dir, { recursive: true, force: true });
}

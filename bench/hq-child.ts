/**
 * Head office under test in its own process, started as `npm run hq` starts it (compiled),
 * so the simulated branches' work (building bodies, the HTTP client)
 * does not share its CPU time: real branches are other machines. Enrolment goes through the
 * running server's control route, as `npm run hq -- enroll` does.
 */
import type { Agent } from 'node:http';
import { request } from 'node:http';
import { z } from 'zod';
import { runningServer } from '../hq/control.js';
import { startChildServer } from './child-server.js';
import { pidCpuSeconds } from './cpu-time.js';

export interface HqProcess {
  url: string;
  pid: number;
  /** A one-time enrollment code for `branch`, from the running server. */
  enrollmentCode(branch: string): Promise<string>;
  /** Enrolls `branch` from the address its agent sends from; returns the branch credential. */
  enroll(branch: string, agent?: Agent): Promise<string>;
  /** CPU seconds used so far by head office's process (all its threads; PGlite runs in it). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

function postJson(url: string, body: unknown, headers: Record<string, string>, agent?: Agent): Promise<{ status: number; json: unknown }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const codeAnswer = z.object({ code: z.string() });
const credentialAnswer = z.object({ credential: z.string() });

/** Another build of head office to run beside this one (its main.js and Node flags). */
export interface HqBuild {
  label: string;
  main: string;
  flags: readonly string[];
}

/**
 * This checkout's build, run as `npm run hq` runs it: no Node flags (a larger young generation,
 * --max-semi-space-size=64, cost head office more CPU per event here, not less:
 * docs/hq-scale.md). BENCH_HQ_NODE_FLAGS gives it flags to try.
 */
export const THIS_BUILD: HqBuild = {
  label: 'this',
  main: 'dist/hq/main.js',
  flags: (process.env.BENCH_HQ_NODE_FLAGS ?? '').split(' ').filter(Boolean),
};

/** Starts a build of head office on `dataDir` (PostgreSQL when `databaseUrl` is given, else PGlite). */
export async function startHqProcess(dataDir: string, databaseUrl?: string, build: HqBuild = THIS_BUILD): Promise<HqProcess> {
  const args = [...build.flags, build.main, '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--log', 'json', '--log-level', 'warn'];
  if (databaseUrl) args.push('--database', databaseUrl);
  if (process.env.BENCH_HQ_POOL) args.push('--pool-size', process.env.BENCH_HQ_POOL);
  const child = await startChildServer('head office', args, /Head-office server ready at (\S+)/);
  const server = runningServer(dataDir);
  if (!server) throw new Error('head office is up but wrote no server file');
  const enrollmentCode = async (branch: string) => {
    const r = await postJson(`${child.url}/api/control/enroll`, { branch, region: '', ttlHours: 1 }, { authorization: `Bearer ${server.secret}` });
    if (r.status !== 200) throw new Error(`control enroll answered ${r.status}: ${JSON.stringify(r.json).slice(0, 200)}`);
    return codeAnswer.parse(r.json).code;
  };
  return {
    url: child.url,
    pid: child.pid,
    enrollmentCode,
    async enroll(branch, agent) {
      const code = await enrollmentCode(branch);
      const r = await postJson(`${child.url}/api/enroll`, { code, installId: `bench-${branch}`, branch }, {}, agent);
      if (r.status !== 200) throw new Error(`enrolling ${branch} answered ${r.status}: ${JSON.stringify(r.json).slice(0, 200)}`);
      return credentialAnswer.parse(r.json).credential;
    },
    cpuSeconds: () => pidCpuSeconds(child.pid),
    stop: () => child.stop(),
  };
}

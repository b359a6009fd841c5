/**
 * The supervisor with the real branch service in a child process: the ready line awaited, the
 * output kept in service.log, a kill -9 answered by a restart, a clean stop on quit.
 */
import { afterAll, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryLog, RotatingFile } from '../../electron/log-files.js';
import { ServiceSupervisor, type ServiceStatus } from '../../electron/service-supervisor.js';
import { nodeFork } from './node-fork.js';

const dir = mkdtempSync(join(tmpdir(), 'shell-supervisor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function until(s: ServiceSupervisor, pred: (st: ServiceStatus) => boolean): Promise<ServiceStatus> {
  return new Promise((resolve) => {
    if (pred(s.current)) return resolve(s.current);
    const off = s.onChange((st) => {
      if (pred(st)) {
        off();
        resolve(st);
      }
    });
  });
}

test('supervises the real branch service: ready line, kept logs, restart after kill -9, clean stop', async () => {
  const log = memoryLog();
  const output = new RotatingFile(join(dir, 'logs', 'service.log'));
  const s = new ServiceSupervisor({
    entry: fileURLToPath(new URL('../../server/main.ts', import.meta.url)),
    args: ['--demo', '--port', '0', '--host', '127.0.0.1', '--data', join(dir, 'data'), '--log', 'json'],
    env: { ...process.env, NODE_ENV: 'production' },
    fork: nodeFork,
    log,
    output,
    startTimeoutMs: 90_000,
    backoff: { initialMs: 100, maxMs: 1_000, factor: 2, stableAfterMs: 600_000 },
    killHard: (pid) => process.kill(pid, 'SIGKILL'),
  });
  const seen: string[] = [];
  s.onChange((st) => seen.push(st.state));
  s.start();
  const first = await until(s, (st) => st.state === 'ready');
  if (first.state !== 'ready') throw new Error('not ready');
  const health = await fetch(`${first.origin}/api/health`);
  expect(health.status).toBe(200);

  process.kill(first.pid!, 'SIGKILL');
  const waiting = await until(s, (st) => st.state === 'waiting');
  expect(waiting).toMatchObject({ state: 'waiting', failures: 1, delayMs: 100, reason: 'exited with code 137' });
  const second = await until(s, (st) => st.state === 'ready');
  if (second.state !== 'ready') throw new Error('not ready');
  expect(second.pid).not.toBe(first.pid);
  expect((await fetch(`${second.origin}/api/health`)).status).toBe(200);
  expect(seen).toEqual(['starting', 'ready', 'waiting', 'starting', 'ready']);

  await s.stop();
  expect(s.current.state).toBe('stopped');
  await expect(fetch(`${second.origin}/api/health`)).rejects.toThrow();
  const kept = readFileSync(join(dir, 'logs', 'service.log'), 'utf8');
  expect(kept.match(/Branch service ready at http:\/\/127\.0\.0\.1:\d+/g)).toHaveLength(2);
  expect(kept).toMatch(/"msg":"stopping"/);
  expect(log.entries.find((e) => e.msg === 'the branch service stopped; restarting it')?.fields?.lastLines).toEqual(expect.arrayContaining([expect.stringMatching(/Branch service ready/)]));
});

/** The head-office server as a real child process (`hq/main.ts` through tsx), for tests that kill it. */
import { spawn } from 'node:child_process';
import { REPO_ROOT, startReadyProcess, type ServiceProcess } from '../crash/service-process.js';

export type HqProcess = ServiceProcess;

const READY = /Head-office server ready at (https?:\/\/127\.0\.0\.1:\d+)/;

export function startHqProcess(args: string[]): Promise<HqProcess> {
  return startReadyProcess(['hq/main.ts', '--log', 'json', ...args], READY, 'the head-office server');
}

/** Runs `npm run hq -- …` to its end and returns what it printed. */
export function runHqCommand(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'hq/main.ts', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'test' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

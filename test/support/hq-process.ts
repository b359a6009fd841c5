/** The head-office server as a real child process (`hq/main.ts` through tsx), for tests that kill it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../crash/service-process.js';

export interface HqProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  tail(): string;
}

const READY = /Head-office server ready at (https?:\/\/127\.0\.0\.1:\d+)/;

export function startHqProcess(args: string[]): Promise<HqProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'hq/main.ts', '--log', 'json', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'test' } });
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > 40) lines.shift();
  };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  createInterface({ input: child.stderr! }).on('line', keep);
  const out = createInterface({ input: child.stdout! });
  const tail = () => lines.join('\n');
  return new Promise((resolve, reject) => {
    let ready = false;
    out.on('line', (line) => {
      keep(line);
      const m = ready ? null : READY.exec(line);
      if (m) {
        ready = true;
        resolve({ child, url: m[1]!, exited, tail });
      }
    });
    void exited.then(({ code, signal }) => {
      if (!ready) reject(new Error(`the head-office server exited before it was ready (code ${code}, signal ${signal}):\n${tail()}`));
    });
  });
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

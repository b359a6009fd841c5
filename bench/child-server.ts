/**
 * Starts a server under test in its own process, so the load generator's work does not share
 * its CPU time, and waits for the line that names its URL. The branch service runs compiled
 * (`dist/server/main.js`, as a branch runs it); the bench's own TypeScript tools run through tsx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVICE_NODE_FLAGS } from '../server/node-flags.js';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface ChildServer {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Node's arguments for the compiled branch service, with the flags it always runs with. */
export const COMPILED_SERVICE = [...SERVICE_NODE_FLAGS, 'dist/server/main.js'];
/** Node's arguments for a TypeScript file of the bench. */
export const tsScript = (file: string) => ['--import', 'tsx', file];

export function startChildServer(name: string, nodeArgs: string[], ready: RegExp): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, nodeArgs, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  createInterface({ input: child.stderr! }).on('line', keep);
  return new Promise((resolve, reject) => {
    let up = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      const m = up ? null : ready.exec(line);
      if (!m) return;
      up = true;
      resolve({
        name,
        url: m[1]!,
        pid: child.pid!,
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
    void exited.then(() => {
      if (!up) reject(new Error(`${name} exited before it was ready:\n${tail.join('\n')}`));
    });
  });
}

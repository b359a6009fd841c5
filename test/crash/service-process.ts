/**
 * The branch service as a real child process (the compiled `dist/server/main.js`), for tests that
 * kill it or check what a branch runs. Resolves once the service printed its ready line; keeps
 * draining its output so a full pipe never stalls it, and keeps the last lines for a failure
 * message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVICE_NODE_FLAGS } from '../../server/node-flags.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  /** Settles with the exit code and signal once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines the process wrote (stdout and stderr), for diagnostics. */
  tail(): string;
}

const READY = /Branch service ready at (http:\/\/127\.0\.0\.1:\d+)/;

export function startServiceProcess(dataDir: string, extraArgs: string[] = []): Promise<ServiceProcess> {
  return startUntilReady(process.execPath, [...SERVICE_NODE_FLAGS, 'dist/server/main.js', '--demo', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--log', 'json', ...extraArgs]);
}

/** Runs a repo script through tsx and resolves with the URL its ready line names (head office's tests use it too). */
export function startReadyProcess(args: string[], ready: RegExp, what: string): Promise<ServiceProcess> {
  return startUntilReady(process.execPath, ['--import', 'tsx', ...args], { ready, what });
}

/**
 * Any command that ends up running the service (`node …`, `npm start -- …`). With `detached`
 * the command gets its own process group, so `process.kill(-child.pid)` reaches what it spawned.
 * `ready` matches the line that says it is ready and names its URL (default: the branch service's).
 */
export function startUntilReady(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; detached?: boolean; ready?: RegExp; what?: string } = {},
): Promise<ServiceProcess> {
  const ready = opts.ready ?? READY;
  const what = opts.what ?? 'the branch service';
  const child = spawn(command, args, {
    cwd: opts.cwd ?? REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'test', ...opts.env },
    detached: opts.detached ?? false,
  });
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > 40) lines.shift();
  };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  createInterface({ input: child.stderr! }).on('line', keep);
  const out = createInterface({ input: child.stdout! });
  const tail = () => lines.join('\n');
  return new Promise((resolve, reject) => {
    let isReady = false;
    out.on('line', (line) => {
      keep(line);
      const m = isReady ? null : ready.exec(line);
      if (m) {
        isReady = true;
        resolve({ child, url: m[1]!, exited, tail });
      }
    });
    void exited.then(({ code, signal }) => {
      if (!isReady) reject(new Error(`${what} exited before it was ready (code ${code}, signal ${signal}):\n${tail()}`));
    });
  });
}

/**
 * The branch service as a real child process (`server/main.ts` through tsx), for tests that
 * kill it. Resolves once the service printed its ready line; keeps draining its output so a
 * full pipe never stalls it, and keeps the last lines for a failure message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

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
  return startReadyProcess(['server/main.ts', '--demo', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--log', 'json', ...extraArgs], READY, 'the branch service');
}

/** Runs a repo script through tsx and resolves with the URL its ready line names (head office's tests use it too). */
export function startReadyProcess(args: string[], ready: RegExp, what: string): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'test' } });
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

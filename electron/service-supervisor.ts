/**
 * Runs the branch service as a supervised child (Electron's utilityProcess on the kiosk): it is
 * started with a timeout on its ready line, restarted with backoff whenever it exits, stopped
 * gracefully (SIGTERM, then a hard kill), and its output is kept in service.log. The state is
 * an explicit machine so that the windows can say "starting" while it is not ready, and reload
 * once it is.
 */
import { createInterface } from 'node:readline';
import { SERVICE_NODE_FLAGS } from '../server/node-flags.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { LineTail, type RotatingFile, type ShellLog } from './log-files.js';
import type { ServiceForker, ServiceProcess } from './ports.js';
import { realTimers, type Timers } from './timers.js';

export type ServiceStatus =
  | { state: 'idle' }
  /** Spawned, waiting for its ready line. `attempt` counts every start since the shell began. */
  | { state: 'starting'; attempt: number; since: number }
  /** Accepting requests at `origin` (http://127.0.0.1:PORT). */
  | { state: 'ready'; origin: string; pid: number | undefined; since: number }
  /** Exited or failed to start; the next start is due at `retryAt`. */
  | { state: 'waiting'; failures: number; reason: string; delayMs: number; retryAt: number }
  | { state: 'stopping' }
  | { state: 'stopped' };

export interface SupervisorOptions {
  /** The compiled service's entry (dist/server/main.js), run with the same CLI as `npm run serve`. */
  entry: string;
  args: string[];
  env: Record<string, string | undefined>;
  fork: ServiceForker;
  log: ShellLog;
  /** Where the service's stdout and stderr are kept. */
  output?: RotatingFile | null;
  /** Also hand each output line here (a developer's terminal). */
  echo?: (line: string) => void;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  backoff?: BackoffPolicy;
  timers?: Timers;
  /** Last resort when the service ignores SIGTERM. */
  killHard?: (pid: number) => void;
}

// The ready line is plain text (the service's structured log lines are JSON objects).
const READY_LINE = /http:\/\/127\.0\.0\.1:(\d{1,5})\b/;

export function readyOrigin(line: string): string | undefined {
  if (line.trimStart().startsWith('{')) return undefined;
  const m = READY_LINE.exec(line);
  return m ? `http://127.0.0.1:${m[1]}` : undefined;
}

export class ServiceSupervisor {
  private status: ServiceStatus = { state: 'idle' };
  private child: ServiceProcess | undefined;
  private attempts = 0;
  private failures = 0;
  private timer: unknown;
  private hardKillTimer: unknown;
  private pendingReason: string | undefined;
  private restartRequested = false;
  private stopWaiters: (() => void)[] = [];
  private readonly listeners = new Set<(s: ServiceStatus) => void>();
  private readonly timers: Timers;
  private readonly backoff: BackoffPolicy;

  constructor(private readonly o: SupervisorOptions) {
    this.timers = o.timers ?? realTimers;
    this.backoff = o.backoff ?? DEFAULT_BACKOFF;
  }

  get current(): ServiceStatus {
    return this.status;
  }

  /** The service's address while it is ready. */
  get origin(): string | undefined {
    return this.status.state === 'ready' ? this.status.origin : undefined;
  }

  /** Failures in a row since the service last ran long enough to count as healthy. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  onChange(listener: (s: ServiceStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.status.state !== 'idle' && this.status.state !== 'stopped') return;
    this.spawn();
  }

  /** Staff asked for a restart: stop the running service and start it again without backoff. */
  restart(reason: string): void {
    this.o.log.info('restarting the branch service', { reason });
    if (this.child) {
      this.restartRequested = true;
      this.pendingReason = reason;
      this.kill(this.child);
    } else if (this.status.state === 'waiting' || this.status.state === 'idle' || this.status.state === 'stopped') {
      this.clearTimer();
      this.failures = 0;
      this.spawn();
    }
  }

  /** Stops the service gracefully and does not start it again. */
  stop(): Promise<void> {
    this.clearTimer();
    if (!this.child) {
      this.set({ state: 'stopped' });
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    if (this.status.state !== 'stopping') {
      this.set({ state: 'stopping' });
      this.kill(this.child);
    }
    return done;
  }

  private set(s: ServiceStatus): void {
    this.status = s;
    for (const l of this.listeners) l(s);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private spawn(): void {
    const attempt = ++this.attempts;
    this.set({ state: 'starting', attempt, since: this.timers.now() });
    let child: ServiceProcess;
    try {
      child = this.o.fork(this.o.entry, this.o.args, { env: this.o.env, stdio: 'pipe', serviceName: 'branch-service', execArgv: [...SERVICE_NODE_FLAGS] });
    } catch (e) {
      this.failed(`could not be started: ${(e as Error).message}`, new LineTail());
      return;
    }
    this.child = child;
    const tail = new LineTail();
    const onLine = (line: string, fromStdout: boolean) => {
      this.o.output?.write(line + '\n');
      this.o.echo?.(line);
      tail.push(line);
      if (!fromStdout || this.child !== child || this.status.state !== 'starting') return;
      const origin = readyOrigin(line);
      if (origin) this.ready(child, origin);
    };
    if (child.stdout) createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (l) => onLine(l, true));
    if (child.stderr) createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (l) => onLine(l, false));
    child.on('exit', (code) => this.exited(child, code, tail));
    const timeoutMs = this.o.startTimeoutMs ?? 60_000;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      if (this.child !== child || this.status.state !== 'starting') return;
      this.o.log.error('the branch service did not report ready in time; stopping it', { timeoutMs, attempt });
      this.pendingReason = `no ready line within ${Math.round(timeoutMs / 1000)} s`;
      this.kill(child);
    }, timeoutMs);
  }

  private ready(child: ServiceProcess, origin: string): void {
    this.clearTimer();
    this.o.log.info('branch service ready', { origin, pid: child.pid });
    this.set({ state: 'ready', origin, pid: child.pid, since: this.timers.now() });
  }

  private kill(child: ServiceProcess): void {
    child.kill();
    if (this.hardKillTimer !== undefined) this.timers.clearTimeout(this.hardKillTimer);
    this.hardKillTimer = this.timers.setTimeout(() => {
      this.hardKillTimer = undefined;
      if (this.child !== child || child.pid === undefined) return;
      this.o.log.warn('the branch service did not stop after SIGTERM; killing it', { pid: child.pid });
      this.o.killHard?.(child.pid);
    }, this.o.stopTimeoutMs ?? 15_000);
  }

  private exited(child: ServiceProcess, code: number, tail: LineTail): void {
    if (child !== this.child) return;
    this.child = undefined;
    this.clearTimer();
    if (this.hardKillTimer !== undefined) this.timers.clearTimeout(this.hardKillTimer);
    this.hardKillTimer = undefined;
    const was = this.status;
    if (was.state === 'stopping') {
      this.o.log.info('branch service stopped', { code });
      this.set({ state: 'stopped' });
      for (const w of this.stopWaiters.splice(0)) w();
      return;
    }
    const reason = this.pendingReason ?? (was.state === 'ready' ? `exited with code ${code}` : `exited with code ${code} before it was ready`);
    this.pendingReason = undefined;
    if (this.restartRequested) {
      this.restartRequested = false;
      this.failures = 0;
      this.spawn();
      return;
    }
    // A service that ran long enough was healthy: its crash starts the backoff from the beginning.
    if (was.state === 'ready' && this.timers.now() - was.since >= this.backoff.stableAfterMs) this.failures = 0;
    this.failed(reason, tail, code);
  }

  private failed(reason: string, tail: LineTail, code?: number): void {
    this.failures++;
    const delayMs = backoffDelay(this.failures, this.backoff);
    this.o.log.error('the branch service stopped; restarting it', { reason, code, failures: this.failures, restartInMs: delayMs, lastLines: tail.lines() });
    this.set({ state: 'waiting', failures: this.failures, reason, delayMs, retryAt: this.timers.now() + delayMs });
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.spawn();
    }, delayMs);
  }
}

/**
 * An ESC/POS receipt printer as a Device: keeps its state current by polling DLE EOT (or listening
 * to ASB), and prints documents one at a time. print() answers the question the kiosk cares
 * about: did the ticket come out? It resolves only when the bytes were written and the printer
 * reports no blocking condition afterwards; otherwise it rejects with PRINT_FAILED and a sentence
 * staff can act on.
 */
import { AppError } from '../../common/errors.js';
import type { Device, DeviceState, DeviceStatus } from '../device.js';
import { silentLogger, type Logger } from '../logger.js';
import type { ConnectionState, Transport } from '../transport/transport.js';
import { asbEnable, statusRequest } from './escpos.js';
import { StatusParser, stateOf, type PrinterCondition, type StatusReport } from './status.js';

export interface PrinterOptions {
  id?: string;
  /** Time between status polls. Default 1000 ms. */
  pollIntervalMs?: number;
  /** How long to wait for one DLE EOT answer. Default 500 ms. */
  answerTimeoutMs?: number;
  /** The printer counts as offline after this long without any answer. Default 3000 ms. */
  offlineAfterMs?: number;
  /**
   * After a job, the first status answer can queue behind the job's bytes (flow control), so it
   * gets longer. Default 3000 ms.
   */
  jobAnswerTimeoutMs?: number;
  /** 'poll': DLE EOT 1..4 each interval. 'asb': enable GS a and poll DLE EOT 1 as a heartbeat. */
  statusMode?: 'poll' | 'asb';
  logger?: Logger;
}

/** States in which a ticket cannot come out. Paper near end is deliberately not one. */
const BLOCKING = new Set<DeviceState>(['offline', 'paper_end', 'cover_open', 'cutter_error', 'error', 'connecting']);

function printFailed(detail: string): AppError {
  return new AppError('PRINT_FAILED', detail, 503);
}

interface AnswerWaiter {
  n: 1 | 2 | 3 | 4;
  done: (answered: boolean) => void;
  fail: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class Printer implements Device {
  readonly id: string;
  readonly kind = 'printer' as const;
  readonly transport: Transport;
  readonly #opts: Required<Omit<PrinterOptions, 'id' | 'logger'>>;
  readonly #log: Logger;
  readonly #parser: StatusParser;
  readonly #listeners = new Set<(s: DeviceStatus) => void>();
  #status: DeviceStatus;
  #condition: PrinterCondition = {};
  #everOpen = false;
  #startedAt = 0;
  #openedAt = 0;
  #lastAnswerAt = 0;
  #answeredSinceOpen = false;
  #disconnectReason: string | undefined;
  #waiter: AnswerWaiter | undefined;
  /** Serialises all port traffic (jobs and polls) so documents never interleave. */
  #lane: Promise<unknown> = Promise.resolve();
  #laneDepth = 0;
  #pollTimer: NodeJS.Timeout | undefined;
  #running = false;
  #stopped = false;

  constructor(transport: Transport, opts: PrinterOptions = {}) {
    this.id = opts.id ?? 'printer';
    this.transport = transport;
    this.#log = opts.logger ?? silentLogger;
    this.#opts = {
      pollIntervalMs: opts.pollIntervalMs ?? 1000,
      answerTimeoutMs: opts.answerTimeoutMs ?? 500,
      offlineAfterMs: opts.offlineAfterMs ?? 3000,
      jobAnswerTimeoutMs: opts.jobAnswerTimeoutMs ?? 3000,
      statusMode: opts.statusMode ?? 'poll',
    };
    this.#parser = new StatusParser((r) => this.#onReport(r));
    this.#status = { id: this.id, kind: 'printer', uri: transport.uri, state: 'connecting', since: new Date().toISOString() };
    transport.on('data', (chunk) => this.#parser.push(chunk));
    transport.on('state', (state, reason) => this.#onTransportState(state, reason));
  }

  status(): DeviceStatus {
    return { ...this.#status };
  }

  onStatus(listener: (status: DeviceStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    this.#startedAt = Date.now();
    this.transport.open();
    if (this.transport.state === 'open') this.#onTransportState('open');
    this.#schedulePoll(0);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#running = false;
    clearTimeout(this.#pollTimer);
    this.#waiter?.fail(printFailed('printer driver stopped'));
    await this.transport.close();
  }

  /** Polls now and returns the fresh status (e.g. for a "test printer" button). */
  async checkStatus(): Promise<DeviceStatus> {
    await this.#exclusive(() => this.#pollAll().catch(() => {}));
    this.#refresh();
    return this.status();
  }

  /**
   * Prints one document (a complete ESC/POS byte sequence, e.g. from renderTicket). Jobs run
   * strictly one after another in call order.
   */
  print(doc: Uint8Array): Promise<void> {
    return this.#exclusive(() => this.#runJob(doc));
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.#laneDepth++;
    const run = this.#lane.then(fn).finally(() => this.#laneDepth--);
    this.#lane = run.catch(() => {});
    return run;
  }

  async #runJob(doc: Uint8Array): Promise<void> {
    if (this.#stopped) throw printFailed('printer driver stopped');
    if (this.transport.state !== 'open') {
      throw printFailed(`printer is not connected${this.#disconnectReason ? ` (${this.#disconnectReason})` : ''}: check its cable and power`);
    }
    // Trust a recent good state (fast path); re-check a bad or unknown one, it may have been fixed.
    if (BLOCKING.has(this.#status.state)) {
      await this.#pollAll().catch(() => {});
      this.#refresh();
      if (BLOCKING.has(this.#status.state)) throw printFailed(this.#reason());
    }
    try {
      await this.transport.write(doc);
    } catch (e) {
      this.#log.warn({ id: this.id, err: e instanceof Error ? e.message : String(e) }, 'print write failed');
      throw printFailed('printer disconnected while printing: check its cable and power; the ticket may be incomplete');
    }
    let answered: boolean;
    try {
      answered = await this.#pollAll(this.#opts.jobAnswerTimeoutMs);
    } catch {
      throw printFailed('printer disconnected while printing: check its cable and power; the ticket may be incomplete');
    }
    this.#refresh();
    if (!answered) throw printFailed('printer did not answer after printing: check that it is switched on');
    if (BLOCKING.has(this.#status.state)) throw printFailed(this.#reason());
  }

  #reason(): string {
    return this.#status.detail ?? `printer is ${this.#status.state.replace('_', ' ')}`;
  }

  #schedulePoll(delay: number): void {
    clearTimeout(this.#pollTimer);
    if (!this.#running) return;
    this.#pollTimer = setTimeout(() => void this.#tick(), delay);
  }

  async #tick(): Promise<void> {
    // A job polls for itself; skipping a tick while one runs keeps the port free for it.
    if (this.#laneDepth === 0 && this.transport.state === 'open') {
      await this.#exclusive(() => this.#pollAll().catch(() => {}));
    }
    this.#refresh();
    this.#schedulePoll(this.#opts.pollIntervalMs);
  }

  /** Resolves true when every request was answered; rejects when the port is lost meanwhile. */
  async #pollAll(firstTimeoutMs = this.#opts.answerTimeoutMs): Promise<boolean> {
    const order: (1 | 2 | 3 | 4)[] = this.#opts.statusMode === 'asb' ? [1] : [1, 2, 3, 4];
    let all = true;
    let timeout = firstTimeoutMs;
    for (const n of order) {
      const ok = await this.#query(n, timeout);
      timeout = this.#opts.answerTimeoutMs;
      if (!ok) {
        all = false;
        break; // a printer that misses one answer will miss the rest; don't stall for each
      }
    }
    return all;
  }

  #query(n: 1 | 2 | 3 | 4, timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const finish = () => {
        clearTimeout(waiter.timer);
        if (this.#waiter === waiter) this.#waiter = undefined;
        if (this.#parser.expected === n) this.#parser.expect(undefined);
      };
      const waiter: AnswerWaiter = {
        n,
        done: (answered) => {
          finish();
          resolve(answered);
        },
        fail: (e) => {
          finish();
          reject(e);
        },
        timer: setTimeout(() => waiter.done(false), timeoutMs),
      };
      this.#waiter = waiter;
      this.#parser.expect(n);
      this.transport.write(statusRequest(n)).catch((e: unknown) => waiter.fail(e instanceof Error ? e : new Error(String(e))));
    });
  }

  #onReport(r: StatusReport): void {
    this.#lastAnswerAt = Date.now();
    this.#answeredSinceOpen = true;
    this.#condition = { ...this.#condition, ...r.condition };
    if (r.source === 'realtime' && this.#waiter?.n === r.n) this.#waiter.done(true);
    // A poll cycle refreshes once at its end: DLE EOT 1 alone says "offline" before 2..4 say why.
    if (r.source === 'asb') this.#refresh();
  }

  #onTransportState(state: ConnectionState, reason?: string): void {
    if (this.#stopped) return;
    if (state === 'open') {
      this.#everOpen = true;
      this.#openedAt = Date.now();
      this.#answeredSinceOpen = false;
      this.#disconnectReason = undefined;
      this.#condition = {};
      if (this.#opts.statusMode === 'asb') {
        this.transport.write(asbEnable(true)).catch(() => {});
      }
      if (this.#running) this.#schedulePoll(0);
    } else {
      this.#disconnectReason = reason;
      this.#waiter?.fail(new AppError('DEVICE_OFFLINE', 'printer disconnected', 503));
    }
    this.#refresh();
  }

  /** Recomputes the public state from connection, answer times and the printer's condition. */
  #refresh(): void {
    if (this.#stopped) return;
    const now = Date.now();
    let next: { state: DeviceState; detail?: string };
    if (this.transport.state !== 'open') {
      const why = this.#disconnectReason ?? this.transport.lastError;
      if (this.#everOpen) {
        next = { state: 'offline', detail: `printer disconnected${why ? ` (${why})` : ''}: check its cable and power; reconnecting` };
      } else if (this.#running && now - this.#startedAt >= this.#opts.offlineAfterMs) {
        // A port that never opened (wrong path, printer off) must show up as a fault, not "connecting" forever.
        next = { state: 'offline', detail: `printer port cannot be opened${why ? ` (${why})` : ''}: check the cable, power and configured port` };
      } else {
        next = { state: 'connecting', detail: 'opening the printer port' };
      }
    } else if (!this.#answeredSinceOpen) {
      next =
        now - this.#openedAt >= this.#opts.offlineAfterMs
          ? { state: 'offline', detail: 'printer does not answer: check that it is switched on' }
          : { state: 'connecting', detail: 'waiting for the printer to answer' };
    } else if (now - this.#lastAnswerAt >= this.#opts.offlineAfterMs) {
      next = { state: 'offline', detail: 'printer stopped answering: check that it is switched on' };
    } else {
      next = stateOf(this.#condition);
    }
    if (next.state === this.#status.state && next.detail === this.#status.detail) return;
    this.#status = { id: this.id, kind: 'printer', uri: this.transport.uri, state: next.state, since: new Date(now).toISOString() };
    if (next.detail !== undefined) this.#status.detail = next.detail;
    this.#log.info({ id: this.id, state: next.state, detail: next.detail }, 'printer status');
    for (const l of [...this.#listeners]) {
      try {
        l(this.status());
      } catch (e) {
        this.#log.error({ id: this.id, err: e instanceof Error ? e.message : String(e) }, 'printer status listener threw');
      }
    }
  }
}

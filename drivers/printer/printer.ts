/**
 * An ESC/POS receipt printer as a Device: keeps its state current by polling DLE EOT (or listening
 * to ASB), and prints documents one at a time. print() answers the question the kiosk cares
 * about: did the ticket come out? It resolves only when the bytes were written and the printer
 * reports no blocking condition afterwards; otherwise it rejects with PRINT_FAILED and a sentence
 * staff can act on.
 */
import { DomainError } from '../../common/errors.js';
import { logDrops } from '../codec/drop-log.js';
import type { DeviceState, DeviceStatus } from '../device.js';
import { DeviceBase, Link } from '../device-status.js';
import { silentLogger, type Logger } from '../logger.js';
import type { Transport } from '../transport/transport.js';
import { asbEnable, statusRequest } from './escpos.js';
import { PrinterStatusParser, stateOf, type PrinterCondition, type StatusReport, type StatusRequestNumber } from './status.js';

export interface PrinterOptions {
  id?: string;
  /** Time between status polls. Default 1000 ms. */
  pollIntervalMs?: number;
  /** How long to wait for one DLE EOT answer. Default 500 ms. */
  answerTimeoutMs?: number;
  /**
   * The printer counts as offline after this long without any answer, and a port that has not
   * opened this long after start() is reported offline. Default 3000 ms.
   */
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

function printFailed(detail: string): DomainError {
  return new DomainError('PRINT_FAILED', detail);
}

const DISCONNECTED_WHILE_PRINTING = 'printer disconnected while printing: check its cable and power; the ticket may be incomplete';

interface AnswerWaiter {
  n: StatusRequestNumber;
  done: (answered: boolean) => void;
  fail: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class Printer extends DeviceBase<'printer'> {
  readonly transport: Transport;
  readonly #opts: Required<Omit<PrinterOptions, 'id' | 'logger'>>;
  readonly #log: Logger;
  readonly #parser = new PrinterStatusParser();
  #condition: PrinterCondition = {};
  #openedAt = 0;
  #lastAnswerAt = 0;
  #answeredSinceOpen = false;
  #waiter: AnswerWaiter | undefined;
  /** Serialises all port traffic (jobs and polls) so documents never interleave. */
  #lane: Promise<unknown> = Promise.resolve();
  #laneDepth = 0;
  #pollTimer: NodeJS.Timeout | undefined;
  #running = false;
  #stopped = false;

  constructor(transport: Transport, opts: PrinterOptions = {}) {
    const offlineAfterMs = opts.offlineAfterMs ?? 3000;
    super({ id: opts.id ?? 'printer', kind: 'printer', uri: transport.uri, noun: 'printer', logger: opts.logger, openGraceMs: offlineAfterMs });
    this.transport = transport;
    this.#log = opts.logger ?? silentLogger;
    this.#opts = {
      pollIntervalMs: opts.pollIntervalMs ?? 1000,
      answerTimeoutMs: opts.answerTimeoutMs ?? 500,
      offlineAfterMs,
      jobAnswerTimeoutMs: opts.jobAnswerTimeoutMs ?? 3000,
      statusMode: opts.statusMode ?? 'poll',
    };
    this.#parser.on('data', (r: StatusReport) => this.#onReport(r));
    logDrops(this.#parser, { logger: this.#log, context: { device: this.id }, message: 'printer status bytes dropped' });
  }

  start(): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    this.transport.on('data', this.#onData);
    this.statusHolder.watch(this.transport, (link) => this.#onLink(link));
    this.transport.open();
    this.#schedulePoll(0);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#running = false;
    clearTimeout(this.#pollTimer);
    this.#waiter?.fail(printFailed('printer driver stopped'));
    this.transport.off('data', this.#onData);
    this.statusHolder.stop();
    this.#parser.destroy();
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

  readonly #onData = (chunk: Buffer): void => {
    this.#parser.write(chunk);
  };

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.#laneDepth++;
    const run = this.#lane.then(fn).finally(() => this.#laneDepth--);
    this.#lane = run.catch(() => {});
    return run;
  }

  async #runJob(doc: Uint8Array): Promise<void> {
    if (this.#stopped) throw printFailed('printer driver stopped');
    if (this.statusHolder.link !== Link.Open) {
      const why = this.transport.lastError;
      throw printFailed(`printer is not connected${why ? ` (${why})` : ''}: check its cable and power`);
    }
    // Trust a recent good state (fast path); re-check a bad or unknown one, it may have been fixed.
    if (BLOCKING.has(this.statusHolder.state)) {
      await this.#pollAll().catch(() => {});
      this.#refresh();
      if (BLOCKING.has(this.statusHolder.state)) throw printFailed(this.#reason());
    }
    try {
      await this.transport.write(doc);
    } catch (e) {
      this.#log.warn({ device: this.id, err: e instanceof Error ? e.message : String(e) }, 'print write failed');
      throw printFailed(DISCONNECTED_WHILE_PRINTING);
    }
    let answered: boolean;
    try {
      answered = await this.#pollAll(this.#opts.jobAnswerTimeoutMs);
    } catch {
      throw printFailed(DISCONNECTED_WHILE_PRINTING);
    }
    this.#refresh();
    if (!answered) throw printFailed('printer did not answer after printing: check that it is switched on');
    if (BLOCKING.has(this.statusHolder.state)) throw printFailed(this.#reason());
  }

  #reason(): string {
    const s = this.status();
    return s.detail ?? `printer is ${s.state.replace('_', ' ')}`;
  }

  #schedulePoll(delay: number): void {
    clearTimeout(this.#pollTimer);
    if (!this.#running) return;
    this.#pollTimer = setTimeout(() => void this.#tick(), delay);
  }

  async #tick(): Promise<void> {
    // A job polls for itself; skipping a tick while one runs keeps the port free for it.
    if (this.#laneDepth === 0 && this.statusHolder.link === Link.Open) {
      await this.#exclusive(() => this.#pollAll().catch(() => {}));
    }
    this.#refresh();
    this.#schedulePoll(this.#opts.pollIntervalMs);
  }

  /** Resolves true when every request was answered; rejects when the port is lost meanwhile. */
  async #pollAll(firstTimeoutMs = this.#opts.answerTimeoutMs): Promise<boolean> {
    const order: StatusRequestNumber[] = this.#opts.statusMode === 'asb' ? [1] : [1, 2, 3, 4];
    let timeout = firstTimeoutMs;
    for (const n of order) {
      const ok = await this.#query(n, timeout);
      timeout = this.#opts.answerTimeoutMs;
      if (!ok) return false; // a printer that misses one answer will miss the rest; don't stall for each
    }
    return true;
  }

  #query(n: StatusRequestNumber, timeoutMs: number): Promise<boolean> {
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
      this.transport.write(statusRequest(n)).catch((e: unknown) => waiter.fail(e instanceof Error ? e : new DomainError('DEVICE_OFFLINE', String(e))));
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

  #onLink(link: Link): void {
    if (this.#stopped) return;
    if (link === Link.Open) {
      this.#openedAt = Date.now();
      this.#answeredSinceOpen = false;
      this.#condition = {};
      if (this.#opts.statusMode === 'asb') this.transport.write(asbEnable(true)).catch(() => {});
      if (this.#running) this.#schedulePoll(0);
      return;
    }
    this.#waiter?.fail(new DomainError('DEVICE_OFFLINE', 'printer disconnected'));
  }

  /** While the port is open: the state from answer times and the printer's own condition. */
  #refresh(): void {
    if (this.#stopped || this.statusHolder.link !== Link.Open) return;
    const now = Date.now();
    if (!this.#answeredSinceOpen) {
      if (now - this.#openedAt >= this.#opts.offlineAfterMs) this.statusHolder.set('offline', 'printer does not answer: check that it is switched on');
      else this.statusHolder.waiting('waiting for the printer to answer');
    } else if (now - this.#lastAnswerAt >= this.#opts.offlineAfterMs) {
      this.statusHolder.set('offline', 'printer stopped answering: check that it is switched on');
    } else {
      const { state, detail } = stateOf(this.#condition);
      this.statusHolder.set(state, detail);
    }
  }
}

/**
 * Shared reconnect loop for transports backed by an OS resource (serial port, TCP socket).
 * A subclass only knows how to make one connection (a Link); this class owns the state machine:
 * connecting → open → (lost) → connecting … with a capped doubling backoff, until close().
 */
import { EventEmitter } from 'node:events';
import { DomainError } from '../../common/errors.js';
import { silentLogger, type Logger } from '../logger.js';
import type { ConnectionState, Transport, TransportEvents } from './transport.js';

/** One live connection. `destroy` must be idempotent and must not call `lost`. */
export interface Link {
  write(bytes: Uint8Array): Promise<void>;
  destroy(): Promise<void>;
}

export interface LinkHooks {
  data(chunk: Buffer): void;
  /** The connection is gone (error, close, hangup). Safe to call more than once. */
  lost(reason: string): void;
}

export interface ReconnectOptions {
  /** First retry delay; doubled after each failed attempt. Default 100 ms. */
  minDelayMs?: number;
  /** Cap of the retry delay. Default 1000 ms, so a device that returns is reopened within ~2 s. */
  maxDelayMs?: number;
  logger?: Logger;
}

export function offlineError(uri: string, why = 'not connected'): DomainError {
  return new DomainError('DEVICE_OFFLINE', `device ${uri} is ${why}`, { uri });
}

export abstract class ReconnectingTransport extends EventEmitter implements Transport {
  readonly uri: string;
  #state: ConnectionState = 'connecting';
  #started = false;
  #closed = false;
  #link: Link | undefined;
  #generation = 0;
  #timer: NodeJS.Timeout | undefined;
  #delay: number;
  #lastError: string | undefined;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  protected readonly log: Logger;
  /** Writes in flight on the current link; rejected when the link is lost. */
  readonly #pending = new Set<(e: Error) => void>();

  constructor(uri: string, opts: ReconnectOptions = {}) {
    super();
    this.uri = uri;
    this.#minDelay = opts.minDelayMs ?? 100;
    this.#maxDelay = opts.maxDelayMs ?? 1000;
    this.#delay = this.#minDelay;
    this.log = opts.logger ?? silentLogger;
  }

  /** Makes one connection; resolves when it is open, rejects when it cannot be opened now. */
  protected abstract connect(hooks: LinkHooks): Promise<Link>;

  get state(): ConnectionState {
    return this.#state;
  }

  /** Why the last open attempt failed or the last connection was lost (for logs and status detail). */
  get lastError(): string | undefined {
    return this.#lastError;
  }

  open(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    void this.#attempt();
  }

  write(bytes: Uint8Array): Promise<void> {
    const link = this.#link;
    if (this.#state !== 'open' || !link) return Promise.reject(offlineError(this.uri));
    return new Promise<void>((resolve, reject) => {
      const fail = (e: Error) => {
        this.#pending.delete(fail);
        reject(e);
      };
      this.#pending.add(fail);
      link.write(bytes).then(
        () => {
          if (!this.#pending.delete(fail)) return; // already rejected by a loss
          resolve();
        },
        (e: unknown) => {
          if (!this.#pending.has(fail)) return;
          fail(offlineError(this.uri, `lost while writing (${e instanceof Error ? e.message : String(e)})`));
        },
      );
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#generation++;
    clearTimeout(this.#timer);
    const link = this.#link;
    this.#link = undefined;
    this.#failPending('closed');
    this.#setState('closed', 'closed by the application');
    await link?.destroy().catch(() => {});
    this.removeAllListeners();
  }

  #setState(state: ConnectionState, reason?: string): void {
    if (state === this.#state) return;
    this.#state = state;
    this.emit('state', state, reason);
  }

  #failPending(why: string): void {
    const err = offlineError(this.uri, why);
    for (const fail of [...this.#pending]) fail(err);
  }

  async #attempt(): Promise<void> {
    if (this.#closed) return;
    const generation = ++this.#generation;
    const hooks: LinkHooks = {
      data: (chunk) => {
        if (generation === this.#generation && !this.#closed) this.emit('data', chunk);
      },
      lost: (reason) => this.#onLost(generation, reason),
    };
    let link: Link;
    try {
      link = await this.connect(hooks);
    } catch (e) {
      if (generation !== this.#generation || this.#closed) return;
      const reason = e instanceof Error ? e.message : String(e);
      this.#lastError = reason;
      this.log.debug({ uri: this.uri, reason, retryInMs: this.#delay }, 'device open failed; retrying');
      this.#setState('connecting', reason);
      this.#schedule();
      return;
    }
    if (generation !== this.#generation || this.#closed) {
      await link.destroy().catch(() => {});
      return;
    }
    this.#link = link;
    this.#delay = this.#minDelay;
    this.log.info({ uri: this.uri }, 'device connected');
    this.#setState('open');
  }

  #onLost(generation: number, reason: string): void {
    if (generation !== this.#generation || this.#closed) return;
    this.#generation++; // late events of the dead link are ignored from now on
    this.#lastError = reason;
    const link = this.#link;
    this.#link = undefined;
    this.#failPending(`disconnected (${reason})`);
    void link?.destroy().catch(() => {});
    if (link) this.log.warn({ uri: this.uri, reason }, 'device connection lost; reconnecting');
    this.#setState('connecting', reason);
    this.#schedule();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const delay = this.#delay;
    this.#delay = Math.min(this.#delay * 2, this.#maxDelay);
    this.#timer = setTimeout(() => void this.#attempt(), delay);
  }

  override on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.on(event, listener);
  }
  override off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.off(event, listener);
  }
}

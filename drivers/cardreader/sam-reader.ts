/**
 * Host side of a Chinese second-generation ID card reader on a serial port
 * (serial:///dev/ttyS2?protocol=sam). It polls: find card → select card → read base info, and
 * yields a card read holding the ID number only. The rest of the base info (name, address,
 * photo…) is never decoded and its buffer is wiped as soon as the number is out.
 *
 * One command is in flight at a time; the reader answers within a few hundred ms, so a missing
 * answer is a timeout, and a few in a row mean the reader is off or unplugged.
 */
import type { Device, DeviceStatus } from '../device.js';
import type { ConnectionState, Transport } from '../transport/transport.js';
import { idCardRead, type CardReadListener, type CardReadSource } from './card-read.js';
import { silentLogger, type Logger } from '../logger.js';
import { idNumberFromBaseData } from './sam-base-info.js';
import {
  decodeSamResponse,
  encodeSamCommand,
  SamCommand,
  SamFrameParser,
  SamStatus,
  type SamResponseFrame,
} from './sam-frame.js';
import { emitAll, StatusKeeper } from './status-keeper.js';

export interface SamIdReaderOptions {
  id: string;
  transport: Transport;
  /** Pause between card searches. */
  pollIntervalMs?: number;
  /** How long to wait for one answer. */
  responseTimeoutMs?: number;
  /** Unanswered commands in a row before the reader is reported offline. */
  offlineAfterTimeouts?: number;
  logger?: Logger;
}

export type SamMisread = 'select_failed' | 'read_failed' | 'bad_data';

type Cmd = readonly [number, number];

export class SamIdReader implements Device, CardReadSource {
  readonly kind = 'id_reader' as const;
  readonly id: string;
  private readonly transport: Transport;
  private readonly status_: StatusKeeper;
  private readonly log: Logger;
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  private readonly offlineAfter: number;
  private readonly parser = new SamFrameParser();
  private readonly readListeners = new Set<CardReadListener>();
  private readonly misreadListeners = new Set<(reason: SamMisread) => void>();
  private pending: { resolve: (r: SamResponseFrame | undefined) => void; timer: ReturnType<typeof setTimeout> } | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private timeouts = 0;
  /** A card was read and has not left the reader yet: do not read it again. */
  private cardHeld = false;

  private readonly onData = (chunk: Buffer) => this.handleData(chunk);
  private readonly onState = (state: ConnectionState, reason?: string) => this.handleState(state, reason);

  constructor(options: SamIdReaderOptions) {
    this.id = options.id;
    this.transport = options.transport;
    this.log = options.logger ?? silentLogger;
    this.pollMs = options.pollIntervalMs ?? 300;
    this.timeoutMs = options.responseTimeoutMs ?? 1000;
    this.offlineAfter = options.offlineAfterTimeouts ?? 2;
    this.status_ = new StatusKeeper(options.id, 'id_reader', options.transport.uri, this.log);
  }

  status(): DeviceStatus {
    return this.status_.get();
  }

  onStatus(listener: (status: DeviceStatus) => void): () => void {
    return this.status_.subscribe(listener);
  }

  /** Called synchronously for each newly placed card. Derive the identity there and keep nothing. */
  onRead(listener: CardReadListener): () => void {
    this.readListeners.add(listener);
    return () => this.readListeners.delete(listener);
  }

  /** A card was found but could not be read (so the kiosk can ask to place it again). */
  onMisread(listener: (reason: SamMisread) => void): () => void {
    this.misreadListeners.add(listener);
    return () => this.misreadListeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.transport.on('data', this.onData);
    this.transport.on('state', this.onState);
    this.transport.open();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    this.settle(undefined);
    await this.loop;
    this.transport.off('data', this.onData);
    this.transport.off('state', this.onState);
    await this.transport.close();
  }

  private handleState(state: ConnectionState, reason?: string): void {
    if (state === 'open') {
      this.timeouts = 0;
      this.parser.reset();
      this.wake?.(); // poll now rather than after the pause
      return;
    }
    this.settle(undefined);
    this.cardHeld = false;
    if (state === 'connecting') {
      const was = this.status_.get().state;
      if (was === 'connecting') this.status_.set('connecting', reason);
      else this.status_.set('offline', 'port lost; reconnecting');
    }
  }

  private handleData(chunk: Buffer): void {
    for (const payload of this.parser.push(chunk)) {
      const frame = decodeSamResponse(payload);
      if (frame && this.pending) this.settle(frame);
      else payload.fill(0); // a stray answer (e.g. to a command that timed out): discard
    }
  }

  private settle(frame: SamResponseFrame | undefined): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve(frame);
  }

  private async request(cmd: Cmd): Promise<SamResponseFrame | undefined> {
    if (!this.running) return undefined;
    if (this.pending) this.settle(undefined);
    const answer = new Promise<SamResponseFrame | undefined>((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.timer !== timer) return;
        this.pending = undefined;
        this.parser.reset(); // a half-received frame would corrupt the next answer
        resolve(undefined);
      }, this.timeoutMs);
      this.pending = { resolve, timer };
    });
    try {
      await this.transport.write(encodeSamCommand(cmd));
    } catch (err) {
      this.log.debug({ device: this.id, err: err instanceof Error ? err.message : String(err) }, 'SAM write failed');
      this.settle(undefined);
    }
    const frame = await answer;
    if (frame) this.answered();
    else this.unanswered();
    return frame;
  }

  private answered(): void {
    this.timeouts = 0;
    const s = this.status_.get();
    if (s.state !== 'online' && s.state !== 'error') this.status_.set('online');
  }

  private unanswered(): void {
    if (!this.running || this.transport.state !== 'open') return;
    this.timeouts++;
    if (this.timeouts >= this.offlineAfter) {
      this.cardHeld = false;
      this.status_.set('offline', 'ID card reader not answering');
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.transport.state === 'open') {
        try {
          await this.cycle();
        } catch (err) {
          // Nothing a device sends should get here; if it does, keep polling regardless.
          this.log.error({ device: this.id, err: err instanceof Error ? err.name : 'unknown' }, 'SAM poll failed');
        }
      }
      if (!this.running) break;
      await this.sleep(this.pollMs);
    }
  }

  /** One search: find → (if a new card) select → read base info. */
  private async cycle(): Promise<void> {
    const found = await this.request(SamCommand.FIND_CARD);
    if (!found) return;
    if (found.sw3 === SamStatus.NO_CARD) {
      this.cardHeld = false;
      this.clearError();
      return;
    }
    if (found.sw3 !== SamStatus.CARD_FOUND) {
      this.reportStatusCode('find', found.sw3);
      return;
    }
    this.clearError();
    if (this.cardHeld) return;

    const selected = await this.request(SamCommand.SELECT_CARD);
    if (!selected) return;
    if (selected.sw3 !== SamStatus.OK) return this.misread('select_failed', selected.sw3);

    const base = await this.request(SamCommand.READ_BASE);
    if (!base) return;
    if (base.sw3 !== SamStatus.OK) return this.misread('read_failed', base.sw3);
    const idNumber = idNumberFromBaseData(base.data);
    // Best effort: the name, address and photo should not linger in our buffers.
    base.data.fill(0);
    if (idNumber === undefined) return this.misread('bad_data', base.sw3);

    this.cardHeld = true;
    emitAll(this.readListeners, idCardRead(idNumber, 'sam'), this.log, this.id);
  }

  private misread(reason: SamMisread, sw3: number): void {
    this.log.info({ device: this.id, reason, sw3: sw3.toString(16) }, 'ID card not read');
    emitAll(this.misreadListeners, reason, this.log, this.id);
  }

  private reportStatusCode(step: string, sw3: number): void {
    // SAM-side failures (e.g. its security module) need a person; card-side ones are transient.
    this.log.warn({ device: this.id, step, sw3: sw3.toString(16) }, 'unexpected SAM status');
    if (sw3 >= 0x60 && sw3 <= 0x7f) this.status_.set('error', `ID card reader module fault (status ${sw3.toString(16)})`);
  }

  private clearError(): void {
    if (this.status_.get().state === 'error') this.status_.set('online');
  }
}

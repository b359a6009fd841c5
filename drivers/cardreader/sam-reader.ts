/**
 * Host side of a Chinese second-generation ID card reader on a serial port
 * (serial:///dev/ttyS2?protocol=sam). It polls: find card → select card → read base info, and
 * yields a card read holding the ID number only. The rest of the base info (name, address,
 * photo…) is never decoded and its buffer is wiped as soon as the number is out.
 *
 * One command is in flight at a time; the reader answers within a few hundred ms, so a missing
 * answer is a timeout, and a few in a row mean the reader is off or unplugged.
 */
import { logDrops } from '../codec/drop-log.js';
import { Link } from '../device-status.js';
import type { Logger } from '../logger.js';
import type { Transport } from '../transport/transport.js';
import { idCardRead } from './card-read.js';
import { CardReaderBase } from './card-reader-base.js';
import { idNumberFromBaseData } from './sam-base-info.js';
import { decodeSamResponse, encodeSamCommand, SamCommand, SamFrameParser, SamStatus, type SamResponseFrame } from './sam-frame.js';

export interface SamIdReaderOptions {
  id: string;
  transport: Transport;
  /** Pause between card searches. */
  pollIntervalMs?: number;
  /** How long to wait for one answer. */
  responseTimeoutMs?: number;
  /** Unanswered commands in a row before the reader is reported offline. */
  offlineAfterTimeouts?: number;
  /** A port that has not opened this long after start() is reported offline; default 3000 ms. */
  openGraceMs?: number;
  logger?: Logger;
}

export type SamMisread = 'select_failed' | 'read_failed' | 'bad_data';

type Cmd = readonly [number, number];

export class SamIdReader extends CardReaderBase<'id_reader', SamMisread> {
  private readonly transport: Transport;
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  private readonly offlineAfter: number;
  private parser = new SamFrameParser();
  private pending: { resolve: (r: SamResponseFrame | undefined) => void; timer: ReturnType<typeof setTimeout> } | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private timeouts = 0;
  /** A card was read and has not left the reader yet: do not read it again. */
  private cardHeld = false;

  private readonly onData = (chunk: Buffer) => this.parser.write(chunk);

  constructor(options: SamIdReaderOptions) {
    super({
      id: options.id,
      kind: 'id_reader',
      uri: options.transport.uri,
      noun: 'ID card reader',
      logger: options.logger,
      openGraceMs: options.openGraceMs,
    });
    this.transport = options.transport;
    this.pollMs = options.pollIntervalMs ?? 300;
    this.timeoutMs = options.responseTimeoutMs ?? 1000;
    this.offlineAfter = options.offlineAfterTimeouts ?? 2;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.parser = new SamFrameParser();
    this.parser.on('data', (payload: Uint8Array) => this.handlePayload(payload));
    logDrops(this.parser, { logger: this.log, context: { device: this.id }, message: 'SAM bytes dropped' });
    this.transport.on('data', this.onData);
    this.statusHolder.watch(this.transport, (link) => this.handleLink(link));
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
    this.statusHolder.stop();
    this.parser.destroy();
    await this.transport.close();
  }

  private handleLink(link: Link): void {
    if (link === Link.Open) {
      this.timeouts = 0;
      this.parser.reset();
      this.wake?.(); // poll now rather than after the pause
      return;
    }
    this.settle(undefined);
    this.cardHeld = false;
  }

  private handlePayload(payload: Uint8Array): void {
    const frame = decodeSamResponse(payload);
    if (frame && this.pending) this.settle(frame);
    else payload.fill(0); // a stray answer (e.g. to a command that timed out): discard
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
    const state = this.statusHolder.state;
    if (this.statusHolder.link === Link.Open && state !== 'online' && state !== 'error') this.statusHolder.set('online');
  }

  private unanswered(): void {
    if (!this.running || this.statusHolder.link !== Link.Open) return;
    this.timeouts++;
    if (this.timeouts >= this.offlineAfter) {
      this.cardHeld = false;
      this.statusHolder.set('offline', 'ID card reader not answering: check that it is switched on');
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
    this.emitRead(idCardRead(idNumber, 'sam'));
  }

  private misread(reason: SamMisread, sw3: number): void {
    this.log.info({ device: this.id, reason, sw3: sw3.toString(16) }, 'ID card not read');
    this.emitMisread(reason);
  }

  private reportStatusCode(step: string, sw3: number): void {
    // SAM-side failures (e.g. its security module) need a person; card-side ones are transient.
    this.log.warn({ device: this.id, step, sw3: sw3.toString(16) }, 'unexpected SAM status');
    if (sw3 >= 0x60 && sw3 <= 0x7f) this.statusHolder.set('error', `ID card reader module fault (status ${sw3.toString(16)})`);
  }

  private clearError(): void {
    if (this.statusHolder.state === 'error') this.statusHolder.set('online');
  }
}

/**
 * Call pads (叫号器) on one serial/RS-485 line: one CallPadDevice per port, any number of pads on
 * it, each addressed by its counter number (pads on a shared 485 bus are the common wiring, and
 * only one owner can open a port). Emits a `key` event per validated press; acks every press so
 * the pad stops retransmitting, and drops retransmits of a press it already reported.
 *
 * showOnPad() never blocks or throws: the newest screen per address is kept and written in the
 * background, and sent again after the port comes back (a pad forgets its screen on power loss).
 */
import { EventEmitter } from 'node:events';
import type { Device, DeviceStatus } from '../device.js';
import { silentLogger, type Logger } from '../logger.js';
import { StatusTracker } from '../display/status-tracker.js';
import type { ConnectionState, Transport } from '../transport/transport.js';
import type { CallPadKey, CallPadProtocol, PadMessage, PadScreen, StreamDecoder } from './protocol.js';
import { getCallPadProtocol } from './registry.js';

export interface CallPadKeyEvent {
  /** The pad's bus address, which is its counter number. */
  address: number;
  key: CallPadKey;
}

export interface CallPadDeviceOptions {
  id: string;
  /** Owned by the device: opened by start(), closed by stop(). */
  transport: Transport;
  /** A protocol or its registry name; default "pad-frame". */
  protocol?: CallPadProtocol | string;
  /**
   * How often every pad's latest screen is sent again; default 15000 ms, 0 = off. A pad that
   * lost power, or was opened after our port, shows a stale screen until then.
   */
  refreshMs?: number;
  /** A repeated sequence number from the same pad within this window is a retransmit; default 2000 ms. */
  duplicateWindowMs?: number;
  logger?: Logger;
  now?: () => Date;
}

export class CallPadDevice implements Device {
  readonly id: string;
  readonly kind = 'call_pad' as const;
  readonly protocol: CallPadProtocol;

  private readonly transport: Transport;
  private readonly log: Logger;
  private readonly tracker: StatusTracker;
  private readonly events = new EventEmitter();
  private readonly duplicateWindowMs: number;
  private readonly refreshMs: number;
  private refresh: NodeJS.Timeout | undefined;
  private readonly now: () => Date;
  private readonly lastPress = new Map<number, { seq: number; at: number }>();
  private readonly screens = new Map<number, PadScreen>();
  private readonly dirty = new Set<number>();
  private decoder: StreamDecoder<PadMessage> | undefined;
  private seenState: ConnectionState | undefined;
  private everOpen = false;
  private pumping = false;
  private started = false;
  private stopped = false;

  constructor(options: CallPadDeviceOptions) {
    this.id = options.id;
    this.transport = options.transport;
    this.protocol = typeof options.protocol === 'object' ? options.protocol : getCallPadProtocol(options.protocol);
    this.log = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.tracker = new StatusTracker(this.id, this.kind, this.transport.uri, this.now);
    this.duplicateWindowMs = options.duplicateWindowMs ?? 2000;
    this.refreshMs = options.refreshMs ?? 15000;
  }

  status(): DeviceStatus {
    return this.tracker.get();
  }

  onStatus(listener: (status: DeviceStatus) => void): () => void {
    return this.tracker.subscribe(listener);
  }

  on(event: 'key', listener: (e: CallPadKeyEvent) => void): () => void {
    this.events.on(event, listener);
    return () => this.events.off(event, listener);
  }

  off(event: 'key', listener: (e: CallPadKeyEvent) => void): void {
    this.events.off(event, listener);
  }

  /** Queues what a pad shows (called number, waiting count) and returns at once; never throws. */
  showOnPad(screen: PadScreen): void {
    const { address } = screen;
    if (!Number.isInteger(address) || address < this.protocol.minAddress || address > this.protocol.maxAddress) {
      this.log.warn({ device: this.id, address }, 'call-pad address out of range; screen ignored');
      return;
    }
    this.screens.set(address, { ...screen });
    this.dirty.add(address);
    void this.pump();
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.decoder = this.protocol.createPadDecoder((reason, bytes) =>
      this.log.debug({ device: this.id, reason, bytes: Buffer.from(bytes).toString('hex') }, 'call-pad bytes dropped'),
    );
    this.transport.on('data', this.onData);
    this.transport.on('state', this.onState);
    if (this.refreshMs > 0) {
      this.refresh = setInterval(() => {
        for (const address of this.screens.keys()) this.dirty.add(address);
        void this.pump();
      }, this.refreshMs);
      this.refresh.unref();
    }
    this.transport.open();
    if (this.transport.state === 'open') this.onState('open');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.refresh) clearInterval(this.refresh);
    this.transport.off('data', this.onData);
    this.transport.off('state', this.onState);
    await this.transport.close();
    this.tracker.set('offline', 'stopped');
  }

  private readonly onState = (state: ConnectionState, reason?: string): void => {
    if (this.stopped || state === this.seenState) return;
    this.seenState = state;
    if (state === 'open') {
      this.everOpen = true;
      this.tracker.set('online');
      for (const address of this.screens.keys()) this.dirty.add(address);
      void this.pump();
    } else if (this.everOpen) {
      this.log.warn({ device: this.id, state, reason }, 'call-pad port lost');
      this.tracker.set('offline', `port closed${reason ? `: ${reason}` : ''}`);
    } else {
      this.tracker.set('connecting', reason);
    }
  };

  private readonly onData = (chunk: Buffer): void => {
    if (!this.decoder) return;
    let messages: PadMessage[];
    try {
      messages = this.decoder(chunk);
    } catch (err) {
      this.log.debug({ device: this.id, err }, 'call-pad decoder failed; bytes dropped');
      return;
    }
    for (const message of messages) {
      if (message.kind === 'ack') continue;
      this.write(this.protocol.encodeKeyAck(message.address, message.seq));
      if (this.isRetransmit(message.address, message.seq)) {
        this.log.debug({ device: this.id, address: message.address, seq: message.seq }, 'repeated key press ignored');
        continue;
      }
      const event: CallPadKeyEvent = { address: message.address, key: message.key };
      try {
        this.events.emit('key', event);
      } catch (err) {
        this.log.error({ device: this.id, err }, 'call-pad key listener failed');
      }
    }
  };

  private isRetransmit(address: number, seq: number): boolean {
    const at = this.now().getTime();
    const last = this.lastPress.get(address);
    this.lastPress.set(address, { seq, at });
    return last !== undefined && last.seq === seq && at - last.at < this.duplicateWindowMs;
  }

  private write(bytes: Uint8Array): void {
    this.transport.write(bytes).catch((err: unknown) => this.log.debug({ device: this.id, err }, 'call-pad ack not sent'));
  }

  private async pump(): Promise<void> {
    if (this.pumping || !this.started || this.stopped) return;
    this.pumping = true;
    let failed = false;
    try {
      while (!this.stopped && this.transport.state === 'open') {
        const address = this.dirty.values().next().value;
        if (address === undefined) break;
        this.dirty.delete(address);
        const screen = this.screens.get(address);
        if (!screen) continue;
        try {
          await this.transport.write(this.protocol.encodeScreen(screen));
        } catch (err) {
          this.dirty.add(address);
          this.log.debug({ device: this.id, address, err }, 'call-pad screen not sent; will resend after reconnect');
          failed = true;
          break;
        }
      }
    } finally {
      this.pumping = false;
    }
    // The line may have come back while this run was winding down after a failed write.
    if (!this.stopped && this.transport.state === 'open' && this.dirty.size > 0) {
      if (failed) setTimeout(() => void this.pump(), 20).unref();
      else void this.pump();
    }
  }
}

/**
 * Simulated call pads: the device end of a call-pad protocol. press() sends a key frame and
 * retransmits it until the host acks (as real pads do), and host screen frames are decoded back
 * to Unicode and kept per address. Used by demo mode's device lab and by tests.
 */
import { EventEmitter } from 'node:events';
import type { CallPadKey, CallPadProtocol, HostMessage, PadScreen, StreamDecoder } from '../callpad/protocol.js';
import { getCallPadProtocol } from '../callpad/registry.js';
import { silentLogger, type Logger } from '../logger.js';
import type { Transport } from '../transport/transport.js';

export interface FakeCallPadEvents {
  /** The host changed a pad's screen. */
  screen: (screen: PadScreen) => void;
  /** The host acked a key press. */
  acked: (press: { address: number; seq: number }) => void;
}

export interface FakeCallPadOptions {
  /** The device end of the cable (owned: start() opens it, stop() closes it). */
  transport: Transport;
  protocol?: CallPadProtocol | string;
  /** Wait for the host's ack before retransmitting; default 200 ms. */
  retransmitMs?: number;
  /** Retransmits of an unacked press; default 3. */
  retransmits?: number;
  logger?: Logger;
}

export class FakeCallPad extends EventEmitter {
  readonly protocol: CallPadProtocol;
  readonly screens = new Map<number, PadScreen>();
  private readonly transport: Transport;
  private readonly log: Logger;
  private readonly retransmitMs: number;
  private readonly retransmits: number;
  private readonly seqs = new Map<number, number>();
  private readonly pending = new Map<string, (acked: boolean) => void>();
  private decoder: StreamDecoder<HostMessage> | undefined;

  constructor(options: FakeCallPadOptions) {
    super();
    this.transport = options.transport;
    this.protocol = typeof options.protocol === 'object' ? options.protocol : getCallPadProtocol(options.protocol);
    this.log = options.logger ?? silentLogger;
    this.retransmitMs = options.retransmitMs ?? 200;
    this.retransmits = options.retransmits ?? 3;
  }

  override on<E extends keyof FakeCallPadEvents>(event: E, listener: FakeCallPadEvents[E]): this {
    return super.on(event, listener);
  }

  override off<E extends keyof FakeCallPadEvents>(event: E, listener: FakeCallPadEvents[E]): this {
    return super.off(event, listener);
  }

  start(): void {
    this.decoder = this.protocol.createHostDecoder((reason, bytes) =>
      this.log.debug({ reason, bytes: Buffer.from(bytes).toString('hex') }, 'fake call pad dropped bytes'),
    );
    this.transport.on('data', this.onData);
    this.transport.open();
  }

  async stop(): Promise<void> {
    for (const settle of this.pending.values()) settle(false);
    this.transport.off('data', this.onData);
    await this.transport.close();
  }

  /** True while the device end of the cable is open. */
  get connected(): boolean {
    return this.transport.state === 'open';
  }

  /** Sends bytes as they are (the lab's "noise" button, tests of retransmits and garbage). */
  async sendRaw(bytes: Uint8Array): Promise<void> {
    await this.transport.write(bytes);
  }

  /** The bytes one press of `key` on pad `address` sends (advances that pad's sequence number). */
  keyFrame(address: number, key: CallPadKey): { seq: number; bytes: Uint8Array } {
    const seq = ((this.seqs.get(address) ?? -1) + 1) & 0xff;
    this.seqs.set(address, seq);
    return { seq, bytes: this.protocol.encodeKey(address, key, seq) };
  }

  /**
   * Presses a key: sends the frame and retransmits until acked. Resolves true when the host acked,
   * false when it never did (port down or host not listening); never rejects.
   */
  async press(address: number, key: CallPadKey): Promise<boolean> {
    const { seq, bytes } = this.keyFrame(address, key);
    const id = `${address}/${seq}`;
    for (let attempt = 0; attempt <= this.retransmits; attempt++) {
      const acked = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => settle(false), this.retransmitMs);
        const settle = (ok: boolean) => {
          clearTimeout(timer);
          this.pending.delete(id);
          resolve(ok);
        };
        this.pending.set(id, settle);
      });
      try {
        await this.transport.write(bytes);
      } catch (err) {
        this.log.debug({ err }, 'fake call pad could not send a key');
      }
      if (await acked) return true;
    }
    return false;
  }

  private readonly onData = (chunk: Buffer): void => {
    if (!this.decoder) return;
    for (const message of this.decoder(chunk)) {
      if (message.kind === 'key_ack') {
        this.pending.get(`${message.address}/${message.seq}`)?.(true);
        this.emit('acked', { address: message.address, seq: message.seq });
      } else {
        const screen: PadScreen = { address: message.address, text: message.text, waiting: message.waiting };
        this.screens.set(message.address, screen);
        this.emit('screen', screen);
        this.transport
          .write(this.protocol.encodeScreenAck(message.address))
          .catch((err: unknown) => this.log.debug({ err }, 'fake call pad could not ack'));
      }
    }
  };
}

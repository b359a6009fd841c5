/**
 * Simulated call pads: the device end of a call-pad protocol. press() sends a key frame and
 * retransmits it until the host acks (as real pads do); host screen frames are decoded back to
 * Unicode, kept per address and acked. Used by demo mode's device lab and by tests.
 */
import type { CallPadKey, CallPadProtocol, HostMessage, PadScreen } from '../callpad/protocol.js';
import { callPadProtocols } from '../callpad/registry.js';
import type { Logger } from '../logger.js';
import type { Transport } from '../transport/transport.js';
import { FakeBusEnd } from './fake-bus-end.js';

export interface FakeCallPadEvents {
  /** The host changed a pad's screen. */
  screen: [screen: PadScreen];
  /** The host acked a key press. */
  acked: [press: { address: number; seq: number }];
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

export class FakeCallPad extends FakeBusEnd<HostMessage, FakeCallPadEvents> {
  readonly protocol: CallPadProtocol;
  readonly screens = new Map<number, PadScreen>();
  readonly #retransmitMs: number;
  readonly #retransmits: number;
  readonly #seqs = new Map<number, number>();
  readonly #pending = new Map<string, (acked: boolean) => void>();

  constructor(options: FakeCallPadOptions) {
    const protocol = typeof options.protocol === 'object' ? options.protocol : callPadProtocols.get(options.protocol);
    super(options.transport, () => protocol.createHostParser(), options.logger);
    this.protocol = protocol;
    this.#retransmitMs = options.retransmitMs ?? 200;
    this.#retransmits = options.retransmits ?? 3;
  }

  override async stop(): Promise<void> {
    for (const settle of this.#pending.values()) settle(false);
    await super.stop();
  }

  /** The bytes one press of `key` on pad `address` sends (advances that pad's sequence number). */
  keyFrame(address: number, key: CallPadKey): { seq: number; bytes: Uint8Array } {
    const seq = ((this.#seqs.get(address) ?? -1) + 1) & 0xff;
    this.#seqs.set(address, seq);
    return { seq, bytes: this.protocol.encodeKey(address, key, seq) };
  }

  /**
   * Presses a key: sends the frame and retransmits until acked. Resolves true when the host acked,
   * false when it never did (port down or host not listening); never rejects.
   */
  async press(address: number, key: CallPadKey): Promise<boolean> {
    const { seq, bytes } = this.keyFrame(address, key);
    const id = `${address}/${seq}`;
    for (let attempt = 0; attempt <= this.#retransmits; attempt++) {
      const acked = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => settle(false), this.#retransmitMs);
        const settle = (ok: boolean) => {
          clearTimeout(timer);
          this.#pending.delete(id);
          resolve(ok);
        };
        this.#pending.set(id, settle);
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

  protected receive(message: HostMessage): void {
    if (message.kind === 'key_ack') {
      this.#pending.get(`${message.address}/${message.seq}`)?.(true);
      this.emit('acked', { address: message.address, seq: message.seq });
      return;
    }
    const screen: PadScreen = { address: message.address, text: message.text, waiting: message.waiting };
    this.screens.set(message.address, screen);
    this.emit('screen', screen);
    this.answer(this.protocol.encodeScreenAck(message.address));
  }
}

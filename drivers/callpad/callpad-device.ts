/**
 * Call pads (叫号器) on one serial/RS-485 line: one CallPadDevice per port, any number of pads on
 * it, each addressed by its counter number (pads on a shared 485 bus are the common wiring, and
 * only one owner can open a port). Emits a `key` event per validated press; acks every press so
 * the pad stops retransmitting, and drops retransmits of a press it already reported.
 *
 * showOnPad() never blocks or throws: the shared bus pump (bus/addressed-bus.ts) keeps the newest
 * screen per pad, sends it (waiting for the pad's ack where the protocol has one), and sends
 * every screen again after the line comes back (a pad forgets its screen on power loss).
 */
import { AddressedBus, type AddressedBusOptions, type BusCodec } from '../bus/addressed-bus.js';
import { Listeners } from '../listeners.js';
import type { CallPadKey, CallPadProtocol, PadMessage, PadScreen } from './protocol.js';
import { callPadProtocols } from './registry.js';

export interface CallPadKeyEvent {
  /** The pad's bus address, which is its counter number. */
  address: number;
  key: CallPadKey;
}

export interface CallPadDeviceOptions extends AddressedBusOptions {
  /** A protocol or its registry name; default "pad-frame". */
  protocol?: CallPadProtocol | string;
  /** A repeated sequence number from the same pad within this window is a retransmit; default 2000 ms. */
  duplicateWindowMs?: number;
}

function codecOf(protocol: CallPadProtocol): BusCodec<PadScreen, PadMessage> {
  return {
    minAddress: protocol.minAddress,
    maxAddress: protocol.maxAddress,
    acks: protocol.acks,
    encode: (address, screen) => protocol.encodeScreen({ ...screen, address }),
    createParser: () => protocol.createPadParser(),
    replyOf: (message) => (message.kind === 'ack' ? { address: message.address, refused: false } : undefined),
  };
}

export class CallPadDevice extends AddressedBus<'call_pad', PadScreen, PadMessage> {
  readonly protocol: CallPadProtocol;
  readonly #keys: Listeners<CallPadKeyEvent>;
  readonly #duplicateWindowMs: number;
  readonly #now: () => Date;
  readonly #lastPress = new Map<number, { seq: number; at: number }>();

  constructor(options: CallPadDeviceOptions) {
    const protocol = typeof options.protocol === 'object' ? options.protocol : callPadProtocols.get(options.protocol);
    super('call_pad', { device: 'call pad', bus: 'call-pad line' }, codecOf(protocol), options);
    this.protocol = protocol;
    this.#keys = new Listeners(this.log, 'call-pad key');
    this.#duplicateWindowMs = options.duplicateWindowMs ?? 2000;
    this.#now = options.now ?? (() => new Date());
  }

  on(event: 'key', listener: (e: CallPadKeyEvent) => void): () => void {
    return this.#keys.add(listener);
  }

  /** Queues what a pad shows (called number, waiting count) and returns at once; never throws. */
  showOnPad(screen: PadScreen): void {
    this.put(screen.address, { ...screen });
  }

  protected override onMessage(message: PadMessage): void {
    if (message.kind !== 'key') return;
    this.heard(message.address);
    this.sendNow(this.protocol.encodeKeyAck(message.address, message.seq), 'call-pad key ack');
    if (this.#isRetransmit(message.address, message.seq)) {
      this.log.debug({ device: this.id, address: message.address, seq: message.seq }, 'repeated key press ignored');
      return;
    }
    this.#keys.emit({ address: message.address, key: message.key }, { device: this.id });
  }

  #isRetransmit(address: number, seq: number): boolean {
    const at = this.#now().getTime();
    const last = this.#lastPress.get(address);
    this.#lastPress.set(address, { seq, at });
    return last !== undefined && last.seq === seq && at - last.at < this.#duplicateWindowMs;
  }
}

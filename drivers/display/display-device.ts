/**
 * A display device is one RS-485 bus (one transport) with any number of addressed displays on it:
 * the counter displays of several windows and the lobby board often share one cable and one
 * USB-485 adapter, and only one owner may open a port. So the service creates one DisplayDevice
 * per port and passes each instruction's address; per-address health shows in the status detail.
 *
 * show() never blocks or throws; the shared bus pump (bus/addressed-bus.ts) keeps the newest
 * instruction per address, sends one frame at a time, waits for the ack where the protocol has
 * one, and sends everything again after the port comes back.
 */
import { AddressedBus, type AddressedBusOptions, type BusCodec } from '../bus/addressed-bus.js';
import type { DeviceKind } from '../device.js';
import type { AddressedInstruction, DisplayInstruction, DisplayProtocol, DisplayReply } from './protocol.js';
import { displayProtocols } from './registry.js';

export type DisplayKind = Extract<DeviceKind, 'counter_display' | 'lobby_display'>;

export interface DisplayDeviceOptions extends Omit<AddressedBusOptions, 'refreshMs' | 'answerTimeoutMs'> {
  kind?: DisplayKind;
  /** A protocol or its registry name; default "framed". */
  protocol?: DisplayProtocol | string;
  /** Address used when an instruction has none (the URI's `address=N`); default 1. */
  defaultAddress?: number;
  /** How long to wait for an ack (ack protocols); default 300 ms. */
  ackTimeoutMs?: number;
  /**
   * Ack protocols: how often answering displays are probed. Protocols without acks: how often
   * every display's latest content is re-sent. Default 15000 ms, 0 = off.
   */
  heartbeatMs?: number;
}

function codecOf(protocol: DisplayProtocol): BusCodec<AddressedInstruction, DisplayReply> {
  const ping = protocol.encodePing?.bind(protocol);
  const replies = protocol.createReplyParser?.bind(protocol);
  return {
    minAddress: protocol.minAddress,
    maxAddress: protocol.maxAddress,
    acks: protocol.acks,
    encode: (_address, instruction) => protocol.encode(instruction),
    ...(ping ? { encodeProbe: ping } : {}),
    ...(replies ? { createParser: replies } : {}),
    replyOf: (reply) => ({ address: reply.address, refused: reply.kind === 'nak', ...(reply.code === undefined ? {} : { code: reply.code }) }),
  };
}

export class DisplayDevice extends AddressedBus<DisplayKind, AddressedInstruction, DisplayReply> {
  readonly protocol: DisplayProtocol;
  readonly #defaultAddress: number;

  constructor(options: DisplayDeviceOptions) {
    const protocol = typeof options.protocol === 'object' ? options.protocol : displayProtocols.get(options.protocol);
    super(options.kind ?? 'counter_display', { device: 'display', bus: 'display bus' }, codecOf(protocol), {
      ...options,
      ...(options.ackTimeoutMs === undefined ? {} : { answerTimeoutMs: options.ackTimeoutMs }),
      ...(options.heartbeatMs === undefined ? {} : { refreshMs: options.heartbeatMs }),
    });
    this.protocol = protocol;
    this.#defaultAddress = options.defaultAddress ?? 1;
  }

  /** The newest instruction for an address (what the display shows, or will once it answers). */
  current(address: number = this.#defaultAddress): DisplayInstruction | undefined {
    return this.latest(address);
  }

  /** Queues the instruction for its display and returns at once; never throws. */
  show(instruction: DisplayInstruction): void {
    try {
      const address = instruction.address ?? this.#defaultAddress;
      this.put(address, { ...instruction, address });
    } catch (err) {
      this.log.error({ device: this.id, err }, 'display instruction dropped');
    }
  }
}

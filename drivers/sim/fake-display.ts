/**
 * A simulated LED display bus: the device end of a display protocol. It decodes host frames back
 * to Unicode, keeps what each addressed display shows, acks (for ack protocols) and emits events.
 * Demo mode's device lab renders `screens`; tests use it on the far end of a pty or memory cable.
 * One FakeDisplay answers for every address on its bus unless told which addresses exist.
 */
import type { Logger } from '../logger.js';
import type { DisplayCommand, DisplayProtocol } from '../display/protocol.js';
import { displayProtocols } from '../display/registry.js';
import type { Transport } from '../transport/transport.js';
import { FakeBusEnd } from './fake-bus-end.js';

export interface FakeScreen {
  address: number;
  /** Counter text, or the board rows joined with newlines. */
  text: string;
  rows: string[];
  flash: boolean;
}

export interface FakeDisplayEvents {
  /** Every valid frame addressed to a display of this bus (pings included). */
  command: [command: DisplayCommand];
  /** A display's content changed (or was re-sent). */
  screen: [screen: FakeScreen];
}

export interface FakeDisplayOptions {
  /** The device end of the cable (owned: start() opens it, stop() closes it). */
  transport: Transport;
  protocol?: DisplayProtocol | string;
  /** Addresses present on the bus; default every address. */
  addresses?: number[];
  logger?: Logger;
}

export class FakeDisplay extends FakeBusEnd<DisplayCommand, FakeDisplayEvents> {
  readonly protocol: DisplayProtocol;
  readonly screens = new Map<number, FakeScreen>();
  readonly #addresses: Set<number> | undefined;
  readonly #silent = new Set<number>();
  #allSilent = false;

  constructor(options: FakeDisplayOptions) {
    const protocol = typeof options.protocol === 'object' ? options.protocol : displayProtocols.get(options.protocol);
    super(options.transport, () => protocol.createCommandParser(), options.logger);
    this.protocol = protocol;
    this.#addresses = options.addresses ? new Set(options.addresses) : undefined;
  }

  /** The text a display shows now (board rows joined by newlines). */
  text(address: number): string | undefined {
    return this.screens.get(address)?.text;
  }

  /**
   * Makes one display (or, without an address, the whole bus) dead or alive: a dead display
   * neither answers nor changes what it shows, like one that lost power.
   */
  setResponding(on: boolean, address?: number): void {
    if (address === undefined) {
      this.#allSilent = !on;
      if (on) this.#silent.clear();
    } else if (on) this.#silent.delete(address);
    else this.#silent.add(address);
  }

  #present(address: number): boolean {
    if (this.#allSilent || this.#silent.has(address)) return false;
    return this.#addresses ? this.#addresses.has(address) : true;
  }

  protected receive(command: DisplayCommand): void {
    if (!this.#present(command.address)) return;
    this.#apply(command);
    this.emit('command', command);
    if (this.protocol.acks && this.protocol.encodeReply) {
      this.answer(this.protocol.encodeReply({ kind: 'ack', address: command.address, for: command.kind }));
    }
  }

  #apply(command: DisplayCommand): void {
    let screen: FakeScreen;
    switch (command.kind) {
      case 'counter':
        screen = { address: command.address, text: command.text, rows: [command.text], flash: command.flash };
        break;
      case 'board':
        screen = { address: command.address, text: command.rows.join('\n'), rows: command.rows, flash: false };
        break;
      case 'clear':
        screen = { address: command.address, text: '', rows: [], flash: false };
        break;
      case 'ping':
        return;
    }
    this.screens.set(command.address, screen);
    this.emit('screen', screen);
  }
}

/**
 * A simulated LED display bus: the device end of a display protocol. It decodes host frames back
 * to Unicode, keeps what each addressed display shows, acks (for ack protocols) and emits events.
 * Demo mode's device lab renders `screens`; tests use it on the far end of a pty or memory cable.
 * One FakeDisplay answers for every address on its bus unless told which addresses exist.
 */
import { EventEmitter } from 'node:events';
import { silentLogger, type Logger } from '../logger.js';
import type { DisplayCommand, DisplayProtocol, StreamDecoder } from '../display/protocol.js';
import { getDisplayProtocol } from '../display/registry.js';
import type { Transport } from '../transport/transport.js';

export interface FakeScreen {
  address: number;
  /** Counter text, or the board rows joined with newlines. */
  text: string;
  rows: string[];
  flash: boolean;
}

export interface FakeDisplayEvents {
  /** Every valid frame addressed to a display of this bus (pings included). */
  command: (command: DisplayCommand) => void;
  /** A display's content changed (or was re-sent). */
  screen: (screen: FakeScreen) => void;
}

export interface FakeDisplayOptions {
  /** The device end of the cable (owned: start() opens it, stop() closes it). */
  transport: Transport;
  protocol?: DisplayProtocol | string;
  /** Addresses present on the bus; default every address. */
  addresses?: number[];
  logger?: Logger;
}

export class FakeDisplay extends EventEmitter {
  readonly protocol: DisplayProtocol;
  readonly screens = new Map<number, FakeScreen>();
  private readonly transport: Transport;
  private readonly addresses: Set<number> | undefined;
  private readonly log: Logger;
  private readonly silent = new Set<number>();
  private allSilent = false;
  private decoder: StreamDecoder<DisplayCommand> | undefined;

  constructor(options: FakeDisplayOptions) {
    super();
    this.transport = options.transport;
    this.protocol = typeof options.protocol === 'object' ? options.protocol : getDisplayProtocol(options.protocol);
    this.addresses = options.addresses ? new Set(options.addresses) : undefined;
    this.log = options.logger ?? silentLogger;
  }

  override on<E extends keyof FakeDisplayEvents>(event: E, listener: FakeDisplayEvents[E]): this {
    return super.on(event, listener);
  }

  override off<E extends keyof FakeDisplayEvents>(event: E, listener: FakeDisplayEvents[E]): this {
    return super.off(event, listener);
  }

  start(): void {
    this.decoder = this.protocol.createCommandDecoder((reason, bytes) =>
      this.log.debug({ reason, bytes: Buffer.from(bytes).toString('hex') }, 'fake display dropped bytes'),
    );
    this.transport.on('data', this.onData);
    this.transport.open();
  }

  async stop(): Promise<void> {
    this.transport.off('data', this.onData);
    await this.transport.close();
  }

  /** True while the device end of the cable is open. */
  get connected(): boolean {
    return this.transport.state === 'open';
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
      this.allSilent = !on;
      if (on) this.silent.clear();
    } else if (on) this.silent.delete(address);
    else this.silent.add(address);
  }

  private present(address: number): boolean {
    if (this.allSilent || this.silent.has(address)) return false;
    return this.addresses ? this.addresses.has(address) : true;
  }

  private readonly onData = (chunk: Buffer): void => {
    if (!this.decoder) return;
    for (const command of this.decoder(chunk)) {
      if (!this.present(command.address)) continue;
      this.apply(command);
      this.emit('command', command);
      if (this.protocol.acks && this.protocol.encodeReply) {
        const reply = this.protocol.encodeReply({ kind: 'ack', address: command.address, for: command.kind });
        this.transport.write(reply).catch((err: unknown) => this.log.debug({ err }, 'fake display could not ack'));
      }
    }
  };

  private apply(command: DisplayCommand): void {
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

/**
 * The device end of a simulated bus (LED displays, call pads): owns its end of the cable, parses
 * what the host sends with the protocol's own parser and hands each message to the simulator.
 * Demo mode's lab and the tests run simulators on a memory cable or the far end of a pty.
 */
import { EventEmitter } from 'node:events';
import type { ByteParser } from '../codec/byte-parser.js';
import { silentLogger, type Logger } from '../logger.js';
import type { Transport } from '../transport/transport.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export abstract class FakeBusEnd<M, Events extends Record<keyof Events, any[]>> extends EventEmitter<Events> {
  protected readonly transport: Transport;
  protected readonly log: Logger;
  readonly #parse: () => ByteParser<M>;
  #parser: ByteParser<M> | undefined;

  constructor(transport: Transport, parse: () => ByteParser<M>, logger: Logger = silentLogger) {
    super();
    this.transport = transport;
    this.#parse = parse;
    this.log = logger;
  }

  /** What the host sent, one message at a time. */
  protected abstract receive(message: M): void;

  /** Opens the device end of the cable and starts answering. */
  start(): void {
    this.#parser = this.#parse();
    this.#parser.on('drop', (d) => this.log.debug({ reason: d.reason, bytes: d.bytes }, 'simulated device dropped bytes'));
    this.transport.on('data', this.#onData);
    this.transport.open();
  }

  async stop(): Promise<void> {
    this.transport.off('data', this.#onData);
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

  /** Sends an answer; one lost in an unplugged cable is lost, as on a wire. */
  protected answer(bytes: Uint8Array): void {
    this.transport.write(bytes).catch((err: unknown) => this.log.debug({ err }, 'simulated device could not answer'));
  }

  readonly #onData = (chunk: Buffer): void => {
    for (const message of this.#parser?.feed(chunk) ?? []) this.receive(message);
  };
}

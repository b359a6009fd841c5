/**
 * An in-process "cable" with two ends: the product end (what a device adapter uses) and the device
 * end (where a simulator listens). Demo mode wires simulated devices this way, and the lab page
 * can unplug and plug the cable to show reconnects. Bytes are delivered asynchronously, as a real
 * port would, and bytes sent while the peer end is not open are lost, as on a real wire.
 */
import { EventEmitter } from 'node:events';
import { offlineError } from './reconnecting-transport.js';
import type { ConnectionState, Transport, TransportEvents } from './transport.js';

export class MemoryTransport extends EventEmitter implements Transport {
  readonly uri: string;
  #state: ConnectionState = 'connecting';
  #wanted = false;
  #closed = false;
  peer: MemoryTransport | undefined;
  readonly #cable: MemoryCable;

  constructor(uri: string, cable: MemoryCable) {
    super();
    this.uri = uri;
    this.#cable = cable;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  open(): void {
    if (this.#wanted || this.#closed) return;
    this.#wanted = true;
    if (this.#cable.plugged) setImmediate(() => this.sync());
  }

  /** Brings the state in line with the cable; called by the cable on plug/unplug. */
  sync(): void {
    if (this.#closed || !this.#wanted) return;
    const next: ConnectionState = this.#cable.plugged ? 'open' : 'connecting';
    if (next === this.#state) return;
    this.#state = next;
    this.emit('state', next, next === 'open' ? undefined : 'unplugged');
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.#state !== 'open') return Promise.reject(offlineError(this.uri));
    const copy = Buffer.from(bytes);
    const peer = this.peer;
    return new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        // The cable may have been pulled between write() and delivery.
        if (this.#state !== 'open') {
          reject(offlineError(this.uri, 'disconnected while writing'));
          return;
        }
        if (peer && peer.state === 'open') peer.emit('data', copy);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#state = 'closed';
    this.emit('state', 'closed', 'closed by the application');
    this.removeAllListeners();
  }

  override on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.on(event, listener);
  }
  override off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.off(event, listener);
  }
}

export class MemoryCable {
  readonly product: MemoryTransport;
  readonly device: MemoryTransport;
  #plugged = true;

  constructor(uri = 'sim') {
    this.product = new MemoryTransport(uri, this);
    this.device = new MemoryTransport(`${uri}#device`, this);
    this.product.peer = this.device;
    this.device.peer = this.product;
  }

  get plugged(): boolean {
    return this.#plugged;
  }

  unplug(): void {
    this.#plugged = false;
    this.product.sync();
    this.device.sync();
  }

  plugIn(): void {
    this.#plugged = true;
    this.product.sync();
    this.device.sync();
  }
}

/** A connected pair: `product` for the adapter, `device` for the simulator. */
export function createMemoryCable(uri = 'sim'): MemoryCable {
  return new MemoryCable(uri);
}

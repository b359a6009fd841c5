/**
 * Test-only stand-in for the product's serial transport until it lands: a serialport Transport
 * that reopens the path every 50 ms after loss. Kept minimal; the product's transport replaces it.
 */
import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import { AppError } from '../../src/common/errors.js';
import type { ConnectionState, Transport, TransportEvents } from '../../src/drivers/transport/transport.js';

export class LocalSerialTransport extends EventEmitter implements Transport {
  readonly uri: string;
  state: ConnectionState = 'connecting';
  private port: SerialPort | undefined;
  private wanted = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly path: string) {
    super();
    this.uri = `serial://${path}?baud=9600`;
  }

  open(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.attempt();
  }

  private attempt(): void {
    if (!this.wanted) return;
    const port = new SerialPort({ path: this.path, baudRate: 9600, autoOpen: false });
    port.open((err) => {
      if (err || !this.wanted) {
        if (!err) port.close(() => {});
        this.retry();
        return;
      }
      this.port = port;
      port.on('data', (chunk: Buffer) => this.emit('data', chunk));
      const lost = (why: string) => {
        if (this.port !== port) return;
        this.port = undefined;
        if (port.isOpen) port.close(() => {});
        this.setState('connecting', why);
        this.retry();
      };
      port.on('error', (e: Error) => lost(e.message));
      port.on('close', () => lost('closed'));
      this.setState('open');
    });
  }

  private retry(): void {
    if (!this.wanted) return;
    this.timer = setTimeout(() => this.attempt(), 50);
  }

  private setState(state: ConnectionState, why?: string): void {
    if (state === this.state) return;
    this.state = state;
    this.emit('state', state, why);
  }

  write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port || this.state !== 'open') return Promise.reject(new AppError('DEVICE_OFFLINE', 'not open', 503));
    return new Promise((resolve, reject) => {
      port.write(Buffer.from(bytes), (e) => e && reject(e));
      port.drain((e) => (e ? reject(e) : resolve()));
    });
  }

  async close(): Promise<void> {
    this.wanted = false;
    if (this.timer) clearTimeout(this.timer);
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
    this.setState('closed');
    this.removeAllListeners();
  }

  override on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.on(event, listener);
  }
  override off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.off(event, listener);
  }
}

/** Polls until check() holds; timeouts are generous because only correctness is tested here. */
export async function waitUntil(check: () => boolean, what: string, limitMs = 8000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

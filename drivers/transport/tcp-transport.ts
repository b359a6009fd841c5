/**
 * A raw TCP socket (network receipt printers listen on port 9100) as a Transport.
 * Keep-alive makes a powered-off printer show up as a lost connection even when idle.
 */
import { Socket } from 'node:net';
import { DomainError } from '../../common/errors.js';
import { ReconnectingTransport, type Link, type LinkHooks, type ReconnectOptions } from './reconnecting-transport.js';

export interface TcpTransportOptions extends ReconnectOptions {
  host: string;
  port: number;
  uri?: string;
  /** Give up one connection attempt after this long (a host that drops SYNs). Default 2000 ms. */
  connectTimeoutMs?: number;
}

export class TcpTransport extends ReconnectingTransport {
  readonly #opts: TcpTransportOptions;

  constructor(opts: TcpTransportOptions) {
    super(opts.uri ?? `tcp://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`, opts);
    this.#opts = opts;
  }

  protected connect(hooks: LinkHooks): Promise<Link> {
    const socket = new Socket();
    return new Promise<Link>((resolve, reject) => {
      let connected = false;
      let destroyed = false;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new DomainError('DEVICE_CONNECT_TIMEOUT', `connect timeout after ${this.#opts.connectTimeoutMs ?? 2000} ms`));
      }, this.#opts.connectTimeoutMs ?? 2000);
      socket.on('error', (e) => {
        if (!connected) {
          clearTimeout(timer);
          reject(e);
        } else hooks.lost(e.message);
      });
      socket.on('close', () => {
        if (connected && !destroyed) hooks.lost('connection closed');
      });
      socket.on('data', (chunk: Buffer) => hooks.data(chunk));
      socket.connect({ host: this.#opts.host, port: this.#opts.port }, () => {
        clearTimeout(timer);
        connected = true;
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 5000);
        resolve({
          write: (bytes) =>
            new Promise<void>((res, rej) => {
              socket.write(bytes, (e) => (e ? rej(e) : res()));
            }),
          destroy: () =>
            new Promise<void>((res) => {
              destroyed = true;
              if (socket.destroyed) {
                res();
                return;
              }
              socket.once('close', () => res());
              socket.destroy();
            }),
        });
      });
    });
  }
}

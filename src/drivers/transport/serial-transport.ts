/**
 * A serial port (RS-232, USB virtual COM, or a socat pty in tests) as a Transport.
 * Loss is detected from read errors/close (serialport reports a hangup as a "disconnected" close),
 * so a data listener is always attached: without a pending read a pulled cable goes unnoticed
 * until the next write.
 */
import { SerialPort } from 'serialport';
import { ReconnectingTransport, type Link, type LinkHooks, type ReconnectOptions } from './reconnecting-transport.js';

export interface SerialTransportOptions extends ReconnectOptions {
  path: string;
  baudRate: number;
  /** Shown on GET /api/devices; defaults to serial://<path>?baud=<baudRate>. */
  uri?: string;
  /** Hardware flow control (RTS/CTS); many receipt printers use it at high baud rates. */
  rtscts?: boolean;
}

export class SerialTransport extends ReconnectingTransport {
  readonly #opts: SerialTransportOptions;

  constructor(opts: SerialTransportOptions) {
    super(opts.uri ?? `serial://${opts.path}?baud=${opts.baudRate}`, opts);
    this.#opts = opts;
  }

  protected connect(hooks: LinkHooks): Promise<Link> {
    const port = new SerialPort({
      path: this.#opts.path,
      baudRate: this.#opts.baudRate,
      rtscts: this.#opts.rtscts ?? false,
      autoOpen: false,
    });
    return new Promise<Link>((resolve, reject) => {
      port.open((err) => {
        if (err) {
          reject(err);
          return;
        }
        let destroyed = false;
        port.on('data', (chunk: Buffer) => hooks.data(chunk));
        port.on('error', (e: Error) => hooks.lost(e.message));
        port.on('close', (e?: Error) => {
          if (!destroyed) hooks.lost(e?.message ?? 'port closed');
        });
        resolve({
          write: (bytes) =>
            new Promise<void>((res, rej) => {
              port.write(Buffer.from(bytes), (e) => {
                if (e) rej(e);
              });
              // drain resolves once the bytes are handed to the OS, which is what callers wait for.
              port.drain((e) => (e ? rej(e) : res()));
            }),
          destroy: () =>
            new Promise<void>((res) => {
              destroyed = true;
              if (!port.isOpen) {
                res();
                return;
              }
              port.close(() => res());
            }),
        });
      });
    });
  }
}

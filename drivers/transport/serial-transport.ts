/**
 * A serial port (RS-232, USB virtual COM, or a socat pty in tests) as a Transport.
 * Loss is detected from read errors/close (serialport reports a hangup as a "disconnected" close),
 * so a data listener is always attached. A hangup is not always reported, though (when no read
 * is pending at that instant the poller never sees it, and a quiet device would then look
 * connected until the next write), so the device node is also checked every `presenceCheckMs`:
 * when it is gone, or is now another device, the link is lost.
 */
import { lstat, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as SerialportModule from 'serialport';
import { ReconnectingTransport, type Link, type LinkHooks, type ReconnectOptions } from './reconnecting-transport.js';

export interface SerialTransportOptions extends ReconnectOptions {
  path: string;
  baudRate: number;
  /** Shown on GET /api/devices; defaults to serial://<path>?baud=<baudRate>. */
  uri?: string;
  /** Hardware flow control (RTS/CTS); many receipt printers use it at high baud rates. */
  rtscts?: boolean;
  /** How often the device node is checked for being unplugged. Default 500 ms. */
  presenceCheckMs?: number;
}

const require = createRequire(import.meta.url);
let serialport: typeof SerialportModule | undefined;

/**
 * serialport's code and native binding, loaded with the first serial port (synchronously, so
 * the first open fails or succeeds as soon as before): a branch whose devices are all on the
 * network or simulated never holds them in memory.
 */
function loadSerialport(): typeof SerialportModule {
  serialport ??= require('serialport') as typeof SerialportModule;
  return serialport;
}

/**
 * What a path names now, or undefined when it is gone. The node's own inode and change time
 * (lstat) tell a re-created node or link from the old one even when the kernel hands the new
 * device the same number (a replugged adapter, a new pty with a reused index); the target's
 * device number (stat) catches a link pointed elsewhere.
 */
async function deviceId(path: string): Promise<string | undefined> {
  try {
    const [l, s] = await Promise.all([lstat(path), stat(path)]);
    return `${l.ino}:${l.ctimeMs}:${s.rdev}`;
  } catch {
    return undefined;
  }
}

export class SerialTransport extends ReconnectingTransport {
  readonly #opts: SerialTransportOptions;

  constructor(opts: SerialTransportOptions) {
    super(opts.uri ?? `serial://${opts.path}?baud=${opts.baudRate}`, opts);
    this.#opts = opts;
  }

  protected connect(hooks: LinkHooks): Promise<Link> {
    const { SerialPort } = loadSerialport();
    const port = new SerialPort({
      path: this.#opts.path,
      baudRate: this.#opts.baudRate,
      rtscts: this.#opts.rtscts ?? false,
      autoOpen: false,
    });
    const path = this.#opts.path;
    const checkEvery = this.#opts.presenceCheckMs ?? 500;
    return new Promise<Link>((resolve, reject) => {
      port.open((err) => {
        if (err) {
          reject(err);
          return;
        }
        let destroyed = false;
        let presence: NodeJS.Timeout | undefined;
        void deviceId(path).then((opened) => {
          if (destroyed) return;
          if (opened === undefined) {
            hooks.lost(`${path} disappeared`);
            return;
          }
          presence = setInterval(() => {
            void deviceId(path).then((now) => {
              if (!destroyed && now !== opened) hooks.lost(now === undefined ? `${path} disappeared` : `${path} is now another device`);
            });
          }, checkEvery);
          presence.unref();
        });
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
              clearInterval(presence);
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

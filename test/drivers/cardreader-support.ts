/**
 * Helpers for the card reader tests: condition waits, a fake HID stack, and the device end of
 * a pty that reopens after a replug.
 */
import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import type { HidBackend, HidDevice, HidDeviceInfo } from '../../drivers/cardreader/hid-device.js';

/** Waits for a condition; the limit is generous because CI machines are slow, never a timing assertion. */
export async function waitFor(check: () => boolean, what: string, limitMs = 15000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export class FakeHidDevice extends EventEmitter implements HidDevice {
  closed = false;
  close(): void {
    this.closed = true;
  }
  /** The reader presents one swipe. */
  report(bytes: Uint8Array): void {
    this.emit('data', Buffer.from(bytes));
  }
}

/** A HID stack with one pluggable device. */
export class FakeHidBackend implements HidBackend {
  private present = false;
  current: FakeHidDevice | undefined;
  opens = 0;
  failOpen = false;

  constructor(readonly info: HidDeviceInfo) {}

  plugIn(): void {
    this.present = true;
  }

  /** Device leaves the bus; the open handle reports a read error, as node-hid does. */
  unplug(): void {
    this.present = false;
    const dev = this.current;
    this.current = undefined;
    dev?.emit('error', new Error('could not read from HID device'));
  }

  async devices(): Promise<HidDeviceInfo[]> {
    return this.present ? [this.info, { vendorId: 0x1234, productId: 0x5678, path: '/dev/other' }] : [];
  }

  open(info: HidDeviceInfo): HidDevice {
    if (!this.present || info.path !== this.info.path) throw new Error('cannot open device');
    if (this.failOpen) throw new Error('permission denied');
    this.opens++;
    this.current = new FakeHidDevice();
    return this.current;
  }
}

/** The device end of a pty, reopened after a replug; hands each open port to `serve`. */
export class DeviceEnd {
  private port: SerialPort | undefined;
  private stopped = false;
  private detach: (() => void) | undefined;

  constructor(
    private readonly path: string,
    private readonly serve: (port: SerialPort) => () => void,
  ) {}

  async open(): Promise<void> {
    this.stopped = false;
    for (;;) {
      const port = new SerialPort({ path: this.path, baudRate: 115200, autoOpen: false });
      const err = await new Promise<Error | null>((r) => port.open((e) => r(e)));
      if (!err) {
        this.port = port;
        this.detach = this.serve(port);
        port.on('error', () => {});
        return;
      }
      if (this.stopped) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Writes raw bytes from the device side (for noise tests). */
  write(bytes: Uint8Array): void {
    this.port?.write(Buffer.from(bytes));
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.detach?.();
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
  }
}

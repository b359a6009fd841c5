/**
 * Puts a FakePrinter on the device end of a link: a serial path (the far end of a socat pty, or a
 * real null-modem port for bench tests) or a memory cable. The serial runner reconnects like the
 * product side does, so after a pty is unplugged and plugged in again the fake printer is back too.
 */
import type { Logger } from '../logger.js';
import type { MemoryCable } from '../transport/memory-transport.js';
import { SerialTransport } from '../transport/serial-transport.js';
import type { Transport } from '../transport/transport.js';
import { FakePrinter, attachFakePrinter } from './fake-printer.js';

export interface RunningFakePrinter {
  fake: FakePrinter;
  transport: Transport;
  close(): Promise<void>;
}

export function runFakePrinterOnPath(
  path: string,
  opts: { baudRate?: number; fake?: FakePrinter; logger?: Logger } = {},
): RunningFakePrinter {
  const fake = opts.fake ?? new FakePrinter();
  // serialport puts the tty in raw mode (no echo, no line discipline), which a printer port is.
  const transport = new SerialTransport({ path, baudRate: opts.baudRate ?? 115200, uri: `serial://${path}#device`, logger: opts.logger });
  const detach = attachFakePrinter(fake, transport);
  transport.open();
  return {
    fake,
    transport,
    close: async () => {
      detach();
      await transport.close();
    },
  };
}

export function runFakePrinterOnCable(cable: MemoryCable, fake = new FakePrinter()): RunningFakePrinter {
  const detach = attachFakePrinter(fake, cable.device);
  cable.device.open();
  return {
    fake,
    transport: cable.device,
    close: async () => {
      detach();
      await cable.device.close();
    },
  };
}

/**
 * The demo-mode printer (`--printer sim`): a real Printer driver talking over an in-process
 * cable to a FakePrinter. Everything above the transport runs exactly as with hardware, and the
 * lab page can read the printed tickets and flip the fake's paper/cover/cutter conditions.
 */
import { Printer, type PrinterOptions } from '../printer/printer.js';
import { createMemoryCable, type MemoryCable } from '../transport/memory-transport.js';
import type { FakePrinter } from './fake-printer.js';
import { runFakePrinterOnCable } from './run-fake-printer.js';

export interface SimPrinter {
  printer: Printer;
  fake: FakePrinter;
  /** unplug()/plugIn() simulate pulling the printer's cable. */
  cable: MemoryCable;
  /** Stops the driver and the fake's end of the cable. */
  stop(): Promise<void>;
}

export function createSimPrinter(opts: PrinterOptions & { uri?: string } = {}): SimPrinter {
  const cable = createMemoryCable(opts.uri ?? 'sim');
  const device = runFakePrinterOnCable(cable);
  const printer = new Printer(cable.product, opts);
  return {
    printer,
    fake: device.fake,
    cable,
    stop: async () => {
      await printer.stop();
      await device.close();
    },
  };
}

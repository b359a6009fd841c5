/**
 * Builds the ticket printer from its device URI (command line over configuration; `sim` in demo
 * mode when none is given), registers it with the device registry, and wraps it for tickets.
 */
import { createPrinter, type PrinterOptions, type TicketTemplateOverrides } from '../../drivers/printer/index.js';
import type { SimPrinter } from '../../drivers/sim/sim-printer.js';
import type { BranchService } from '../branch-service.js';
import type { DeviceRegistry } from '../devices.js';
import type { Logger } from '../logger.js';
import { TicketPrinting } from './ticket-printing.js';

export interface PrinterSetup {
  printing: TicketPrinting;
  /** Demo mode: the fake printer and its cable, for the device lab. */
  sim?: SimPrinter;
  close(): Promise<void>;
}

export function printerUri(fromCli: string | undefined, fromConfig: string | undefined, demo: boolean): string | undefined {
  return fromCli ?? fromConfig ?? (demo ? 'sim' : undefined);
}

export function setupPrinter(opts: {
  uri: string | undefined;
  service: BranchService;
  devices: DeviceRegistry;
  baseUrl: () => string;
  log: Logger;
  driver?: PrinterOptions;
  /** The branch file's `ticket` section. */
  template?: TicketTemplateOverrides;
}): PrinterSetup {
  if (!opts.uri) {
    return { printing: new TicketPrinting({ service: opts.service, printer: undefined, baseUrl: opts.baseUrl, template: opts.template, log: opts.log }), close: async () => {} };
  }
  const { printer, sim } = createPrinter(opts.uri, { id: 'printer', logger: opts.log.child({ device: 'printer' }), ...opts.driver });
  opts.devices.add(printer);
  return {
    printing: new TicketPrinting({ service: opts.service, printer, baseUrl: opts.baseUrl, template: opts.template, log: opts.log }),
    ...(sim ? { sim } : {}),
    // The registry stops the driver; the fake's end of the cable stops here.
    close: async () => {
      await sim?.stop();
    },
  };
}

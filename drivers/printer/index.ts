/**
 * The ticket printer's public surface, and the one-call way to build it from a device URI.
 */
import { parseDeviceUri, type DeviceUri } from '../uri.js';
import { openTransport } from '../transport/open-transport.js';
import { createSimPrinter, type SimPrinter } from '../sim/sim-printer.js';
import { Printer, type PrinterOptions } from './printer.js';

export { Printer, type PrinterOptions } from './printer.js';
export { renderTicket, DEFAULT_TICKET_TEMPLATE, mergeTemplate, type TicketPrintData, type TicketTemplate, type TicketTemplateOverrides, type TicketBlock, type TicketLabels } from './ticket-layout.js';
export { EscPosBuilder, encodeText, qrCommands, statusRequest, asbEnable } from './escpos.js';
export { PrinterStatusParser, stateOf, decodeRealtime, decodeAsb, encodeRealtime, encodeAsb, type PrinterCondition, type StatusReport } from './status.js';

export interface CreatedPrinter {
  printer: Printer;
  /** Present for `sim`: the fake printer and its cable, for the demo lab page. */
  sim?: SimPrinter;
}

/**
 * serial://… and tcp://… get a real transport; `sim` gets the in-process fake printer.
 * Throws DomainError BAD_DEVICE_URI for anything else. The printer is not started.
 */
export function createPrinter(uri: DeviceUri | string, opts: PrinterOptions = {}): CreatedPrinter {
  const parsed = typeof uri === 'string' ? parseDeviceUri(uri, { baudRate: 9600 }) : uri;
  if (parsed.scheme === 'sim') {
    const sim = createSimPrinter({ ...opts, uri: parsed.text });
    return { printer: sim.printer, sim };
  }
  const statusMode = opts.statusMode ?? (parsed.params.status === 'asb' ? 'asb' : 'poll');
  return { printer: new Printer(openTransport(parsed, { logger: opts.logger }), { ...opts, statusMode }) };
}

/**
 * Prints queue tickets. The ticket is already committed when printing starts: a printer fault
 * never loses a number. A failed print is recorded as `ticket.print_failed` (staff alerts and
 * the dashboard read it) and reported to the caller so the kiosk can show the ticket on screen.
 */
import { draft } from '../../core/events.js';
import { renderTicket, type Printer, type TicketTemplateOverrides } from '../../drivers/printer/index.js';
import type { BranchService } from '../branch-service.js';
import type { Logger } from '../logger.js';
import { ticketPrintData } from './ticket-paper.js';

export type PrintOutcome =
  | { status: 'printed' }
  | { status: 'failed'; reason: string }
  /** Nothing to print on (no printer configured). */
  | { status: 'skipped'; reason: string };

export interface TicketPrintingOptions {
  service: BranchService;
  printer: Printer | undefined;
  /** Base of the QR code's URL; read per ticket so it can follow a configuration change. */
  baseUrl: () => string;
  template?: TicketTemplateOverrides;
  log: Logger;
}

// A kiosk retry of the same request comes within seconds; this many tickets is hours of a busy day.
const REMEMBERED_JOBS = 500;

export class TicketPrinting {
  /** First print of each recent ticket: a retried request gets the same outcome, not a second ticket. */
  private readonly firstPrints = new Map<string, Promise<PrintOutcome>>();

  constructor(private readonly opts: TicketPrintingOptions) {}

  get printer(): Printer | undefined {
    return this.opts.printer;
  }

  /** Prints a newly issued ticket once; later calls for the same ticket share that outcome. */
  printIssued(ticketId: string): Promise<PrintOutcome> {
    let job = this.firstPrints.get(ticketId);
    if (!job) {
      job = this.print(ticketId, false);
      this.firstPrints.set(ticketId, job);
      if (this.firstPrints.size > REMEMBERED_JOBS) this.firstPrints.delete(this.firstPrints.keys().next().value!);
    }
    return job;
  }

  /** A reprint asked for by lobby staff: always prints, marked as a reprint on the paper. */
  reprint(ticketId: string): Promise<PrintOutcome> {
    return this.print(ticketId, true);
  }

  private async print(ticketId: string, reprint: boolean): Promise<PrintOutcome> {
    const { service, printer, log } = this.opts;
    // Paper only for a ticket that is on disk (group commit: the batch it is in may still be
    // waiting for its fsync).
    await service.durable();
    const view = service.ticketView(ticketId);
    if (!printer) return { status: 'skipped', reason: 'no ticket printer is configured' };
    const data = ticketPrintData(view, service.queueConfig, this.opts.baseUrl(), reprint ? { notice: '补打 / Reprint' } : {});
    try {
      await printer.print(renderTicket(data, this.opts.template));
      return { status: 'printed' };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      log.warn({ ticket: view.number, device: printer.id, reason }, 'ticket print failed');
      try {
        service.record([draft('ticket.print_failed', service.clock(), { ticketId, number: view.number, reason, deviceId: printer.id })]);
      } catch (err) {
        // The customer still gets the ticket on screen; only the alert is lost.
        log.error({ err }, 'could not record the print failure');
      }
      return { status: 'failed', reason };
    }
  }
}

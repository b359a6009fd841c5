/**
 * The paper model of the simulated printer: the roll and the mechanism around it (paper low or
 * out, cover, cutter) and what reaches the paper given that condition. While the paper is out,
 * the cover open or the cutter jammed, printing stops and the data is lost, not held (as on the
 * printers we simulate); a cut then finishes no ticket and what was printed is torn off by hand.
 */
import { TicketCollector, type EscPosEvent, type PrintedTicket } from '../printer/escpos-decoder.js';

export interface PaperCondition {
  paperNearEnd: boolean;
  paperEnd: boolean;
  coverOpen: boolean;
  cutterError: boolean;
}

/** Tickets kept for the lab page and tests; demo mode runs for days. */
const HISTORY = 1000;

export class PaperRoll {
  readonly tickets: PrintedTicket[] = [];
  condition: PaperCondition = { paperNearEnd: false, paperEnd: false, coverOpen: false, cutterError: false };
  readonly #collector = new TicketCollector();

  /** True while nothing can be printed. */
  get blocked(): boolean {
    const c = this.condition;
    return c.paperEnd || c.coverOpen || c.cutterError;
  }

  /** Applies one decoded event to the paper; returns the ticket a cut finished, if any. */
  take(event: EscPosEvent): PrintedTicket | undefined {
    if (this.blocked) {
      if (event.type === 'cut') this.#collector.tearOff();
      return undefined;
    }
    const ticket = this.#collector.add(event);
    if (!ticket) return undefined;
    this.tickets.push(ticket);
    if (this.tickets.length > HISTORY) this.tickets.shift();
    return ticket;
  }
}

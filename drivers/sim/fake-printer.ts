/**
 * A simulated ESC/POS ticket printer, put together from three parts: the pure ESC/POS decoder
 * (printer/escpos-decoder.ts) reads the byte stream, the paper model (paper-roll.ts) decides what
 * reaches the paper and keeps the tickets, and the printer's status replies (printer/status.ts,
 * the same file the driver decodes them with) answer DLE EOT and automatic status back from a
 * condition that tests and the demo lab change. Each cut that reaches the paper emits `ticket`.
 *
 * Used by demo mode (behind a memory cable) and by tests (on the device end of a pty). Garbage
 * bytes are decoded as best they can be and never throw.
 */
import { EventEmitter } from 'node:events';
import { EscPosDecoder, type PrintedTicket } from '../printer/escpos-decoder.js';
import { encodeAsb, encodeRealtime, type PrinterCondition } from '../printer/status.js';
import type { Transport } from '../transport/transport.js';
import { PaperRoll, type PaperCondition } from './paper-roll.js';

export interface FakePrinterCondition extends PaperCondition {
  /** false: the printer stops answering status requests (its status line is dead or it hangs). */
  answering: boolean;
}

export interface FakePrinterEvents {
  ticket: [ticket: PrintedTicket];
  reply: [bytes: Buffer];
}

export class FakePrinter extends EventEmitter<FakePrinterEvents> {
  /** Every byte received, for tests that look at the raw stream. */
  received = 0;
  /** Status requests seen (DLE EOT n), answered or not. */
  statusRequests = 0;
  readonly #decoder = new EscPosDecoder();
  readonly #paper = new PaperRoll();
  #answering = true;
  #asbMask = 0;
  #send: ((bytes: Buffer) => void) | undefined;

  /** Tickets printed so far, oldest first. */
  get tickets(): PrintedTicket[] {
    return this.#paper.tickets;
  }

  /** Internal decoder faults that were caught (should stay 0; tests assert it). */
  get decodeFaults(): number {
    return this.#decoder.stats.faults;
  }

  /** Where replies go (a transport's write); set by attach helpers. */
  setSink(send: ((bytes: Buffer) => void) | undefined): void {
    this.#send = send;
  }

  get condition(): FakePrinterCondition {
    return { ...this.#paper.condition, answering: this.#answering };
  }

  setPaperNearEnd(on: boolean): void {
    this.#change({ paperNearEnd: on });
  }
  setPaperEnd(on: boolean): void {
    this.#change({ paperEnd: on });
  }
  setCoverOpen(on: boolean): void {
    this.#change({ coverOpen: on });
  }
  setCutterError(on: boolean): void {
    this.#change({ cutterError: on });
  }
  setAnswering(on: boolean): void {
    this.#answering = on;
  }

  /** Feed bytes from the wire. Never throws. */
  receive(chunk: Uint8Array): void {
    this.received += chunk.length;
    for (const event of this.#decoder.feed(chunk)) {
      switch (event.type) {
        case 'status_request':
          this.statusRequests++;
          this.#reply(Buffer.of(encodeRealtime(event.n, this.#reported())));
          break;
        case 'asb':
          this.#asbMask = event.mask;
          if (event.mask !== 0) this.#reply(Buffer.from(encodeAsb(this.#reported())));
          break;
        default: {
          const ticket = this.#paper.take(event);
          if (ticket) this.emit('ticket', ticket);
        }
      }
    }
  }

  /** The condition as the printer reports it: anything that stops printing makes it "offline". */
  #reported(): PrinterCondition {
    return { ...this.#paper.condition, reportsOffline: this.#paper.blocked };
  }

  #change(patch: Partial<PaperCondition>): void {
    const before = Buffer.from(encodeAsb(this.#reported())).toString('hex');
    this.#paper.condition = { ...this.#paper.condition, ...patch };
    const after = Buffer.from(encodeAsb(this.#reported()));
    if (this.#asbMask !== 0 && after.toString('hex') !== before) this.#reply(after);
  }

  #reply(bytes: Buffer): void {
    if (!this.#answering) return;
    this.emit('reply', bytes);
    this.#send?.(bytes);
  }
}

/** Connects a fake printer to the device end of a transport; returns a detach function. */
export function attachFakePrinter(fake: FakePrinter, transport: Transport): () => void {
  const onData = (chunk: Buffer) => fake.receive(chunk);
  transport.on('data', onData);
  fake.setSink((bytes) => {
    transport.write(bytes).catch(() => {}); // a reply into an unplugged cable is lost, as on a wire
  });
  return () => {
    transport.off('data', onData);
    fake.setSink(undefined);
  };
}

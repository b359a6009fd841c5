/**
 * The status replies of an ESC/POS printer: single-byte answers to DLE EOT n and the 4-byte
 * automatic status back (ASB) enabled with GS a. The two are told apart by their fixed bits:
 *   DLE EOT answer  0xx1xx10  (bit 4 on, bit 1 on)
 *   ASB first byte  0xx1xx00  (bit 4 on, bit 1 off)
 *   ASB bytes 2..4  0xx0xxxx  (bit 4 off)
 * Bytes that fit none of these are noise (line glitches, a device sending something else) and are
 * skipped. Both ends live here: the driver's stream parser and the printer's encoders (used by the
 * fake printer), so the two cannot drift apart.
 */
import { z } from 'zod';
import { ByteParser, parserOptions } from '../codec/byte-parser.js';
import type { DeviceState } from '../device.js';

/** What the printer has told us; undefined = not reported yet. */
export interface PrinterCondition {
  /** The printer says it is offline (DLE EOT 1 bit 3 / ASB byte 1 bit 3). */
  reportsOffline?: boolean;
  coverOpen?: boolean;
  paperEnd?: boolean;
  paperNearEnd?: boolean;
  cutterError?: boolean;
  /** Head/motor error the printer cannot recover from without service. */
  unrecoverableError?: boolean;
  /** E.g. head overheated; clears by itself. */
  autoRecoverableError?: boolean;
}

export type StatusReport =
  | { source: 'realtime'; n: StatusRequestNumber; byte: number; condition: PrinterCondition }
  | { source: 'asb'; bytes: [number, number, number, number]; condition: PrinterCondition };

const bit = (b: number, i: number) => (b & (1 << i)) !== 0;

export function decodeRealtime(n: StatusRequestNumber, b: number): PrinterCondition {
  switch (n) {
    case 1:
      return { reportsOffline: bit(b, 3) };
    case 2:
      return { coverOpen: bit(b, 2), paperEnd: bit(b, 5) };
    case 3:
      return { cutterError: bit(b, 3), unrecoverableError: bit(b, 5), autoRecoverableError: bit(b, 6) };
    case 4:
      // Sensors report in bit pairs; either bit on is taken as set (printers differ in which).
      return { paperNearEnd: bit(b, 2) || bit(b, 3), paperEnd: bit(b, 5) || bit(b, 6) };
  }
}

export function decodeAsb(b1: number, b2: number, b3: number): PrinterCondition {
  return {
    reportsOffline: bit(b1, 3),
    coverOpen: bit(b1, 5),
    cutterError: bit(b2, 3),
    unrecoverableError: bit(b2, 5),
    autoRecoverableError: bit(b2, 6),
    paperNearEnd: bit(b3, 0) || bit(b3, 1),
    paperEnd: bit(b3, 2) || bit(b3, 3),
  };
}

export const isRealtimeAnswer = (b: number) => (b & 0x93) === 0x12;
export const isAsbFirst = (b: number) => (b & 0x93) === 0x10;
export const isAsbFollowing = (b: number) => (b & 0x90) === 0x00;

export type StatusRequestNumber = 1 | 2 | 3 | 4;

const statusParserOptions = z
  .object({
    /** Accept automatic status back frames (GS a). Off for a printer polled only, where they are noise. */
    asb: z.boolean().default(true),
  })
  .strict();
export type PrinterStatusParserOptions = z.input<typeof statusParserOptions>;

/**
 * A Transform stream that turns what a printer sends back into status reports. The caller
 * announces which DLE EOT n it just sent with `expect(n)`; an answer byte arriving with nothing
 * expected is stale (its request timed out) and is dropped rather than guessed at, so one lost
 * byte cannot shift every later answer. Noise and broken ASB frames are dropped and reported.
 * @example
 * import { SerialPort } from 'serialport';
 * const port = new SerialPort({ path: '/dev/ttyUSB0', baudRate: 115200 });
 * const status = port.pipe(new PrinterStatusParser({ asb: true }));
 * status.on('data', (r: StatusReport) => console.log(stateOf(r.condition)));
 * status.expect(4);
 * port.write(statusRequest(4)); // DLE EOT 4: paper sensors
 */
export class PrinterStatusParser extends ByteParser<StatusReport> {
  readonly #asbOn: boolean;
  #expected: StatusRequestNumber | undefined;
  #asb: number[] = [];

  constructor(options?: PrinterStatusParserOptions) {
    super();
    this.#asbOn = parserOptions('PrinterStatusParser', statusParserOptions, options).asb;
  }

  /** The DLE EOT n whose answer comes next; undefined when none is outstanding. */
  expect(n: StatusRequestNumber | undefined): void {
    this.#expected = n;
  }

  get expected(): StatusRequestNumber | undefined {
    return this.#expected;
  }

  override get buffered(): number {
    return this.#asb.length;
  }

  protected override clear(): void {
    this.#asb = [];
  }

  protected decode(chunk: Uint8Array, emit: (report: StatusReport) => void): void {
    for (const b of chunk) {
      if (this.#asb.length > 0) {
        if (isAsbFollowing(b)) {
          this.#asb.push(b);
          if (this.#asb.length === 4) {
            const [b1, b2, b3, b4] = this.#asb as [number, number, number, number];
            this.#asb = [];
            emit({ source: 'asb', bytes: [b1, b2, b3, b4], condition: decodeAsb(b1, b2, b3) });
          }
          continue;
        }
        this.discard('broken status frame', Uint8Array.from(this.#asb)); // look at this byte afresh
        this.#asb = [];
      }
      if (isRealtimeAnswer(b)) {
        const n = this.#expected;
        if (n === undefined) {
          this.discard('answer with no request outstanding', Uint8Array.of(b));
          continue;
        }
        this.#expected = undefined;
        emit({ source: 'realtime', n, byte: b, condition: decodeRealtime(n, b) });
      } else if (this.#asbOn && isAsbFirst(b)) {
        this.#asb = [b];
      } else {
        this.discard('noise', Uint8Array.of(b));
      }
    }
  }
}

/** The printer's side: its answer to DLE EOT n for a condition (the fake printer sends it). */
export function encodeRealtime(n: StatusRequestNumber, c: PrinterCondition): number {
  const on = (flag: boolean | undefined, bits: number) => (flag ? bits : 0);
  switch (n) {
    case 1:
      return 0x12 | on(c.reportsOffline, 0x08);
    case 2:
      return 0x12 | on(c.coverOpen, 0x04) | on(c.paperEnd, 0x20) | on(c.cutterError || c.unrecoverableError || c.autoRecoverableError, 0x40);
    case 3:
      return 0x12 | on(c.cutterError, 0x08) | on(c.unrecoverableError, 0x20) | on(c.autoRecoverableError, 0x40);
    case 4:
      return 0x12 | on(c.paperNearEnd || c.paperEnd, 0x0c) | on(c.paperEnd, 0x60);
  }
}

/** The printer's side: the 4-byte automatic status back for a condition. */
export function encodeAsb(c: PrinterCondition): Uint8Array {
  const on = (flag: boolean | undefined, bits: number) => (flag ? bits : 0);
  return Uint8Array.of(
    0x10 | on(c.reportsOffline, 0x08) | on(c.coverOpen, 0x20),
    on(c.cutterError, 0x08) | on(c.unrecoverableError, 0x20) | on(c.autoRecoverableError, 0x40),
    on(c.paperNearEnd || c.paperEnd, 0x03) | on(c.paperEnd, 0x0c),
    0,
  );
}

/**
 * The state staff should see, most urgent first. Paper near end is a warning: printing goes on.
 */
export function stateOf(c: PrinterCondition): { state: DeviceState; detail?: string } {
  if (c.cutterError) return { state: 'cutter_error', detail: 'cutter jammed: open the cover, clear the paper and close it' };
  if (c.coverOpen) return { state: 'cover_open', detail: 'printer cover is open: close it' };
  if (c.paperEnd) return { state: 'paper_end', detail: 'printer out of paper: load a new roll' };
  if (c.unrecoverableError) return { state: 'error', detail: 'printer hardware fault: switch it off and on, then call service' };
  if (c.autoRecoverableError) return { state: 'error', detail: 'printer paused (e.g. head too hot); it resumes by itself' };
  if (c.reportsOffline) return { state: 'offline', detail: 'printer reports it is offline' };
  if (c.paperNearEnd) return { state: 'paper_near_end', detail: 'paper low: replace the roll soon' };
  return { state: 'online' };
}

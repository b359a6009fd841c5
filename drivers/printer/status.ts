/**
 * Decodes what an ESC/POS printer sends back: single-byte answers to DLE EOT n and the 4-byte
 * automatic status back (ASB) enabled with GS a. The two are told apart by their fixed bits:
 *   DLE EOT answer  0xx1xx10  (bit 4 on, bit 1 on)
 *   ASB first byte  0xx1xx00  (bit 4 on, bit 1 off)
 *   ASB bytes 2..4  0xx0xxxx  (bit 4 off)
 * Bytes that fit none of these are noise (line glitches, a device sending something else) and are
 * skipped. The parser takes chunks of any size, split anywhere, and never throws.
 */
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
  | { source: 'realtime'; n: 1 | 2 | 3 | 4; byte: number; condition: PrinterCondition }
  | { source: 'asb'; bytes: [number, number, number, number]; condition: PrinterCondition };

const bit = (b: number, i: number) => (b & (1 << i)) !== 0;

export function decodeRealtime(n: 1 | 2 | 3 | 4, b: number): PrinterCondition {
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

/**
 * Stream parser. The caller announces which DLE EOT n it just sent with `expect(n)`; an answer byte
 * arriving with nothing expected is stale (its request timed out) and is dropped rather than
 * guessed at, so one lost byte cannot shift every later answer.
 */
export class StatusParser {
  #expected: 1 | 2 | 3 | 4 | undefined;
  #asb: number[] = [];
  readonly #onReport: (r: StatusReport) => void;

  constructor(onReport: (r: StatusReport) => void) {
    this.#onReport = onReport;
  }

  expect(n: 1 | 2 | 3 | 4 | undefined): void {
    this.#expected = n;
  }

  get expected(): 1 | 2 | 3 | 4 | undefined {
    return this.#expected;
  }

  push(chunk: Uint8Array): void {
    for (const b of chunk) this.#byte(b);
  }

  #byte(b: number): void {
    if (this.#asb.length > 0) {
      if (isAsbFollowing(b)) {
        this.#asb.push(b);
        if (this.#asb.length === 4) {
          const [b1, b2, b3, b4] = this.#asb as [number, number, number, number];
          this.#asb = [];
          this.#emit({ source: 'asb', bytes: [b1, b2, b3, b4], condition: decodeAsb(b1, b2, b3) });
        }
        return;
      }
      this.#asb = []; // a broken ASB frame: drop it and look at this byte afresh
    }
    if (isRealtimeAnswer(b)) {
      const n = this.#expected;
      if (n === undefined) return;
      this.#expected = undefined;
      this.#emit({ source: 'realtime', n, byte: b, condition: decodeRealtime(n, b) });
    } else if (isAsbFirst(b)) {
      this.#asb = [b];
    }
  }

  #emit(r: StatusReport): void {
    try {
      this.#onReport(r);
    } catch {
      // A listener's fault must not break byte parsing; the printer device logs its own errors.
    }
  }
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

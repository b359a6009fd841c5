/**
 * Frames of the serial protocol spoken by Chinese second-generation resident ID card readers
 * (the "SAM" module interface). Both directions share one envelope:
 *
 *   AA AA AA 96 69 | LEN_HI LEN_LO | payload … | CHK
 *
 * LEN counts the bytes after it (payload + CHK); CHK is the XOR of LEN_HI, LEN_LO and the payload.
 * A host → reader payload is CMD PARA [data]; a reader → host payload is SW1 SW2 SW3 [data].
 * See docs/devices/card-readers.md for the commands and examples.
 */
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import { ByteParser, parserOptions } from '../codec/byte-parser.js';
import { xor8 } from '../codec/checksum.js';

export const SAM_PREAMBLE: Readonly<Uint8Array> = Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69);
/** Largest LEN accepted. Base info + photo + fingerprint is about 2.3 kB; anything near 64 kB is noise. */
export const SAM_MAX_LENGTH = 4096;
const HEAD = SAM_PREAMBLE.length + 2;

/** Commands (CMD, PARA) the host side uses; the well-known public values. */
export const SamCommand = {
  RESET_SAM: [0x10, 0xff],
  SAM_STATUS: [0x11, 0xff],
  READ_SAM_ID: [0x12, 0xff],
  FIND_CARD: [0x20, 0x01],
  SELECT_CARD: [0x20, 0x02],
  READ_BASE: [0x30, 0x01],
} as const satisfies Record<string, readonly [number, number]>;

/** SW3 values (SW1 SW2 are 00 00 for all of these). */
export const SamStatus = {
  OK: 0x90,
  CARD_FOUND: 0x9f,
  NO_CARD: 0x80,
  SELECT_FAILED: 0x81,
  BAD_CHECKSUM: 0x10,
  BAD_LENGTH: 0x11,
  BAD_COMMAND: 0x21,
  READ_FAILED: 0x41,
} as const;

export interface SamCommandFrame {
  cmd: number;
  para: number;
  data: Uint8Array;
}

export interface SamResponseFrame {
  sw1: number;
  sw2: number;
  sw3: number;
  data: Uint8Array;
}

/** Wraps a payload (CMD PARA data, or SW1 SW2 SW3 data) into a frame. */
export function encodeSamFrame(payload: Uint8Array): Buffer {
  const len = payload.length + 1;
  if (len > SAM_MAX_LENGTH) throw new DomainError('SAM_FRAME_TOO_LONG', `SAM payload too long: ${payload.length} bytes (at most ${SAM_MAX_LENGTH - 1})`);
  const frame = Buffer.alloc(HEAD + len);
  frame.set(SAM_PREAMBLE, 0);
  frame.writeUInt16BE(len, SAM_PREAMBLE.length);
  frame.set(payload, HEAD);
  frame[frame.length - 1] = xor8(frame.subarray(SAM_PREAMBLE.length, frame.length - 1));
  return frame;
}

export function encodeSamCommand(cmd: readonly [number, number], data: Uint8Array = new Uint8Array(0)): Buffer {
  return encodeSamFrame(Buffer.concat([Uint8Array.of(cmd[0], cmd[1]), data]));
}

export function encodeSamResponse(sw3: number, data: Uint8Array = new Uint8Array(0), sw1 = 0, sw2 = 0): Buffer {
  return encodeSamFrame(Buffer.concat([Uint8Array.of(sw1, sw2, sw3), data]));
}

export function decodeSamCommand(payload: Uint8Array): SamCommandFrame | undefined {
  if (payload.length < 2) return undefined;
  return { cmd: payload[0]!, para: payload[1]!, data: payload.subarray(2) };
}

export function decodeSamResponse(payload: Uint8Array): SamResponseFrame | undefined {
  if (payload.length < 3) return undefined;
  return { sw1: payload[0]!, sw2: payload[1]!, sw3: payload[2]!, data: payload.subarray(3) };
}

function indexOfPreamble(buf: Buffer, from: number): number {
  return buf.indexOf(SAM_PREAMBLE, from);
}

const samParserOptions = z
  .object({
    /** Largest LEN taken as a frame; a header claiming more is noise. */
    maxLength: z.number().int().min(2).max(0xffff).default(SAM_MAX_LENGTH),
  })
  .strict();
export type SamFrameParserOptions = z.input<typeof samParserOptions>;

/**
 * A Transform stream that turns the bytes of a SAM serial link (either direction) into the
 * payloads of checked frames: CMD PARA data from the host, SW1 SW2 SW3 data from the reader. It
 * resynchronises on the preamble, drops frames whose checksum fails and skips headers whose
 * length is out of range. Drops are reported by reason and size only: an ID card's frames hold
 * a person's name, address and photo, so no sample of the bytes is ever kept.
 * @example
 * import { SerialPort } from 'serialport';
 * const port = new SerialPort({ path: '/dev/ttyS2', baudRate: 115200 });
 * const frames = port.pipe(new SamFrameParser({ maxLength: 4096 }));
 * frames.on('data', (payload: Uint8Array) => console.log(decodeSamResponse(payload)?.sw3));
 * frames.on('drop', (d: ParserDrop) => console.log('dropped', d.bytes, 'bytes:', d.reason));
 */
export class SamFrameParser extends ByteParser<Uint8Array> {
  override readonly keepsSamples = false;
  readonly #maxLength: number;

  constructor(options?: SamFrameParserOptions) {
    super();
    this.#maxLength = parserOptions('SamFrameParser', samParserOptions, options).maxLength;
  }

  /** Payloads are copies, owned by the caller (who should wipe ID data when done). */
  protected decode(chunk: Uint8Array, emit: (payload: Uint8Array) => void): void {
    this.held = this.withHeld(chunk);
    for (;;) {
      const start = indexOfPreamble(this.held, 0);
      if (start < 0) {
        // Keep a tail that could be the start of a preamble split across chunks.
        this.#skip('bytes outside a frame', Math.max(0, this.held.length - (SAM_PREAMBLE.length - 1)));
        break;
      }
      this.#skip('bytes outside a frame', start);
      if (this.held.length < HEAD) break;
      const len = this.held.readUInt16BE(SAM_PREAMBLE.length);
      if (len < 2 || len > this.#maxLength) {
        this.#skip('length out of range', 1); // not a real header: look for the next preamble
        continue;
      }
      const end = HEAD + len;
      if (this.held.length < end) {
        // Incomplete. If a complete, valid frame already sits further on, the header we are
        // waiting on was noise (e.g. a corrupted length): skip to that frame instead of stalling.
        const later = this.#findCompleteFrameAfter(1);
        if (later < 0) break;
        this.#skip('truncated frame', later);
        continue;
      }
      if (xor8(this.held.subarray(SAM_PREAMBLE.length, end - 1)) !== this.held[end - 1]) {
        this.#skip('bad checksum', 1);
        continue;
      }
      emit(Uint8Array.from(this.held.subarray(HEAD, end - 1)));
      // An 8-bit XOR lets one noise header in 256 pass, and such a "frame" may have swallowed the
      // start of a real one. So bytes from a preamble (or a preamble's first bytes) inside it that
      // run past its end are looked at again; if they are noise, the normal resync drops them.
      this.held = this.held.subarray(this.#resumeAfter(end));
    }
  }

  #skip(reason: string, n: number): void {
    if (n <= 0) return;
    this.discard(reason, n);
    this.held = this.held.subarray(n);
  }

  /** Where to continue after a frame ending at `end`: a later start that overlaps it, else `end`. */
  #resumeAfter(end: number): number {
    for (let i = indexOfPreamble(this.held, 1); i >= 0 && i < end; i = indexOfPreamble(this.held, i + 1)) {
      if (this.held.length < i + HEAD) return i;
      const len = this.held.readUInt16BE(i + SAM_PREAMBLE.length);
      if (len >= 2 && len <= this.#maxLength && i + HEAD + len > end) return i;
    }
    // A preamble may begin in the frame's last bytes with the rest still on the wire.
    for (let i = Math.max(1, end - SAM_PREAMBLE.length + 1); i < end; i++) {
      const tail = this.held.subarray(i, Math.min(this.held.length, i + SAM_PREAMBLE.length));
      if (tail.equals(SAM_PREAMBLE.subarray(0, tail.length))) return i;
    }
    return end;
  }

  #findCompleteFrameAfter(from: number): number {
    for (let i = indexOfPreamble(this.held, from); i >= 0; i = indexOfPreamble(this.held, i + 1)) {
      if (this.held.length < i + HEAD) return -1;
      const len = this.held.readUInt16BE(i + SAM_PREAMBLE.length);
      if (len < 2 || len > this.#maxLength || this.held.length < i + HEAD + len) continue;
      const end = i + HEAD + len;
      if (xor8(this.held.subarray(i + SAM_PREAMBLE.length, end - 1)) === this.held[end - 1]) return i;
    }
    return -1;
  }
}

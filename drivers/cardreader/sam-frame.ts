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

export function xorChecksum(bytes: Uint8Array): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

/** Wraps a payload (CMD PARA data, or SW1 SW2 SW3 data) into a frame. */
export function encodeSamFrame(payload: Uint8Array): Buffer {
  const len = payload.length + 1;
  if (len > SAM_MAX_LENGTH) throw new RangeError(`SAM payload too long: ${payload.length} bytes`);
  const frame = Buffer.alloc(HEAD + len);
  frame.set(SAM_PREAMBLE, 0);
  frame.writeUInt16BE(len, SAM_PREAMBLE.length);
  frame.set(payload, HEAD);
  frame[frame.length - 1] = xorChecksum(frame.subarray(SAM_PREAMBLE.length, frame.length - 1));
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

/** Counters for diagnostics; they hold no frame content. */
export interface SamParserStats {
  frames: number;
  badChecksums: number;
  droppedBytes: number;
}

/**
 * Stream parser: feed it whatever the port delivers, in any chunking, and get complete payloads
 * back. It resyncs on the preamble, drops frames whose checksum fails, and never throws.
 */
export class SamFrameParser {
  private buf: Buffer = Buffer.alloc(0);
  readonly stats: SamParserStats = { frames: 0, badChecksums: 0, droppedBytes: 0 };

  /** Returns the payloads of the frames completed by this chunk (copies, owned by the caller). */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (!(chunk instanceof Uint8Array) || chunk.length === 0) return out;
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const start = indexOfPreamble(this.buf, 0);
      if (start < 0) {
        // Keep a tail that could be the start of a preamble split across chunks.
        this.drop(Math.max(0, this.buf.length - (SAM_PREAMBLE.length - 1)));
        break;
      }
      this.drop(start);
      if (this.buf.length < HEAD) break;
      const len = this.buf.readUInt16BE(SAM_PREAMBLE.length);
      if (len < 2 || len > SAM_MAX_LENGTH) {
        this.drop(1); // not a real header: look for the next preamble
        continue;
      }
      const end = HEAD + len;
      if (this.buf.length < end) {
        // Incomplete. If a complete, valid frame already sits further on, the header we are
        // waiting on was noise (e.g. a corrupted length): skip to that frame instead of stalling.
        const later = this.findCompleteFrameAfter(1);
        if (later < 0) break;
        this.drop(later);
        continue;
      }
      const sum = xorChecksum(this.buf.subarray(SAM_PREAMBLE.length, end - 1));
      if (sum !== this.buf[end - 1]) {
        this.stats.badChecksums++;
        this.drop(1);
        continue;
      }
      out.push(Uint8Array.from(this.buf.subarray(HEAD, end - 1)));
      this.stats.frames++;
      // An 8-bit XOR lets one noise header in 256 pass, and such a "frame" may have swallowed the
      // start of a real one. So bytes from a preamble (or a preamble's first bytes) inside it that
      // run past its end are looked at again; if they are noise, the normal resync drops them.
      this.buf = this.buf.subarray(this.resumeAfter(end));
    }
    return out;
  }

  /** Bytes held waiting for the rest of a frame; never more than one maximal frame. */
  get pending(): number {
    return this.buf.length;
  }

  /** Forgets any partial frame, e.g. after a response timeout. */
  reset(): void {
    this.stats.droppedBytes += this.buf.length;
    this.buf = Buffer.alloc(0);
  }

  private drop(n: number): void {
    if (n <= 0) return;
    this.stats.droppedBytes += n;
    this.buf = this.buf.subarray(n);
  }

  /** Where to continue after a frame ending at `end`: a later start that overlaps it, else `end`. */
  private resumeAfter(end: number): number {
    for (let i = indexOfPreamble(this.buf, 1); i >= 0 && i < end; i = indexOfPreamble(this.buf, i + 1)) {
      if (this.buf.length < i + HEAD) return i;
      const len = this.buf.readUInt16BE(i + SAM_PREAMBLE.length);
      if (len >= 2 && len <= SAM_MAX_LENGTH && i + HEAD + len > end) return i;
    }
    // A preamble may begin in the frame's last bytes with the rest still on the wire.
    for (let i = Math.max(1, end - SAM_PREAMBLE.length + 1); i < end; i++) {
      const tail = this.buf.subarray(i, Math.min(this.buf.length, i + SAM_PREAMBLE.length));
      if (tail.equals(SAM_PREAMBLE.subarray(0, tail.length))) return i;
    }
    return end;
  }

  private findCompleteFrameAfter(from: number): number {
    for (let i = indexOfPreamble(this.buf, from); i >= 0; i = indexOfPreamble(this.buf, i + 1)) {
      if (this.buf.length < i + HEAD) return -1;
      const len = this.buf.readUInt16BE(i + SAM_PREAMBLE.length);
      if (len < 2 || len > SAM_MAX_LENGTH || this.buf.length < i + HEAD + len) continue;
      const end = i + HEAD + len;
      if (xorChecksum(this.buf.subarray(i + SAM_PREAMBLE.length, end - 1)) === this.buf[end - 1]) return i;
    }
    return -1;
  }
}

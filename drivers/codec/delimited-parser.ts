/**
 * The framing shared by protocols whose frames run from a start byte to an end byte (the
 * `framed` display protocol's STX…ETX, the `line` protocol's `$`…LF): bytes outside a frame are
 * dropped, a start byte always begins a new frame (so one lost byte costs one frame, not the
 * stream), an end byte always ends it, and a frame longer than the limit is noise. An escape
 * byte, where the protocol has one, takes the next byte XOR 0x20 (DLE stuffing), so start and end
 * never occur inside a frame. The protocol checks each complete frame's body.
 */
import { ByteParser } from './byte-parser.js';

export interface Delimiters {
  start: number;
  end: number;
  /** Escape byte (e.g. DLE); the byte after it is taken XOR 0x20. */
  escape?: number;
  /** Whether the end byte belongs to the body handed to check(). */
  keepEnd: boolean;
  /** Longest body taken; a longer run is dropped. */
  maxBytes: number;
  /** In drop reasons: "frame", "line". */
  unit: string;
}

export abstract class DelimitedParser<T> extends ByteParser<T> {
  readonly #d: Delimiters;
  /** undefined: outside a frame, skipping to the next start byte. */
  #body: number[] | undefined;
  #escaped = false;

  constructor(delimiters: Delimiters) {
    super();
    this.#d = delimiters;
  }

  /** The item a complete body makes, or undefined after discarding it with its reason. */
  protected abstract check(body: Uint8Array): T | undefined;

  override get buffered(): number {
    return this.#body?.length ?? 0;
  }

  protected override clear(): void {
    this.#body = undefined;
    this.#escaped = false;
  }

  protected decode(chunk: Uint8Array, emit: (item: T) => void): void {
    const { start, end, escape, keepEnd, maxBytes, unit } = this.#d;
    let outside = -1; // start of a run of bytes outside any frame
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (!this.#body && b !== start) {
        if (outside < 0) outside = i;
        continue;
      }
      if (outside >= 0) {
        this.discard(`bytes outside a ${unit}`, chunk.subarray(outside, i));
        outside = -1;
      }
      const body: number[] = this.#body ?? [];
      if (b === start) {
        if (body.length > 0) this.discard(`${unit} cut short by a new start`, Uint8Array.from(body));
        this.#body = [];
        this.#escaped = false;
        continue;
      }
      if (b === end) {
        if (keepEnd) body.push(b);
        this.#body = undefined;
        const item = this.check(Uint8Array.from(body));
        if (item !== undefined) emit(item);
        continue;
      }
      if (this.#escaped) {
        body.push(b ^ 0x20);
        this.#escaped = false;
      } else if (b === escape) {
        this.#escaped = true;
      } else {
        body.push(b);
      }
      if (body.length > maxBytes) {
        this.discard(`${unit} too long`, Uint8Array.from(body));
        this.#body = undefined;
      }
    }
    if (outside >= 0) this.discard(`bytes outside a ${unit}`, chunk.subarray(outside));
  }
}

/**
 * The base of every codec's receiving side: a Transform stream that takes bytes in whatever
 * chunks the port delivers and emits decoded items (frames, replies, key presses, status
 * reports), as node-serialport's parser packages do. Pipe a stream into it, or call write() with
 * chunks from a transport's `data` event, and read `data` events. Simulators and tests that need
 * the answer at once call feed(), the synchronous form of write().
 *
 * Garbage never becomes an error: a parser resynchronises on its own, counts what it dropped in
 * `stats` and reports it as `drop` events (one per reason per chunk, so line noise cannot flood a
 * log). A fault in a decoder itself is caught, counted in `stats.faults` and the parser starts
 * afresh. The stream never emits `error` because of what the wire carried.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';

/** Bytes a parser threw away, and why. */
export interface ParserDrop {
  reason: string;
  /** How many times bytes were dropped for this reason in one chunk (e.g. frames with a bad CRC). */
  count: number;
  /** How many bytes that was. */
  bytes: number;
  /** The first dropped run, for debugging; absent where the bytes may hold personal data. */
  sample?: Uint8Array;
}

export interface ParserStats {
  /** Items emitted. */
  items: number;
  /** Bytes dropped, all reasons together. */
  droppedBytes: number;
  /** Drops by reason: how many times, how many bytes. */
  drops: Record<string, { count: number; bytes: number }>;
  /** Faults of the decoder itself that were caught (should stay 0). */
  faults: number;
}

/**
 * Checks a parser's options against its schema. A wrong option is a programming or
 * configuration mistake, reported as BAD_PARSER_OPTIONS with the field and the rule it broke.
 */
export function parserOptions<S extends z.ZodType>(parser: string, schema: S, options: unknown): z.output<S> {
  const parsed = schema.safeParse(options ?? {});
  if (!parsed.success) {
    throw new DomainError('BAD_PARSER_OPTIONS', `${parser} options: ${z.prettifyError(parsed.error)}`, {
      issues: parsed.error.issues,
    });
  }
  return parsed.data;
}

const SAMPLE_LIMIT = 64;

export abstract class ByteParser<T> extends Transform {
  readonly stats: ParserStats = { items: 0, droppedBytes: 0, drops: {}, faults: 0 };
  /** Drops seen during the current chunk, reported together when it is done. */
  #dropsThisChunk = new Map<string, ParserDrop>();
  #feeding = false;

  constructor() {
    super({ readableObjectMode: true });
  }

  /**
   * Decodes one chunk: calls `emit` for every complete item and `discard` for every byte it throws
   * away. Keeps whatever may still become an item for the next chunk.
   */
  protected abstract decode(chunk: Uint8Array, emit: (item: T) => void): void;

  /**
   * Bytes held for an item that is not complete yet. Parsers that keep their partial item in
   * another form override `buffered` and `clear` instead.
   */
  protected held: Buffer = Buffer.alloc(0);

  /** Bytes held waiting for the rest of an item. */
  get buffered(): number {
    return this.held.length;
  }

  /** Forgets the held bytes (without counting them). */
  protected clear(): void {
    this.held = Buffer.alloc(0);
  }

  /** The held bytes followed by the new chunk, as one buffer to scan. */
  protected withHeld(chunk: Uint8Array): Buffer {
    return this.held.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.held, chunk]);
  }

  /** Whether `drop` events carry a sample of the dropped bytes (false where they may be personal data). */
  readonly keepsSamples: boolean = true;

  /**
   * Synchronous form of write(): decodes the chunk and returns the items it completes, without
   * pushing them to the readable side. Never throws.
   */
  feed(chunk: Uint8Array): T[] {
    const out: T[] = [];
    if (!(chunk instanceof Uint8Array) || chunk.length === 0) return out;
    const outer = !this.#feeding;
    this.#feeding = true;
    try {
      this.decode(chunk, (item) => out.push(item));
    } catch {
      this.stats.faults++;
      const held = this.buffered;
      this.clear();
      this.discard('decoder fault', held);
    } finally {
      if (outer) this.#feeding = false;
    }
    this.stats.items += out.length;
    if (outer) this.#reportDrops();
    return out;
  }

  /** Forgets a partial item, e.g. after an answer timed out; counted as dropped. */
  reset(): void {
    const held = this.buffered;
    this.clear();
    this.discard('reset', held);
    if (!this.#feeding) this.#reportDrops();
  }

  /** Records dropped bytes: a count (bytes not kept) or the bytes themselves. */
  protected discard(reason: string, bytes: Uint8Array | number): void {
    const n = typeof bytes === 'number' ? bytes : bytes.length;
    if (n <= 0) return;
    const entry: ParserDrop = { reason, count: 1, bytes: n };
    if (this.keepsSamples && typeof bytes !== 'number') entry.sample = Uint8Array.from(bytes.subarray(0, SAMPLE_LIMIT));
    this.recordDrop(entry);
  }

  /** Counts a drop already described (e.g. by an inner parser) and reports it with this chunk's. */
  protected recordDrop(drop: ParserDrop): void {
    this.stats.droppedBytes += drop.bytes;
    const total = (this.stats.drops[drop.reason] ??= { count: 0, bytes: 0 });
    total.count += drop.count;
    total.bytes += drop.bytes;
    const seen = this.#dropsThisChunk.get(drop.reason);
    if (seen) {
      seen.count += drop.count;
      seen.bytes += drop.bytes;
    } else this.#dropsThisChunk.set(drop.reason, { ...drop });
  }

  #reportDrops(): void {
    if (this.#dropsThisChunk.size === 0) return;
    const drops = [...this.#dropsThisChunk.values()];
    this.#dropsThisChunk = new Map();
    for (const d of drops) this.emit('drop', d);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    for (const item of this.feed(chunk)) this.push(item);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    const held = this.buffered;
    this.clear();
    this.discard('incomplete at end of stream', held);
    this.#reportDrops();
    callback();
  }

  override on(event: 'data', listener: (item: T) => void): this;
  override on(event: 'drop', listener: (drop: ParserDrop) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override on(event: string | symbol, listener: (...args: any[]) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }
}

/**
 * Turns the frames of one parser into the messages of a protocol. `toMessage` returns the
 * message, undefined for a frame that is valid but not for this end (e.g. another device's
 * answer echoed on a shared bus), or calls `reject` for a frame that makes no sense.
 */
export class MessageParser<F, M> extends ByteParser<M> {
  readonly #frames: ByteParser<F>;
  readonly #toMessage: (frame: F, reject: (reason: string, bytes: Uint8Array) => undefined) => M | undefined;
  override readonly keepsSamples: boolean;
  /** Set while the frames are cleared on our behalf: that is not a drop of theirs to pass on. */
  #clearing = false;

  constructor(frames: ByteParser<F>, toMessage: (frame: F, reject: (reason: string, bytes: Uint8Array) => undefined) => M | undefined) {
    super();
    this.#frames = frames;
    this.#toMessage = toMessage;
    this.keepsSamples = frames.keepsSamples;
    frames.on('drop', (d: ParserDrop) => {
      if (!this.#clearing) this.recordDrop(d);
    });
  }

  override get buffered(): number {
    return this.#frames.buffered;
  }

  protected override clear(): void {
    this.#clearing = true;
    try {
      this.#frames.reset();
    } finally {
      this.#clearing = false;
    }
  }

  protected decode(chunk: Uint8Array, emit: (message: M) => void): void {
    const reject = (reason: string, bytes: Uint8Array): undefined => {
      this.discard(reason, bytes);
      return undefined;
    };
    for (const frame of this.#frames.feed(chunk)) {
      const message = this.#toMessage(frame, reject);
      if (message !== undefined) emit(message);
    }
  }
}

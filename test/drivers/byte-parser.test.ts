/**
 * What every codec's parser promises, checked on all of them: options validated with a clear
 * code, a real Transform stream that never errors on what the wire carries, garbage dropped and
 * counted by reason (drop events add up to the stats), resync to the next valid frame whatever
 * came before and however the bytes are chunked, and a fault of the decoder itself contained.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { ByteParser, MessageParser, type ParserDrop } from '../../drivers/codec/byte-parser.js';
import { encodeFrame, FramedParser } from '../../drivers/display/protocols/framed.js';
import { LineParser, lineProtocol } from '../../drivers/display/protocols/line.js';
import { encodePadFrame, PadFrameParser } from '../../drivers/callpad/protocols/pad-frame.js';
import { encodeSamResponse, SamFrameParser } from '../../drivers/cardreader/sam-frame.js';
import { PrinterStatusParser } from '../../drivers/printer/status.js';
import { EscPosDecoder } from '../../drivers/printer/escpos-decoder.js';

/** Splits bytes into chunks at arbitrary points, as a serial port delivers them. */
function chunked(bytes: Uint8Array, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    if (p > from) out.push(Buffer.from(bytes.subarray(from, p)));
    from = p;
  }
  return out;
}

/** Pipes chunks through a parser as a stream; collects its items and drop events. */
async function throughStream<T>(parser: ByteParser<T>, chunks: Buffer[]): Promise<{ items: T[]; drops: ParserDrop[] }> {
  const drops: ParserDrop[] = [];
  parser.on('drop', (d) => drops.push(d));
  let failed: unknown;
  parser.on('error', (e) => (failed = e));
  const items = (await Readable.from(chunks, { objectMode: false }).pipe(parser).toArray()) as T[];
  assert.equal(failed, undefined, 'the stream never errors');
  return { items, drops };
}

function assertDropsAddUp(parser: ByteParser<unknown>, drops: ParserDrop[]): void {
  assert.equal(
    drops.reduce((n, d) => n + d.bytes, 0),
    parser.stats.droppedBytes,
  );
  const byReason: Record<string, { count: number; bytes: number }> = {};
  for (const d of drops) {
    const r = (byReason[d.reason] ??= { count: 0, bytes: 0 });
    r.count += d.count;
    r.bytes += d.bytes;
  }
  assert.deepEqual(byReason, parser.stats.drops);
}

describe('parser options are validated', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['FramedParser', () => new FramedParser({ maxBodyBytes: 2 }), /maxBodyBytes/],
    ['LineParser', () => new LineParser({ maxLineBytes: 1.5 }), /maxLineBytes/],
    ['PadFrameParser', () => new PadFrameParser({ maxHeldBytes: 1 }), /maxHeldBytes/],
    ['SamFrameParser', () => new SamFrameParser({ maxLength: 70_000 }), /maxLength/],
    ['PrinterStatusParser', () => new PrinterStatusParser({ asb: 'yes' as unknown as boolean }), /asb/],
    ['EscPosDecoder', () => new EscPosDecoder({ maxCommandBytes: -1 }), /maxCommandBytes/],
    ['FramedParser', () => new FramedParser({ maxBodyByte: 100 } as never), /Unrecognized key/],
  ];
  for (const [name, make, field] of cases) {
    it(`${name}: a wrong option is BAD_PARSER_OPTIONS naming the field (${field.source})`, () => {
      assert.throws(make, (e: unknown) => {
        assert.equal((e as { code?: string }).code, 'BAD_PARSER_OPTIONS');
        assert.match((e as Error).message, new RegExp(`^${name} options: `));
        assert.match((e as Error).message, field);
        return true;
      });
    });
  }

  it('options take effect: a frame longer than the limit is dropped as too long', () => {
    const big = encodeFrame(1, 0x31, new Uint8Array(40));
    assert.equal(new FramedParser().feed(big).length, 1);
    const strict = new FramedParser({ maxBodyBytes: 20 });
    assert.deepEqual(strict.feed(big), []);
    assert.equal(strict.stats.drops['frame too long']?.count, 1);
    const sam = new SamFrameParser({ maxLength: 10 });
    assert.deepEqual(sam.feed(encodeSamResponse(0x90, new Uint8Array(20))), []);
    assert.ok(sam.stats.drops['length out of range']);
  });
});

interface Kind<T> {
  name: string;
  make: () => ByteParser<T>;
  /** A valid item's bytes and what the parser makes of them. */
  valid: fc.Arbitrary<{ bytes: Uint8Array; item: T }>;
}

// fc.record builds null-prototype objects; items are rebuilt as plain objects for deepEqual.
const kinds: Kind<unknown>[] = [
  {
    name: 'FramedParser',
    make: () => new FramedParser(),
    valid: fc.tuple(fc.integer({ min: 1, max: 247 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 40 })).map(([address, command, data]) => ({
      bytes: encodeFrame(address, command, data),
      item: { address, command, data: Uint8Array.from(data) },
    })),
  },
  {
    name: 'LineParser',
    make: () => new LineParser(),
    valid: fc.tuple(fc.integer({ min: 0, max: 999 }), fc.stringMatching(/^[A-Z0-9 ]{0,20}$/)).map(([address, text]) => {
      const bytes = lineProtocol.encode({ kind: 'counter', address, text, flash: false });
      return { bytes, item: { address, body: Buffer.concat([Buffer.from('TXT,S,'), Buffer.from(text, 'ascii')]) } };
    }),
  },
  {
    name: 'PadFrameParser',
    make: () => new PadFrameParser(),
    valid: fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 9 })).map(([address, seq, key]) => ({
      bytes: encodePadFrame(address, 0x01, Uint8Array.of(seq, key)),
      item: { address, command: 0x01, data: Uint8Array.of(seq, key) },
    })),
  },
  {
    name: 'SamFrameParser',
    make: () => new SamFrameParser(),
    valid: fc.uint8Array({ maxLength: 300 }).map((data) => ({
      bytes: encodeSamResponse(0x90, data),
      item: Uint8Array.from([0, 0, 0x90, ...data]),
    })),
  },
  {
    name: 'PrinterStatusParser',
    make: () => new PrinterStatusParser(),
    valid: fc.tuple(fc.boolean(), fc.boolean()).map(([cover, paperEnd]) => {
      const bytes = Uint8Array.of(0x10 | (cover ? 0x20 : 0), 0, paperEnd ? 0x0c : 0, 0);
      const item = new PrinterStatusParser().feed(bytes)[0];
      return { bytes, item };
    }),
  },
];

for (const kind of kinds) {
  describe(`${kind.name} as a stream`, () => {
    it('property: garbage, then a valid frame, in any chunking: the frame comes out last, nothing faults, drops add up', async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), kind.valid, fc.array(fc.nat(), { maxLength: 8 }), async (garbage, valid, cuts) => {
          const parser = kind.make();
          const { items, drops } = await throughStream(parser, chunked(Buffer.concat([garbage, valid.bytes]), cuts));
          assert.equal(parser.stats.faults, 0);
          assertDropsAddUp(parser, drops);
          assert.deepEqual(items.at(-1), valid.item);
        }),
        { numRuns: Number(process.env.FC_RUNS ?? 150) },
      );
    });

    it('property: random bytes in any chunking never error the stream, and what is held stays bounded', async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 12 }), async (bytes, cuts) => {
          const parser = kind.make();
          let maxHeld = 0;
          parser.on('data', () => (maxHeld = Math.max(maxHeld, parser.buffered)));
          const { drops } = await throughStream(parser, chunked(bytes, cuts));
          assert.equal(parser.stats.faults, 0);
          assertDropsAddUp(parser, drops);
          assert.equal(parser.buffered, 0, 'the end of the stream drops a partial frame');
          assert.ok(maxHeld <= 70_000);
        }),
        { numRuns: 100 },
      );
    });
  });
}

describe('what every parser shares', () => {
  it('a frame split over the end of the stream is dropped as incomplete', async () => {
    const frame = encodeFrame(5, 0x31, Uint8Array.of(1, 0x41));
    const parser = new FramedParser();
    const { items, drops } = await throughStream(parser, [Buffer.from(frame.subarray(0, 5))]);
    assert.deepEqual(items, []);
    assert.deepEqual(drops.map((d) => d.reason), ['incomplete at end of stream']);
  });

  it('reset() forgets a partial frame and counts it; the next frame decodes', () => {
    const parser = new SamFrameParser();
    const frame = encodeSamResponse(0x90, Uint8Array.of(1, 2, 3));
    assert.deepEqual(parser.feed(frame.subarray(0, 9)), []);
    assert.equal(parser.buffered, 9);
    parser.reset();
    assert.equal(parser.buffered, 0);
    assert.deepEqual(parser.stats.drops.reset, { count: 1, bytes: 9 });
    assert.deepEqual(parser.feed(frame), [Uint8Array.of(0, 0, 0x90, 1, 2, 3)]);
  });

  it('ID-card frames are never sampled into drop events; display frames are, for debugging', () => {
    const sam = new SamFrameParser();
    const samDrops: ParserDrop[] = [];
    sam.on('drop', (d) => samDrops.push(d));
    const bad = encodeSamResponse(0x90, Buffer.from('张三 北京市'));
    bad[bad.length - 1]! ^= 0xff;
    sam.feed(bad);
    assert.ok(samDrops.length > 0);
    assert.ok(samDrops.every((d) => d.sample === undefined));

    const framed = new FramedParser();
    const framedDrops: ParserDrop[] = [];
    framed.on('drop', (d) => framedDrops.push(d));
    framed.feed(Buffer.from('noise'));
    assert.deepEqual(framedDrops, [{ reason: 'bytes outside a frame', count: 1, bytes: 5, sample: Uint8Array.from(Buffer.from('noise')) }]);
  });

  it('a fault of a decoder itself is caught, counted and forgotten; the stream goes on', async () => {
    class Brittle extends ByteParser<number> {
      protected decode(chunk: Uint8Array, emit: (n: number) => void): void {
        this.held = this.withHeld(chunk);
        for (const b of chunk) {
          if (b === 0xee) throw new Error('decoder bug');
          emit(b);
        }
        this.held = Buffer.alloc(0);
      }
    }
    const parser = new Brittle();
    const { items, drops } = await throughStream(parser, [Buffer.of(1, 2), Buffer.of(3, 0xee, 4), Buffer.of(5)]);
    // What was complete before the fault stands; the rest of that chunk is dropped.
    assert.deepEqual(items, [1, 2, 3, 5]);
    assert.equal(parser.stats.faults, 1);
    assert.deepEqual(drops, [{ reason: 'decoder fault', count: 1, bytes: 3 }]);
  });

  it('a message parser passes on its frames\' drops and counts the frames it rejects', () => {
    const parser = new MessageParser(new FramedParser(), (f, reject) => (f.command === 0x31 ? f.address : reject('not a text frame', f.data)));
    const drops: ParserDrop[] = [];
    parser.on('drop', (d) => drops.push(d));
    const out = parser.feed(Buffer.concat([Buffer.from('xx'), encodeFrame(3, 0x31), encodeFrame(4, 0x33, Uint8Array.of(9)), encodeFrame(5, 0x31)]));
    assert.deepEqual(out, [3, 5]);
    assert.deepEqual(
      drops.map((d) => [d.reason, d.count, d.bytes]),
      [
        ['bytes outside a frame', 1, 2],
        ['not a text frame', 1, 1],
      ],
    );
    assert.equal(parser.stats.items, 2);
  });
});

import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CALL_PAD_KEYS, type PadMessage } from '../../drivers/callpad/protocol.js';
import { padFrameProtocol as pad } from '../../drivers/callpad/protocols/pad-frame.js';
import { callPadProtocols } from '../../drivers/callpad/registry.js';
import { anyCuts, chunked, feedChunked, hex, plain } from './codec-support.js';

const keyPress = plain(
  fc.record({
    kind: fc.constant('key' as const),
    address: fc.integer({ min: 1, max: 254 }),
    key: fc.constantFrom(...CALL_PAD_KEYS),
    seq: fc.integer({ min: 0, max: 255 }),
  }),
);
const encodeKey = (k: { address: number; key: (typeof CALL_PAD_KEYS)[number]; seq: number }) => pad.encodeKey(k.address, k.key, k.seq);

describe('pad-frame bytes (as documented in docs/devices/call-pads.md)', () => {
  it('encodes the documented examples', () => {
    assert.deepEqual(Buffer.from(pad.encodeKey(3, 'next', 7)), hex('A5 03 01 02 07 01 06 5A'));
    assert.deepEqual(Buffer.from(pad.encodeKeyAck(3, 7)), hex('A5 03 86 01 07 83 5A'));
    assert.deepEqual(Buffer.from(pad.encodeScreen({ address: 3, text: 'A017', waiting: 12 })), hex('A5 03 81 06 00 0C 41 30 31 37 FF 5A'));
    assert.deepEqual(Buffer.from(pad.encodeScreenAck(3)), hex('A5 03 06 01 81 85 5A'));
  });

  it('round-trips a Chinese screen text and clamps the waiting count', () => {
    const [msg] = pad.createHostParser().feed(pad.encodeScreen({ address: 9, text: 'A017 请到', waiting: 70000 }));
    assert.deepEqual(msg, { kind: 'screen', address: 9, text: 'A017 请到', waiting: 65535 });
  });

  it('rejects an unknown protocol name with a stable code', () => {
    assert.throws(() => callPadProtocols.get('nope'), { code: 'UNKNOWN_CALL_PAD_PROTOCOL' });
  });
});

describe('pad-frame decoders under fuzzing', () => {
  it('round-trips key presses, whatever the chunking', () => {
    fc.assert(
      fc.property(fc.array(keyPress, { minLength: 1, maxLength: 10 }), anyCuts(), (presses, cuts) => {
        const parser = pad.createPadParser();
        const got = feedChunked(parser, Buffer.concat(presses.map(encodeKey)), cuts);
        assert.deepEqual(got, presses);
      }),
    );
  });

  it('never throws on random bytes, either direction, any chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), anyCuts(), (bytes, cuts) => {
        const fromPad = pad.createPadParser();
        const fromHost = pad.createHostParser();
        for (const c of chunked(bytes, cuts)) {
          fromPad.feed(c);
          fromHost.feed(c);
        }
      }),
    );
  });

  it('finds a valid press after garbage and after a truncated frame', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        keyPress,
        fc.nat(),
        keyPress,
        anyCuts(6),
        (garbage, cutFrom, cutAt, good, cuts) => {
          const partial = encodeKey(cutFrom);
          const stream = Buffer.concat([garbage, partial.subarray(0, cutAt % partial.length), encodeKey(good)]);
          const parser = pad.createPadParser();
          const got: PadMessage[] = feedChunked(parser, stream, cuts);
          assert.deepEqual(got.at(-1), good);
        },
      ),
    );
  });

  it('drops a press with one corrupted byte and keeps decoding after it', () => {
    fc.assert(
      fc.property(keyPress, fc.nat(), fc.integer({ min: 1, max: 255 }), keyPress, (k, at, flip, next) => {
        const bytes = Buffer.from(encodeKey(k));
        const pos = at % bytes.length;
        bytes[pos] = bytes[pos]! ^ flip;
        const got = pad.createPadParser().feed(Buffer.concat([bytes, encodeKey(next)]));
        assert.deepEqual(got, [next]);
      }),
    );
  });
});

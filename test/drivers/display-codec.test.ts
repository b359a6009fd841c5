import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc16Modbus, xor8 } from '../../drivers/codec/checksum.js';
import { decodeGb, encodeGb2312 } from '../../drivers/codec/gb-text.js';
import { displayProtocols } from '../../drivers/display/registry.js';
import { framedProtocol } from '../../drivers/display/protocols/framed.js';
import { lineProtocol } from '../../drivers/display/protocols/line.js';
import type { AddressedInstruction, DisplayCommand } from '../../drivers/display/protocol.js';
import { anyCuts, chunked, feedChunked, hex, plain } from './codec-support.js';

const displayText = fc
  .array(fc.constantFrom(...'A017 请到3号窗口欢迎光临理财贵宾-:0123456789'), { maxLength: 20 })
  .map((chars) => chars.join(''));

const instruction = (min: number, max: number): fc.Arbitrary<AddressedInstruction> =>
  plain(
    fc.oneof(
      fc.record({ kind: fc.constant('counter' as const), address: fc.integer({ min, max }), text: displayText, flash: fc.boolean() }),
      fc.record({ kind: fc.constant('board' as const), address: fc.integer({ min, max }), rows: fc.array(displayText.filter((t) => t !== ''), { maxLength: 5 }) }),
      fc.record({ kind: fc.constant('clear' as const), address: fc.integer({ min, max }) }),
    ),
  );

function expected(i: AddressedInstruction): DisplayCommand {
  if (i.kind === 'counter') return { kind: 'counter', address: i.address, text: i.text, flash: i.flash ?? false };
  if (i.kind === 'board') return { kind: 'board', address: i.address, rows: i.rows };
  return { kind: 'clear', address: i.address };
}

describe('checksums and text', () => {
  it('CRC-16/MODBUS and XOR match their reference values', () => {
    assert.equal(crc16Modbus(Buffer.from('123456789')), 0x4b37);
    assert.equal(xor8(Buffer.from('003,CLR')), 0x42);
  });

  it('encodes GB2312 and replaces what the font lacks', () => {
    assert.equal(encodeGb2312('请').toString('hex'), 'c7eb');
    assert.equal(decodeGb(encodeGb2312('¥5 €')), '￥5 EUR');
    assert.equal(decodeGb(encodeGb2312('𠀀龘😀')), '???'); // 4-byte GB18030 and outside GB2312
  });
});

describe('display protocol registry', () => {
  it('knows both protocols and rejects an unknown name with a stable code', () => {
    assert.deepEqual(displayProtocols.names().sort(), ['framed', 'line']);
    assert.throws(() => displayProtocols.get('nope'), { code: 'UNKNOWN_DISPLAY_PROTOCOL' });
  });
});

describe('framed protocol bytes (as documented in docs/devices/displays.md)', () => {
  it('encodes the documented examples', () => {
    assert.deepEqual(
      Buffer.from(framedProtocol.encode({ kind: 'counter', address: 5, text: 'A017 请到3号窗口', flash: true })),
      hex('02 05 31 00 11 01 41 30 31 37 20 C7 EB B5 BD 33 BA C5 B4 B0 BF DA 58 C5 03'),
    );
    assert.deepEqual(
      Buffer.from(framedProtocol.encode({ kind: 'board', address: 16, rows: ['A017 3号', 'B005 5号'] })),
      hex('02 10 30 32 00 13 10 22 08 41 30 31 37 20 33 BA C5 08 42 30 30 35 20 35 BA C5 73 C1 03'),
    );
    assert.deepEqual(Buffer.from(framedProtocol.encodePing!(5)), hex('02 05 35 00 00 10 30 E6 03'));
    assert.deepEqual(Buffer.from(framedProtocol.encodeReply!({ kind: 'ack', address: 5, for: 'counter' })), hex('02 05 06 00 01 31 28 CC 03'));
  });

  it('decodes acks and naks, ignoring the host frames a half-duplex bus echoes', () => {
    const replyParser = framedProtocol.createReplyParser!();
    const echo = framedProtocol.encode({ kind: 'clear', address: 5 });
    const replies = replyParser.feed(Buffer.concat([echo, hex('02 05 06 00 01 31 28 CC 03'), framedProtocol.encodeReply!({ kind: 'nak', address: 3, code: 4 })]));
    assert.deepEqual(replies, [
      { kind: 'ack', address: 5, for: 'counter' },
      { kind: 'nak', address: 3, code: 4 },
    ]);
  });

  it('cuts an over-long text without splitting a character', () => {
    const [cmd] = framedProtocol.createCommandParser().feed(framedProtocol.encode({ kind: 'counter', address: 1, text: '请'.repeat(100) }));
    assert.equal(cmd?.kind === 'counter' && cmd.text, '请'.repeat(64));
  });
});

describe('line protocol bytes (as documented)', () => {
  it('encodes the documented examples and keeps reserved characters out of the text', () => {
    assert.equal(Buffer.from(lineProtocol.encode({ kind: 'clear', address: 3 })).toString('latin1'), '$003,CLR*42\r\n');
    assert.deepEqual(
      Buffer.from(lineProtocol.encode({ kind: 'counter', address: 3, text: 'A017 请到3号窗口', flash: true })),
      hex('24 30 30 33 2C 54 58 54 2C 46 2C 41 30 31 37 20 C7 EB B5 BD 33 BA C5 B4 B0 BF DA 2A 35 46 0D 0A'),
    );
    const [cmd] = lineProtocol.createCommandParser().feed(lineProtocol.encode({ kind: 'counter', address: 7, text: 'a$b*c|d\r\ne' }));
    assert.deepEqual(cmd, { kind: 'counter', address: 7, text: 'a b c d  e', flash: false });
  });
});

for (const protocol of [framedProtocol, lineProtocol]) {
  describe(`${protocol.name} decoders under fuzzing`, () => {
    it('round-trips any instruction, whatever the chunking', () => {
      fc.assert(
        fc.property(fc.array(instruction(protocol.minAddress, protocol.maxAddress), { minLength: 1, maxLength: 5 }), anyCuts(), (instrs, cuts) => {
          const parser = protocol.createCommandParser();
          const bytes = Buffer.concat(instrs.map((i) => protocol.encode(i)));
          const got = feedChunked(parser, bytes, cuts);
          assert.deepEqual(got, instrs.map(expected));
        }),
      );
    });

    it('never throws on random bytes, in any chunking', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 600 }), anyCuts(), (bytes, cuts) => {
          const parser = protocol.createCommandParser();
          const replies = protocol.createReplyParser?.();
          for (const c of chunked(bytes, cuts)) {
            parser.feed(c);
            replies?.feed(c);
          }
        }),
      );
    });

    it('recognises a valid frame after garbage and after a truncated frame', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 300 }),
          instruction(protocol.minAddress, protocol.maxAddress),
          fc.nat(),
          instruction(protocol.minAddress, protocol.maxAddress),
          anyCuts(6),
          (garbage, cutFrom, cutAt, good, cuts) => {
            const partial = protocol.encode(cutFrom);
            const truncated = partial.subarray(0, cutAt % partial.length);
            const parser = protocol.createCommandParser();
            const stream = Buffer.concat([garbage, truncated, protocol.encode(good)]);
            const got = feedChunked(parser, stream, cuts);
            assert.deepEqual(got.at(-1), expected(good));
          },
        ),
      );
    });

    it('drops a frame with one corrupted byte', () => {
      fc.assert(
        fc.property(instruction(protocol.minAddress, protocol.maxAddress), fc.nat(), fc.integer({ min: 1, max: 255 }), (i, at, flip) => {
          const bytes = Buffer.from(protocol.encode(i));
          const pos = at % bytes.length;
          bytes[pos] = bytes[pos]! ^ flip;
          // The checksum catches any single changed byte (CRC-16: any burst up to 16 bits).
          assert.deepEqual(protocol.createCommandParser().feed(bytes), []);
        }),
      );
    });
  });
}

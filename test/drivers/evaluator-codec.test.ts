/**
 * The eval-frame evaluator protocol: the documented bytes (docs/devices/evaluators.md), both
 * directions round-tripped in any chunking, random bytes never throwing, resynchronisation after
 * garbage and a corrupted byte, and the parser's options checked.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EvaluatorHostMessage, EvaluatorMessage } from '../../drivers/evaluator/protocol.js';
import { EvalFrameParser, evalFrameProtocol as ev } from '../../drivers/evaluator/protocols/eval-frame.js';
import { evaluatorProtocols } from '../../drivers/evaluator/registry.js';
import { anyCuts, chunked, feedChunked, hex, plain } from './codec-support.js';

const rating = plain(
  fc.record({
    kind: fc.constant('rating' as const),
    address: fc.integer({ min: 1, max: 247 }),
    request: fc.integer({ min: 1, max: 255 }),
    press: fc.integer({ min: 0, max: 255 }),
    level: fc.integer({ min: 1, max: 5 }),
    reasons: fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { maxLength: 16 }).map((r) => [...r].sort((a, b) => a - b)),
  }),
);
const encodeRating = (r: Extract<EvaluatorMessage, { kind: 'rating' }>) => ev.encodeRating(r.address, r.request, r.press, r.level, r.reasons);

const ask = plain(
  fc.record({
    kind: fc.constant('ask' as const),
    address: fc.integer({ min: 1, max: 247 }),
    request: fc.integer({ min: 1, max: 255 }),
    levels: fc.constantFrom(3 as const, 5 as const),
    seconds: fc.integer({ min: 1, max: 255 }),
    reasons: fc.integer({ min: 0, max: 16 }),
    text: fc.constantFrom('', 'A017', 'B001 请您评价', 'H123 欢迎光临'),
  }),
);

describe('eval-frame bytes (as documented in docs/devices/evaluators.md)', () => {
  it('encodes the documented examples', () => {
    assert.deepEqual(Buffer.from(ev.encodeScreen(5, { kind: 'ask', request: 1, levels: 5, seconds: 30, reasons: 8, text: 'B001' })), hex('02 05 51 08 01 05 1E 08 42 30 30 31 95 7C 03'));
    assert.deepEqual(Buffer.from(ev.encodeAck(5, 'ask')), hex('02 05 06 01 51 20 85 03'));
    assert.deepEqual(Buffer.from(ev.encodeRating(5, 1, 0, 2, [0, 3])), hex('02 05 71 05 01 00 10 22 00 09 BD 60 03'));
    assert.deepEqual(Buffer.from(ev.encodeResult(5, 1, 0, 'recorded')), hex('02 05 53 10 23 01 00 00 D5 C6 03'));
    assert.deepEqual(Buffer.from(ev.encodeScreen(5, { kind: 'idle', text: '欢迎' })), hex('02 05 52 04 BB B6 D3 AD EB FD 03'));
    assert.deepEqual(Buffer.from(ev.encodePing!(3)), hex('02 10 23 55 00 BE 90 03'));
  });

  it('decodes the documented rating with its reason keys', () => {
    const [msg] = ev.createEvaluatorParser().feed(hex('02 05 71 05 01 00 10 22 00 09 BD 60 03'));
    assert.deepEqual(msg, { kind: 'rating', address: 5, request: 1, press: 0, level: 2, reasons: [0, 3] });
  });

  it('cuts a long text at a character boundary and clamps the numbers', () => {
    const [msg] = ev.createHostParser().feed(ev.encodeScreen(9, { kind: 'ask', request: 300, levels: 5, seconds: 0, reasons: 40, text: 'A017 '.padEnd(5, ' ') + '请您对本次服务进行评价谢谢合作欢迎光临' }));
    assert.equal(msg?.kind, 'ask');
    if (msg?.kind !== 'ask') return;
    assert.deepEqual([msg.request, msg.seconds, msg.reasons], [255, 1, 16]);
    assert.ok(Buffer.byteLength(msg.text, 'utf8') > 0 && msg.text.startsWith('A017 请您'));
    assert.ok(!msg.text.includes('\uFFFD'), 'no half character');
  });

  it('rejects an unknown protocol name with a stable code, and bad parser options', () => {
    assert.throws(() => evaluatorProtocols.get('nope'), { code: 'UNKNOWN_EVALUATOR_PROTOCOL' });
    assert.throws(() => new EvalFrameParser({ maxBodyBytes: 2 }), { code: 'BAD_PARSER_OPTIONS' });
    assert.throws(() => new EvalFrameParser({ bogus: 1 } as never), { code: 'BAD_PARSER_OPTIONS' });
  });
});

describe('eval-frame decoders under fuzzing', () => {
  it('round-trips ratings, whatever the chunking', () => {
    fc.assert(
      fc.property(fc.array(rating, { minLength: 1, maxLength: 10 }), anyCuts(), (ratings, cuts) => {
        const parser = ev.createEvaluatorParser();
        const got = feedChunked(parser, Buffer.concat(ratings.map(encodeRating)), cuts);
        assert.deepEqual(got, ratings);
      }),
    );
  });

  it('round-trips the host screens, whatever the chunking', () => {
    fc.assert(
      fc.property(fc.array(ask, { minLength: 1, maxLength: 8 }), anyCuts(), (asks, cuts) => {
        const parser = ev.createHostParser();
        const bytes = Buffer.concat(asks.map((a) => ev.encodeScreen(a.address, a)));
        const got: EvaluatorHostMessage[] = feedChunked(parser, bytes, cuts);
        assert.deepEqual(got, asks);
      }),
    );
  });

  it('never throws on random bytes, either direction, any chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), anyCuts(), (bytes, cuts) => {
        const fromPad = ev.createEvaluatorParser();
        const fromHost = ev.createHostParser();
        for (const c of chunked(bytes, cuts)) {
          fromPad.feed(c);
          fromHost.feed(c);
        }
        assert.equal(fromPad.stats.faults, 0);
        assert.equal(fromHost.stats.faults, 0);
      }),
    );
  });

  it('finds a valid rating after garbage, and loses only the frame with a corrupted byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), rating, rating, fc.nat(), fc.integer({ min: 1, max: 255 }), (garbage, a, b, at, flip) => {
        const parser = ev.createEvaluatorParser();
        const first = Buffer.from(encodeRating(a));
        // Corrupt one byte of the first frame's body (not its STX/ETX): the CRC or framing fails it.
        const i = 1 + (at % (first.length - 2));
        first[i] = first[i]! ^ flip;
        const got = [...parser.feed(garbage), ...parser.feed(first), ...parser.feed(Buffer.from([0x03])), ...parser.feed(encodeRating(b))];
        assert.deepEqual(got.at(-1), b, 'the rating after the damage comes through');
        assert.ok(!got.slice(0, -1).some((m) => JSON.stringify(m) === JSON.stringify(a)), 'the damaged rating is not taken');
        assert.ok(parser.stats.droppedBytes > 0, 'the damage is counted as dropped');
      }),
    );
  });
});

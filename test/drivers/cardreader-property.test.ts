import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeSamResponse,
  encodeSamFrame,
  encodeSamResponse,
  SAM_MAX_LENGTH,
  SAM_PREAMBLE,
  SamFrameParser,
} from '../../drivers/cardreader/sam-frame.js';
import { decodeHidMsrReport, encodeHidMsrReport, MAGTEK_LAYOUT } from '../../drivers/cardreader/hid-report.js';
import { idNumberFromBaseData } from '../../drivers/cardreader/sam-base-info.js';
import { parseSwipe, withLuhnDigit } from '../../drivers/cardreader/track-data.js';
import { WedgeDetector } from '../../drivers/cardreader/wedge-detector.js';

/** Bytes biased towards the preamble and frame-like pieces, which is where parsers break. */
const nastyBytes = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.constant(Uint8Array.from(SAM_PREAMBLE)),
      fc.constant(Uint8Array.from(SAM_PREAMBLE.subarray(0, 3))),
      fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 20 })).map(([len, rest]) => {
        const b = Buffer.alloc(7 + rest.length);
        b.set(SAM_PREAMBLE, 0);
        b.writeUInt16BE(len, 5);
        b.set(rest, 7);
        return Uint8Array.from(b);
      }),
      fc.uint8Array({ minLength: 1, maxLength: 30 }).map((p) => {
        const f = encodeSamFrame(p);
        return Uint8Array.from(f.subarray(0, Math.max(1, f.length - 2))); // truncated frame
      }),
    ),
    { maxLength: 20 },
  )
  .map((parts) => Buffer.concat(parts));

/** Splits bytes into chunks at arbitrary points, as a serial port delivers them. */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

describe('SAM frame parser (property)', () => {
  it('never throws on random and truncated bytes, in any chunking', () => {
    fc.assert(
      fc.property(nastyBytes, fc.array(fc.nat(), { maxLength: 10 }), (bytes, cuts) => {
        const parser = new SamFrameParser();
        for (const c of chunked(bytes, cuts)) {
          for (const payload of parser.feed(c)) {
            decodeSamResponse(payload);
            idNumberFromBaseData(payload);
          }
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 500) },
    );
  });

  it('still finds a valid frame sent after garbage', () => {
    fc.assert(
      fc.property(
        nastyBytes,
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (garbage, data, cuts) => {
          const frame = encodeSamResponse(0x90, data);
          const parser = new SamFrameParser();
          const got: Uint8Array[] = [];
          for (const c of chunked(Buffer.concat([garbage, frame]), cuts)) got.push(...parser.feed(c));
          const want = Buffer.from(frame.subarray(7, frame.length - 1));
          assert.ok(
            got.some((p) => want.equals(p)),
            'the valid frame was not found',
          );
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 500) },
    );
  });

  it('holds at most one maximal frame however much noise arrives', () => {
    const parser = new SamFrameParser();
    fc.assert(
      fc.property(nastyBytes, (bytes) => {
        parser.feed(bytes);
        assert.ok(parser.buffered <= SAM_MAX_LENGTH + 7, `pending ${parser.buffered}`);
      }),
      { numRuns: 300 },
    );
    // A large chunk of noise with a preamble claiming the maximum length, then unrelated bytes.
    const header = Buffer.from([...SAM_PREAMBLE, 0x10, 0x00]);
    parser.feed(Buffer.concat([header, Buffer.alloc(SAM_MAX_LENGTH * 3, 0x55)]));
    assert.ok(parser.buffered <= SAM_MAX_LENGTH + 7);
  });
});

describe('HID report decoder (property)', () => {
  it('never throws on random or truncated reports', () => {
    const valid = encodeHidMsrReport({ track1: '%B4111111111111111^A/B^2812?', track2: ';4111111111111111=2812?' });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          fc.nat({ max: valid.length }).map((n) => valid.subarray(0, n)),
          fc.tuple(fc.nat({ max: valid.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, junk]) => {
            const r = Uint8Array.from(valid);
            r.set(junk.subarray(0, r.length - at), at);
            return r;
          }),
        ),
        fc.integer({ min: 0, max: 2 }),
        (report, prefix) => {
          const tracks = decodeHidMsrReport(report, { ...MAGTEK_LAYOUT, prefix });
          parseSwipe((tracks.track1 ?? '') + (tracks.track2 ?? ''));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('round-trips any valid card number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{11,17}$/), (body) => {
        const pan = withLuhnDigit(body);
        const tracks = decodeHidMsrReport(encodeHidMsrReport({ track2: `;${pan}=2812101?` }));
        assert.deepEqual(parseSwipe(tracks.track2 ?? ''), { ok: true, track: 2, pan });
      }),
    );
  });
});

describe('wedge detector (property)', () => {
  it('delivers every typed key exactly once, in order, whatever the timing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('%', ';', '?', '4', '1', 'B', '^', '=', 'a', 'Enter', 'Shift', 'Backspace'), fc.nat({ max: 400 })), {
          maxLength: 60,
        }),
        (events) => {
          const det = new WedgeDetector();
          let t = 0;
          const typed: string[] = [];
          const delivered: string[] = [];
          let swiped = false;
          for (const [key, gap] of events) {
            t += gap;
            const o = det.push(key, t);
            if (key !== 'Shift') typed.push(key);
            if (o.type === 'pass' && key !== 'Shift') delivered.push(key);
            if (o.type === 'release') delivered.push(...o.keys);
            if (o.type === 'swipe') swiped = true;
          }
          const last = det.flush(t + 10_000);
          if (last.type === 'release') delivered.push(...last.keys);
          if (!swiped) assert.deepEqual(delivered, typed);
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 500) },
    );
  });
});

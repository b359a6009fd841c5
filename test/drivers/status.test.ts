import { test } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PrinterStatusParser, stateOf, type StatusReport } from '../../drivers/printer/status.js';

function collect() {
  const reports: StatusReport[] = [];
  const parser = new PrinterStatusParser();
  // feed() is the synchronous form of write(): the reports of a chunk are back at once.
  return { parser: { expect: (n: 1 | 2 | 3 | 4 | undefined) => parser.expect(n), push: (c: Uint8Array) => reports.push(...parser.feed(c)) }, reports };
}

test('DLE EOT answers decode by the request they answer', () => {
  const { parser, reports } = collect();
  parser.expect(2);
  parser.push(Uint8Array.of(0x12 | 0x04)); // cover open
  parser.expect(4);
  parser.push(Uint8Array.of(0x12 | 0x0c)); // near end
  parser.expect(3);
  parser.push(Uint8Array.of(0x12 | 0x08)); // cutter
  parser.expect(1);
  parser.push(Uint8Array.of(0x12 | 0x08)); // offline
  assert.deepEqual(
    reports.map((r) => r.condition),
    [
      { coverOpen: true, paperEnd: false },
      { paperNearEnd: true, paperEnd: false },
      { cutterError: true, unrecoverableError: false, autoRecoverableError: false },
      { reportsOffline: true },
    ],
  );
});

test('an answer with no request outstanding is dropped, garbage is skipped', () => {
  const { parser, reports } = collect();
  parser.push(Uint8Array.of(0x12));
  assert.equal(reports.length, 0);
  parser.expect(4);
  parser.push(Uint8Array.of(0xff, 0x80, 0x01, 0x12 | 0x60));
  assert.equal(reports.length, 1);
  assert.deepEqual(reports[0]!.condition, { paperNearEnd: false, paperEnd: true });
});

test('ASB frames split across chunks and mixed with answers', () => {
  const { parser, reports } = collect();
  parser.expect(1);
  // ASB: offline + cover open; paper near end and end sensors
  parser.push(Uint8Array.of(0xff, 0x10 | 0x08 | 0x20, 0x00));
  parser.push(Uint8Array.of(0x03));
  parser.push(Uint8Array.of(0x00, 0x12));
  assert.equal(reports.length, 2);
  assert.equal(reports[0]!.source, 'asb');
  assert.equal(reports[0]!.condition.coverOpen, true);
  assert.equal(reports[0]!.condition.paperNearEnd, true);
  assert.equal(reports[0]!.condition.paperEnd, false);
  assert.equal(reports[1]!.source, 'realtime');
  assert.equal(reports[1]!.condition.reportsOffline, false);
});

test('a broken ASB frame does not swallow the next answer', () => {
  const { parser, reports } = collect();
  parser.expect(2);
  parser.push(Uint8Array.of(0x10, 0x00, 0x12 | 0x20)); // ASB cut short by an answer byte
  assert.equal(reports.length, 1);
  assert.equal(reports[0]!.source, 'realtime');
  assert.equal(reports[0]!.condition.paperEnd, true);
});

test('state priority: cutter, cover, paper end, errors, offline, near end, online', () => {
  assert.equal(stateOf({}).state, 'online');
  assert.equal(stateOf({ paperNearEnd: true }).state, 'paper_near_end');
  assert.equal(stateOf({ paperNearEnd: true, paperEnd: true, reportsOffline: true }).state, 'paper_end');
  assert.equal(stateOf({ coverOpen: true, paperEnd: true }).state, 'cover_open');
  assert.equal(stateOf({ coverOpen: true, cutterError: true }).state, 'cutter_error');
  assert.equal(stateOf({ reportsOffline: true }).state, 'offline');
  assert.match(stateOf({ paperEnd: true }).detail ?? '', /out of paper/);
});

test('property: any bytes, any chunking, any expectations: never throws, reports are well-formed', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.uint8Array({ maxLength: 32 }), fc.constantFrom(undefined, 1, 2, 3, 4) as fc.Arbitrary<1 | 2 | 3 | 4 | undefined>), { maxLength: 40 }),
      (steps) => {
        const { parser, reports } = collect();
        for (const [chunk, n] of steps) {
          parser.expect(n);
          parser.push(chunk);
        }
        for (const r of reports) {
          if (r.source === 'realtime') assert.equal(r.byte & 0x93, 0x12);
          else assert.equal(r.bytes.length, 4);
          assert.ok(typeof stateOf(r.condition).state === 'string');
        }
      },
    ),
    { numRuns: 500 },
  );
});

test('property: a valid ASB frame is decoded whatever garbage precedes it and however it is split', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 20 }), fc.boolean(), fc.boolean(), fc.nat({ max: 4 }), (garbage, cover, paperEnd, split) => {
      const { parser, reports } = collect();
      const frame = Uint8Array.of(0x10 | (cover ? 0x20 : 0), 0, paperEnd ? 0x0c : 0, 0);
      const all = Buffer.concat([Buffer.from(garbage), Buffer.from(frame)]);
      const cut = Math.max(0, all.length - split);
      parser.push(all.subarray(0, cut));
      parser.push(all.subarray(cut));
      const last = reports[reports.length - 1];
      assert.ok(last && last.source === 'asb');
      assert.equal(last.condition.coverOpen, cover);
      assert.equal(last.condition.paperEnd, paperEnd);
    }),
    { numRuns: 300 },
  );
});

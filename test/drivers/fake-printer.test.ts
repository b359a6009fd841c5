import { test } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FakePrinter } from '../../drivers/sim/fake-printer.js';
import { renderTicket } from '../../drivers/printer/ticket-layout.js';
import { sampleTicket } from './wait.js';

test('answers DLE EOT per its condition and ASB on change', () => {
  const fake = new FakePrinter();
  const replies: number[] = [];
  fake.setSink((b) => replies.push(...b));
  fake.receive(Uint8Array.of(0x10, 0x04, 1, 0x10, 0x04, 4));
  assert.deepEqual(replies, [0x12, 0x12]);
  fake.setPaperNearEnd(true);
  fake.receive(Uint8Array.of(0x10, 0x04, 4));
  assert.equal(replies.at(-1), 0x12 | 0x0c);
  fake.setPaperEnd(true);
  fake.receive(Uint8Array.of(0x10, 0x04, 1, 0x10, 0x04, 2));
  assert.deepEqual(replies.slice(-2), [0x12 | 0x08, 0x12 | 0x20]);
  replies.length = 0;
  fake.receive(Uint8Array.of(0x1d, 0x61, 0x0e)); // enable ASB: immediate 4-byte status
  assert.deepEqual(replies, [0x18, 0x00, 0x0f, 0x00]);
  fake.setCoverOpen(true);
  assert.deepEqual(replies.slice(4), [0x38, 0x00, 0x0f, 0x00]);
  fake.setAnswering(false);
  replies.length = 0;
  fake.receive(Uint8Array.of(0x10, 0x04, 1));
  assert.deepEqual(replies, []);
});

test('nothing is printed while the paper is out', () => {
  const fake = new FakePrinter();
  fake.setPaperEnd(true);
  fake.receive(renderTicket(sampleTicket()));
  assert.equal(fake.tickets.length, 0);
  fake.setPaperEnd(false);
  fake.receive(renderTicket(sampleTicket()));
  assert.equal(fake.tickets.length, 1);
});

test('a ticket split into single bytes decodes the same as in one piece', () => {
  const doc = renderTicket(sampleTicket());
  const whole = new FakePrinter();
  whole.receive(doc);
  const bytewise = new FakePrinter();
  for (const b of doc) bytewise.receive(Uint8Array.of(b));
  assert.deepEqual(bytewise.tickets, whole.tickets);
});

test('property: random bytes never throw and never fault the decoder', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 30 }), (chunks) => {
      const fake = new FakePrinter();
      fake.setSink(() => {});
      for (const c of chunks) fake.receive(c);
      assert.equal(fake.decodeFaults, 0);
    }),
    { numRuns: 500 },
  );
});

test('property: command-shaped noise (prefix bytes, huge lengths) never throws', () => {
  const prefix = fc.constantFrom(0x1b, 0x1c, 0x1d, 0x10, 0x0a, 0x81, 0xfe);
  const token = fc.oneof(prefix.map((p) => [p]), fc.uint8Array({ maxLength: 6 }).map((a) => [...a]));
  fc.assert(
    fc.property(fc.array(token, { maxLength: 80 }), fc.nat({ max: 7 }), (tokens, chunk) => {
      const bytes = Uint8Array.from(tokens.flat());
      const fake = new FakePrinter();
      for (let i = 0; i < bytes.length; i += chunk + 1) fake.receive(bytes.subarray(i, i + chunk + 1));
      assert.equal(fake.decodeFaults, 0);
    }),
    { numRuns: 500 },
  );
});

test('property: after a truncated ticket the decoder resynchronises on the following ones', () => {
  const doc = renderTicket(sampleTicket());
  fc.assert(
    fc.property(fc.nat({ max: doc.length - 1 }), (cut) => {
      const fake = new FakePrinter();
      fake.receive(doc.subarray(0, cut));
      // A cut inside a length field can make the printer (real or fake) take the next bytes as
      // that command's data, up to 64 KiB; after that, tickets come out whole again.
      for (let i = 0; i < 120 && fake.tickets.length === 0; i++) fake.receive(doc);
      fake.receive(doc);
      const last = fake.tickets.at(-1);
      assert.ok(last);
      assert.deepEqual(last.qrCodes, [sampleTicket().qrUrl]);
      assert.equal(fake.decodeFaults, 0);
    }),
    { numRuns: 200 },
  );
});

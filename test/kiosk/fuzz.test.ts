/**
 * Random input on the kiosk's paths never crashes the service: bytes from the printer's and
 * the ID reader's device ends into their drivers, and random bodies on the card and ticket
 * endpoints. Afterwards the service still answers, still prints, and answered every bad request
 * with a 4xx in the product's error shape.
 */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { deviceState, waitUntil } from './support.js';

let b: TestBranch;

beforeAll(async () => {
  b = await startTestBranch();
  await waitUntil(async () => (await deviceState(b, 'printer')) === 'online', 'printer online');
});

afterAll(async () => {
  await b.close();
});

test('random bytes from the printer and the ID reader into the service leave it working', async () => {
  const printer = b.app.kiosk.printer.sim!;
  const idReader = b.app.kiosk.cards.readers.find((r) => r.sim)!.sim!;
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), async (toPrinter, toReader) => {
      await printer.cable.device.write(toPrinter);
      await idReader.cable.device.write(toReader);
      const h = await b.api('GET', '/api/health');
      assert.equal(h.status, 200);
    }),
    { numRuns: 60 },
  );
  // The driver recovers: a ticket prints (the printer may need a poll or two to settle).
  await waitUntil(async () => (await deviceState(b, 'printer')) === 'online', 'printer online again');
  const r = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A', print: true } });
  assert.equal(r.status, 201);
  assert.equal(r.body.print.status, 'printed');
});

const jsonValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.stringMatching(/^\d{0,25}$/));

test('random bodies on /api/kiosk/identity and /api/tickets get a clear 4xx, never a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(fc.constantFrom('pan', 'identityToken', 'print', 'serviceCode', 'segment', 'x'), jsonValue, { maxKeys: 4 }),
      fc.constantFrom('/api/kiosk/identity', '/api/tickets'),
      async (body, path) => {
        const r = await b.api('POST', path, { body });
        assert.ok(r.status < 500, `${path} ${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
        if (r.status >= 400) assert.equal(typeof r.body.error.code, 'string');
      },
    ),
    { numRuns: 150 },
  );
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 200 }), async (raw) => {
      const r = await b.api('POST', '/api/kiosk/identity', { body: raw, headers: { 'content-type': 'application/json' } });
      assert.ok(r.status < 500, `${JSON.stringify(raw)} → ${r.status}`);
    }),
    { numRuns: 60 },
  );
  assert.equal((await b.api('GET', '/api/health')).status, 200);
});

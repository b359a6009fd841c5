/**
 * The event-batch body parser: it gives exactly what JSON.parse gives for the uploader's body
 * shape, however the events array is cut into pieces, and never accepts a body JSON.parse
 * refuses or a poisoned one; anything else is left to fastify's whole-body parser.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { parseBatchBody } from '../../hq/http/batch-body.js';
import { queueEvents } from '../support/hq-events.js';

const bodyOf = (events: unknown[], stream = 'queue') => Buffer.from(JSON.stringify({ stream, events }));

it('parses an uploader batch in pieces to exactly what JSON.parse gives', () => {
  const events = queueEvents('b-1', 1, 400);
  (events[1]!.data as { reason: { text: string } }).reason.text = '叫号 "A001", 窗口 [1] {x}\nline \\ two, 😀';
  const body = bodyOf(events);
  expect(body.length).toBeGreaterThan(200_000);
  // Default pieces (48 KB) and pieces cut at every comma between events.
  for (const size of [undefined, 1]) expect(parseBatchBody(body, size)).toEqual(JSON.parse(body.toString('utf8')));
});

it('agrees with JSON.parse on any events array, whatever the piece size', () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue(), { maxLength: 20 }), fc.integer({ min: 1, max: 200 }), (events, size) => {
      const body = bodyOf(events);
      expect(parseBatchBody(body, size)).toEqual(JSON.parse(body.toString('utf8')));
    }),
  );
});

it('never accepts a body that JSON.parse refuses, nor one with another meaning', () => {
  const valid = bodyOf(queueEvents('b-1', 1, 3));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 40 }), (at, byte, size) => {
      const body = Buffer.from(valid);
      body[at] = byte;
      const got = parseBatchBody(body, size);
      if (got === undefined) return;
      // Whatever it accepts, JSON.parse accepts too and reads the same way.
      expect(got).toEqual(JSON.parse(body.toString('utf8')));
    }),
    { numRuns: 2000 },
  );
  for (const text of ['{"stream":"queue","events":[{"a":1},]}', '{"stream":"queue","events":[{"a":"x]}', '{"stream":"queue","events":[1]]}', '{"stream":"queue","events":[}]}']) {
    expect(parseBatchBody(Buffer.from(text), 1)).toBeUndefined();
  }
});

it('leaves other shapes and poisoned objects to the whole-body parser', () => {
  expect(parseBatchBody(Buffer.from('{"events":[],"stream":"queue"}'))).toBeUndefined();
  expect(parseBatchBody(Buffer.from('{ "stream": "queue", "events": [] }'))).toBeUndefined();
  expect(parseBatchBody(Buffer.from('{"stream":"Queue\\"x","events":[]}'))).toBeUndefined();
  expect(parseBatchBody(Buffer.from('{"stream":"queue","events":[{"__proto__":{"admin":true}}]}'))).toBeUndefined();
  expect(parseBatchBody(Buffer.from('{"stream":"queue","events":[{"constructor":{"prototype":{"admin":true}}}]}'))).toBeUndefined();
  expect(parseBatchBody(Buffer.from('{"stream":"queue","events":[]}'))).toEqual({ stream: 'queue', events: [] });
});

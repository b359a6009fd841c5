/**
 * A checked batch encoded for head office's COPY: the rows are exactly the COPY text of each
 * event's fields, any part of the batch from a sequence on can be written alone, an event is
 * read back from its row as it was (for replays), and each ticket is offered once, in the state
 * of the last event that carried it.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { encodeBatch, eventAt, releaseBatch, rowsFrom } from '../../hq/storage/event-rows.js';
import { copyRow } from '../../hq/storage/sql.js';
import { deviceEvents, queueEvents } from '../support/hq-events.js';

const rowOf = (branch: string, e: ReturnType<typeof queueEvents>[number]) => copyRow([branch, e.stream, e.seq, e.type, e.v, e.at, JSON.stringify(e.data)]);

it('encodes every event as its COPY row, and reads any event back as it was, whatever its text', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'grapheme-composite' }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 1000 }), (texts, from) => {
      const events = queueEvents('分行-1\t"x"', from, texts.length);
      texts.forEach((t, i) => {
        (events[i]!.data as { note?: string }).note = `${t}\\\t\n\r${t}`;
      });
      const batch = encodeBatch('分行-1\t"x"', 'queue', events);
      expect(batch.rows.toString('utf8')).toBe(events.map((e) => rowOf('分行-1\t"x"', e)).join(''));
      expect([batch.first, batch.last]).toEqual([from, from + texts.length - 1]);
      for (const e of events) {
        expect(eventAt(batch, e.seq)).toEqual({ seq: e.seq, type: e.type, at: e.at, data: e.data });
        expect(rowsFrom(batch, e.seq).toString('utf8')).toBe(events.filter((x) => x.seq >= e.seq).map((x) => rowOf('分行-1\t"x"', x)).join(''));
      }
    }),
    { numRuns: 60 },
  );
});

it('grows past its first guess of the rows\u2019 size', () => {
  const events = queueEvents('b-1', 1, 3);
  (events[1]!.data as { reason: { text: string } }).reason.text = '叫'.repeat(5000);
  const batch = encodeBatch('b-1', 'queue', events);
  expect(batch.rows.toString('utf8')).toBe(events.map((e) => rowOf('b-1', e)).join(''));
  expect(eventAt(batch, 2).data).toEqual(events[1]!.data);
});

it('offers each ticket once, in the state of the last event that carried it', () => {
  // Tickets of three events each (issued, called, done); the batch ends after the fifth.
  const events = queueEvents('b-1', 1, 5);
  const rows = JSON.parse(encodeBatch('b-1', 'queue', events).tickets!) as { id: string; status: string; seq: number; called_at: number | null }[];
  const id = (k: number) => (events[k]!.data as { ticket: { id: string } }).ticket.id;
  expect(rows.map((r) => [r.id, r.status, r.seq])).toEqual([
    [id(0), 'done', 3],
    [id(3), 'called', 5],
  ]);
  expect(encodeBatch('b-1', 'device', deviceEvents('b-1', 1, 3)).tickets).toBeUndefined();
});

it('reuses a stored batch\u2019s buffer only once it is released, never one still being written', () => {
  const first = queueEvents('b-1', 1, 400);
  const a = encodeBatch('b-1', 'queue', first);
  const aText = a.rows.toString('utf8');
  // Encoded while `a` is still in flight: its own buffer, `a` untouched.
  const b = encodeBatch('b-1', 'queue', queueEvents('b-1', 401, 400));
  const bText = b.rows.toString('utf8');
  expect(b.rows.buffer).not.toBe(a.rows.buffer);
  expect(a.rows.toString('utf8')).toBe(aText);
  releaseBatch(a);
  const next = queueEvents('b-1', 801, 400);
  const c = encodeBatch('b-1', 'queue', next);
  expect(c.rows.buffer).toBe(a.rows.buffer);
  expect(c.rows.toString('utf8')).toBe(next.map((e) => rowOf('b-1', e)).join(''));
  expect(b.rows.toString('utf8')).toBe(bText);
});

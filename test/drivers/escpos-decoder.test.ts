/**
 * The fake printer's three parts on their own: the pure ESC/POS decoder (bytes → paper items,
 * cuts, status requests), the paper model, and the status replies, encoded beside the driver's
 * decoder so the two agree.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeTickets, EscPosDecoder, type EscPosEvent } from '../../drivers/printer/escpos-decoder.js';
import { statusRequest, asbEnable } from '../../drivers/printer/escpos.js';
import { decodeAsb, decodeRealtime, encodeAsb, encodeRealtime, type PrinterCondition } from '../../drivers/printer/status.js';
import { renderTicket } from '../../drivers/printer/ticket-layout.js';
import { PaperRoll } from '../../drivers/sim/paper-roll.js';
import { sampleTicket } from './wait.js';

describe('ESC/POS decoder (pure)', () => {
  it('reads a rendered ticket back: text, sizes, alignment, QR and the cut', () => {
    const [ticket, ...more] = decodeTickets(renderTicket(sampleTicket()));
    assert.equal(more.length, 0);
    assert.ok(ticket);
    assert.equal(ticket.cut, 'partial');
    const number = ticket.lines.find((l) => l.text === 'A023')!;
    assert.deepEqual([number.width, number.height, number.bold, number.align], [4, 4, true, 'center']);
    assert.equal(ticket.lines[0]!.text, '示例银行 西单支行');
    assert.ok(ticket.lines.some((l) => l.text === '前面还有 5 人 / 5 people ahead'));
    assert.deepEqual(ticket.qrCodes, ['https://q.example/t/A023?b=101']);
    const qr = ticket.items.find((i) => i.type === 'qr');
    assert.deepEqual(qr && qr.type === 'qr' ? [qr.moduleSize, qr.errorLevel, qr.model, qr.align] : [], [6, 'M', 2, 'center']);
  });

  it('reports real-time commands in stream order, between paper items', () => {
    const bytes = Buffer.concat([Buffer.from('AB\n'), statusRequest(4), asbEnable(true), Buffer.from('C\n'), Buffer.of(0x1d, 0x56, 0x00)]);
    const events = new EscPosDecoder().feed(bytes);
    assert.deepEqual(
      events.map((e) => (e.type === 'text' ? `text:${e.text}` : e.type === 'status_request' ? `status:${e.n}` : e.type === 'asb' ? `asb:${e.mask}` : e.type)),
      ['text:AB', 'status:4', 'asb:14', 'text:C', 'cut'],
    );
  });

  it('property: the events do not depend on how the bytes are chunked', () => {
    const doc = Buffer.concat([renderTicket(sampleTicket()), statusRequest(1), renderTicket(sampleTicket({ number: 'B002' }))]);
    const whole = new EscPosDecoder().feed(doc);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: doc.length }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const decoder = new EscPosDecoder();
        const events: EscPosEvent[] = [];
        let from = 0;
        for (const p of [...points, doc.length]) {
          events.push(...decoder.feed(doc.subarray(from, p)));
          from = p;
        }
        assert.deepEqual(events, whole);
        assert.equal(decoder.stats.faults, 0);
      }),
      { numRuns: 200 },
    );
  });

  it('a declared length no real command has is skipped as garbage, and decoding goes on', () => {
    const garbage = Buffer.of(0x1d, 0x28, 0x6b, 0xff, 0xff); // GS ( k with a 64 KiB length
    const decoder = new EscPosDecoder({ maxCommandBytes: 1000 });
    const events = decoder.feed(Buffer.concat([garbage, Buffer.from('OK\n')]));
    assert.ok(events.some((e) => e.type === 'text' && e.text.endsWith('OK')));
    assert.equal(decoder.stats.drops['command length out of range']?.count, 1);
  });
});

describe('paper model', () => {
  it('prints while the paper path is clear; paper out loses the data and the cut tears it off', () => {
    const paper = new PaperRoll();
    const events = new EscPosDecoder().feed(renderTicket(sampleTicket()));
    paper.condition = { ...paper.condition, paperEnd: true };
    for (const e of events) assert.equal(paper.take(e), undefined);
    assert.equal(paper.tickets.length, 0);
    paper.condition = { ...paper.condition, paperEnd: false, paperNearEnd: true }; // near end still prints
    const done = events.map((e) => paper.take(e)).filter(Boolean);
    assert.equal(done.length, 1);
    assert.equal(paper.tickets.length, 1);
    assert.deepEqual(paper.tickets[0]!.qrCodes, ['https://q.example/t/A023?b=101']);
  });
});

describe('printer status replies (both ends in printer/status.ts)', () => {
  const condition = fc.record({
    reportsOffline: fc.boolean(),
    coverOpen: fc.boolean(),
    paperEnd: fc.boolean(),
    paperNearEnd: fc.boolean(),
    cutterError: fc.boolean(),
    unrecoverableError: fc.boolean(),
    autoRecoverableError: fc.boolean(),
  });

  it('property: what the printer encodes, the driver decodes to the same condition', () => {
    fc.assert(
      fc.property(condition, (c: PrinterCondition) => {
        const decoded: PrinterCondition = {};
        for (const n of [1, 2, 3, 4] as const) Object.assign(decoded, decodeRealtime(n, encodeRealtime(n, c)));
        // DLE EOT 4 reports paper end on the near-end sensor pair too: near end is "low or out".
        assert.deepEqual(decoded, { ...c, paperNearEnd: c.paperNearEnd || c.paperEnd });
        const [b1, b2, b3] = encodeAsb(c);
        assert.deepEqual(decodeAsb(b1!, b2!, b3!), { ...c, paperNearEnd: c.paperNearEnd || c.paperEnd });
      }),
    );
  });
});

import { test } from 'vitest';
import assert from 'node:assert/strict';
import { EscPosBuilder, encodeText, qrCommands, statusRequest, asbEnable } from '../../drivers/printer/escpos.js';
import { renderTicket } from '../../drivers/printer/ticket-layout.js';
import { FakePrinter } from '../../drivers/sim/fake-printer.js';
import { ticketText } from '../../drivers/printer/escpos-decoder.js';
import { sampleTicket } from './wait.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('Chinese text encodes as two-byte GB18030', () => {
  assert.equal(hex(encodeText('中').bytes), 'd6d0');
  assert.equal(hex(encodeText('号').bytes), 'bac5');
  assert.equal(hex(encodeText('A1').bytes), '4131');
  assert.equal(encodeText('中A').multiByte, true);
  assert.equal(encodeText('abc').multiByte, false);
});

test('four-byte GB18030 characters are replaced', () => {
  const yen = encodeText('¥5');
  assert.equal(hex(yen.bytes), 'a3a4' + '35'); // ¥ → ￥ (A3A4)
  assert.deepEqual(yen.replaced, ['¥']);
  const emoji = encodeText('好😀');
  assert.equal(hex(emoji.bytes), 'bac3' + '3f');
  assert.deepEqual(emoji.replaced, ['😀']);
  // Emoji with a variation selector and a ZWJ sequence still leave one '?' per pictograph.
  assert.equal(encodeText('❤️').bytes.toString('latin1').replace(/[^?]/g, '').length <= 1, true);
  for (const ch of ['•', '✓', '𠀀', '🏦']) {
    const e = encodeText(ch);
    assert.ok(e.bytes.length <= 2, `${ch} must fit two bytes, got ${hex(e.bytes)}`);
  }
});

test('control characters in text cannot inject commands', () => {
  assert.equal(hex(encodeText('a\x1bd\x05\x10\x04b').bytes), '616462');
});

test('QR command has model, size, error level, store and print with correct lengths', () => {
  const data = 'https://q.example/t/A023';
  const b = qrCommands(data, { size: 7, errorLevel: 'Q' });
  assert.equal(hex(b.subarray(0, 9)), '1d286b0400314132' + '00');
  assert.equal(hex(b.subarray(9, 17)), '1d286b0300314307');
  assert.equal(hex(b.subarray(17, 25)), '1d286b0300314532');
  const k = data.length + 3;
  assert.equal(hex(b.subarray(25, 33)), '1d286b' + (k & 0xff).toString(16).padStart(2, '0') + '00' + '315030');
  assert.equal(b.subarray(33, 33 + data.length).toString(), data);
  assert.equal(hex(b.subarray(33 + data.length)), '1d286b0300315130');
  assert.equal(b.length, 33 + data.length + 8);
  // A payload over 255 bytes uses pH.
  const long = qrCommands('x'.repeat(300));
  assert.equal(long[28], (303 & 0xff));
  assert.equal(long[29], 1);
  assert.throws(() => qrCommands(''), { code: 'QR_PAYLOAD_SIZE' });
});

test('builder: init, align, bold, size, Chinese mode enter and leave, feed, cut', () => {
  const b = new EscPosBuilder().init().line('中', { align: 'center', bold: true, width: 2, height: 3 }).line('A', {}).feed(2).cut({ partial: true });
  assert.equal(hex(b.bytes()), '1b40' + '1b6101' + '1b4501' + '1d2112' + '1c26d6d0' + '0a' + '1b6100' + '1b4500' + '1d2100' + '1c2e41' + '0a' + '1b6402' + '1d564200');
});

test('status request and ASB commands', () => {
  assert.equal(hex(statusRequest(4)), '100404');
  assert.equal(hex(asbEnable()), '1d610e');
  assert.equal(hex(asbEnable(false)), '1d6100');
});

test('ticket template renders a bilingual ticket the fake printer reads back', () => {
  const fake = new FakePrinter();
  fake.receive(renderTicket(sampleTicket({ notice: '手续费 ¥0 🎉' })));
  assert.equal(fake.tickets.length, 1);
  const t = fake.tickets[0]!;
  const text = ticketText(t);
  assert.match(text, /示例银行 西单支行/);
  assert.match(text, /前面还有 5 人/);
  assert.match(text, /预计等候 10–15 分钟/);
  assert.match(text, /手续费 ￥0 \?/);
  const num = t.lines.find((l) => l.text === 'A023');
  assert.ok(num);
  assert.equal(num.width, 4);
  assert.equal(num.align, 'center');
  assert.deepEqual(t.qrCodes, ['https://q.example/t/A023?b=101']);
  assert.equal(t.cut, 'partial');
});

test('template options: English only, custom blocks, no estimate, full cut', () => {
  const fake = new FakePrinter();
  fake.receive(
    renderTicket(sampleTicket({ waitRange: null, footer: 'Thank you' }), {
      bilingual: 'en',
      cut: 'full',
      blocks: [{ kind: 'number', width: 3, height: 3 }, { kind: 'service' }, { kind: 'wait' }, { kind: 'text', text: 'Hello', bold: true }, { kind: 'footer' }],
    }),
  );
  const t = fake.tickets[0]!;
  assert.deepEqual(
    t.lines.map((l) => l.text),
    ['A023', 'Personal cash', 'Please listen for your number', 'Hello', 'Thank you'],
  );
  assert.equal(t.lines[3]!.bold, true);
  assert.equal(t.cut, 'full');
  assert.deepEqual(t.qrCodes, []);
});

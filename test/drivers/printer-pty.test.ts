/**
 * The printer driver over a real serial link: a socat pty pair, the product end opened by
 * SerialTransport, the FakePrinter on the device end. Short poll intervals keep it quick; every
 * check waits for a condition with a generous limit rather than for a fixed time.
 */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import { createPtyPair, type PtyPair } from '../support/pty.js';
import { SerialTransport } from '../../drivers/transport/serial-transport.js';
import { Printer } from '../../drivers/printer/printer.js';
import { renderTicket } from '../../drivers/printer/ticket-layout.js';
import { runFakePrinterOnPath, type RunningFakePrinter } from '../../drivers/sim/run-fake-printer.js';
import { isDomainError } from '../../common/errors.js';
import type { DeviceState } from '../../drivers/device.js';
import { sampleTicket, waitFor } from './wait.js';

let pair: PtyPair;
let device: RunningFakePrinter;
let printer: Printer;
const seen: DeviceState[] = [];
const seenFull: string[] = [];

const state = () => printer.status().state;
const waitState = (s: DeviceState) => waitFor(() => state() === s, `printer state ${s} (now ${state()})`);

async function rejectsPrintFailed(p: Promise<void>, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isDomainError(e), 'DomainError expected');
    assert.equal(e.code, 'PRINT_FAILED');
    assert.match(e.message, message);
    return true;
  });
}

beforeAll(async () => {
  pair = await createPtyPair();
  device = runFakePrinterOnPath(pair.devicePath);
  await waitFor(() => device.transport.state === 'open', 'fake printer port open');
  const transport = new SerialTransport({ path: pair.productPath, baudRate: 115200 });
  printer = new Printer(transport, { pollIntervalMs: 40, answerTimeoutMs: 300, offlineAfterMs: 600, jobAnswerTimeoutMs: 1000 });
  printer.onStatus((s) => {
    seen.push(s.state);
    seenFull.push(`${s.state}|${s.detail ?? ''}`);
  });
  printer.start();
  await waitState('online');
});

afterAll(async () => {
  await printer.stop();
  await device.close();
  await pair.close();
});

test('prints a ticket that reads back as Chinese text, sizes, QR and a cut', async () => {
  const before = device.fake.tickets.length;
  await printer.print(renderTicket(sampleTicket({ notice: '今日 16:30 停止取号 ¥ 🏦' })));
  await waitFor(() => device.fake.tickets.length === before + 1, 'ticket on paper');
  const t = device.fake.tickets.at(-1)!;
  const texts = t.lines.map((l) => l.text);
  assert.equal(texts[0], '示例银行 西单支行');
  assert.equal(t.lines[0]!.bold, true);
  const num = t.lines.find((l) => l.text === 'A023')!;
  assert.deepEqual([num.width, num.height, num.bold, num.align], [4, 4, true, 'center']);
  const service = t.lines.find((l) => l.text === '个人现金业务')!;
  assert.equal(service.height, 2);
  assert.ok(texts.includes('Personal cash'));
  assert.ok(texts.includes('前面还有 5 人 / 5 people ahead'));
  assert.ok(texts.includes('今日 16:30 停止取号 ￥ ?'));
  assert.ok(texts.some((s) => s.includes('2024-05-01 09:12')));
  assert.deepEqual(t.qrCodes, ['https://q.example/t/A023?b=101']);
  assert.equal(t.cut, 'partial');
});

test('two concurrent prints never interleave', async () => {
  const before = device.fake.tickets.length;
  const long = Array.from({ length: 40 }, (_, i) => ({ kind: 'text' as const, text: `第 ${i} 行 line ${i}` }));
  const doc = (n: string) => renderTicket(sampleTicket({ number: n, qrUrl: `https://q.example/t/${n}` }), { blocks: [{ kind: 'number' }, ...long, { kind: 'qr' }] });
  await Promise.all([printer.print(doc('B001')), printer.print(doc('B002')), printer.print(doc('B003'))]);
  await waitFor(() => device.fake.tickets.length === before + 3, 'three tickets');
  const tickets = device.fake.tickets.slice(before);
  assert.deepEqual(tickets.map((t) => t.lines[0]!.text), ['B001', 'B002', 'B003']);
  for (const t of tickets) {
    assert.deepEqual(t.lines.slice(1, 41).map((l) => l.text), long.map((l) => l.text));
    assert.deepEqual(t.qrCodes, [`https://q.example/t/${t.lines[0]!.text}`]);
  }
});

test('paper near end is a warning: printing still succeeds', async () => {
  device.fake.setPaperNearEnd(true);
  await waitState('paper_near_end');
  assert.match(printer.status().detail ?? '', /paper low/);
  await printer.print(renderTicket(sampleTicket()));
  device.fake.setPaperNearEnd(false);
  await waitState('online');
});

test('paper end: state changes and print rejects with an actionable PRINT_FAILED', async () => {
  device.fake.setPaperEnd(true);
  await waitState('paper_end');
  await rejectsPrintFailed(printer.print(renderTicket(sampleTicket())), /out of paper/);
  device.fake.setPaperEnd(false);
  await waitState('online');
  await printer.print(renderTicket(sampleTicket()));
});

test('paper running out during the job rejects the job', async () => {
  const before = device.fake.tickets.length;
  const onTicket = () => device.fake.setPaperEnd(true); // the roll ends as this ticket is cut
  device.fake.once('ticket', onTicket);
  await rejectsPrintFailed(printer.print(renderTicket(sampleTicket())), /out of paper/);
  assert.equal(device.fake.tickets.length, before + 1);
  device.fake.setPaperEnd(false);
  await waitState('online');
});

test('cover open and cutter error are reported and block printing', async () => {
  device.fake.setCoverOpen(true);
  await waitState('cover_open');
  await rejectsPrintFailed(printer.print(renderTicket(sampleTicket())), /cover is open/);
  device.fake.setCoverOpen(false);
  await waitState('online');
  device.fake.setCutterError(true);
  await waitState('cutter_error');
  await rejectsPrintFailed(printer.print(renderTicket(sampleTicket())), /cutter/);
  device.fake.setCutterError(false);
  await waitState('online');
});

test('a printer that stops answering goes offline, and comes back', async () => {
  device.fake.setAnswering(false);
  await waitState('offline');
  assert.match(printer.status().detail ?? '', /answering/);
  await rejectsPrintFailed(printer.print(renderTicket(sampleTicket())), /answer/);
  device.fake.setAnswering(true);
  await waitState('online');
});

test('unplug: offline, print rejects; plug in: reconnects and prints again', async () => {
  await pair.unplug();
  await waitState('offline');
  assert.match(printer.status().detail ?? '', /disconnected/);
  await rejectsPrintFailed(printer.print(renderTicket(sampleTicket())), /not connected|disconnected/);
  await pair.plugIn();
  await waitState('online');
  const before = device.fake.tickets.length;
  await printer.print(renderTicket(sampleTicket({ number: 'C100' })));
  await waitFor(() => device.fake.tickets.length === before + 1, 'ticket after replug');
  assert.ok(device.fake.tickets.at(-1)!.lines.some((l) => l.text === 'C100'));
});

test('unplug in the middle of a job rejects it', async () => {
  // The fake takes the ticket but holds back its status answer; the cable is pulled meanwhile.
  device.fake.setAnswering(false);
  const before = device.fake.tickets.length;
  const job = printer.print(renderTicket(sampleTicket()));
  const settled = job.catch((e: unknown) => e);
  await waitFor(() => device.fake.tickets.length === before + 1, 'bytes reached the printer');
  await pair.unplug();
  await rejectsPrintFailed(job, /disconnected/);
  await settled;
  device.fake.setAnswering(true);
  await pair.plugIn();
  await waitState('online');
});

test('status changes were reported as events, not on every poll', () => {
  for (const s of ['online', 'paper_near_end', 'paper_end', 'cover_open', 'cutter_error', 'offline'] as DeviceState[]) {
    assert.ok(seen.includes(s), `saw ${s}`);
  }
  for (let i = 1; i < seenFull.length; i++) assert.notEqual(seenFull[i], seenFull[i - 1], 'no repeated status in a row');
});

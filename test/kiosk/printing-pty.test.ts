/**
 * Ticket printing through the service over a real serial line: a socat pty pair, the product's
 * serial transport on one end and the fake ESC/POS printer decoding the bytes on the other.
 */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import { ticketText } from '../../drivers/printer/escpos-decoder.js';
import { runFakePrinterOnPath, type RunningFakePrinter } from '../../drivers/sim/run-fake-printer.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { createPtyPair, type PtyPair } from '../support/pty.js';
import { collectEvents, deviceState, waitUntil, type Collected } from './support.js';

let pty: PtyPair;
let device: RunningFakePrinter;
let b: TestBranch;
let stream: Collected;

beforeAll(async () => {
  pty = await createPtyPair();
  device = runFakePrinterOnPath(pty.devicePath, { baudRate: 115200 });
  b = await startTestBranch({ devices: { printer: `serial://${pty.productPath}?baud=115200` } });
  stream = await collectEvents(b.url);
  await waitUntil(async () => (await deviceState(b, 'printer')) === 'online', 'printer online');
});

afterAll(async () => {
  stream.close();
  await b.close();
  await device.close();
  await pty.close();
});

const issue = (body: Record<string, unknown>) => b.api('POST', '/api/tickets', { body: { serviceCode: 'A', ...body } });

test('POST /api/tickets with print: the printer receives that ticket, decoded from the serial bytes', async () => {
  const before = device.fake.tickets.length;
  const r = await issue({ print: true });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.print, { status: 'printed' });
  for (const k of ['id', 'number', 'serviceCode', 'ahead', 'estimate', 'issuedAt']) assert.ok(k in r.body, `answer keeps ${k}`);
  await waitUntil(() => device.fake.tickets.length > before, 'ticket on paper');
  const paper = device.fake.tickets.at(-1)!;
  const text = ticketText(paper);
  assert.ok(paper.lines.some((l) => l.text === r.body.number && l.width >= 2), `number printed large:\n${text}`);
  assert.match(text, /现金业务/);
  assert.match(text, /演示支行/);
  assert.match(text, new RegExp(`前面还有 ${r.body.ahead} 人`));
  assert.match(text, new RegExp(`${r.body.estimate.minMinutes}–${r.body.estimate.maxMinutes}`));
  assert.equal(paper.qrCodes.length, 1);
  assert.match(paper.qrCodes[0]!, new RegExp(`/t/${r.body.id}$`));
  assert.equal(device.fake.decodeFaults, 0);
});

test('without print the answer has no print field and nothing is printed', async () => {
  const before = device.fake.tickets.length;
  const r = await issue({});
  assert.equal(r.status, 201);
  assert.equal(r.body.print, undefined);
  // A printed ticket after it marks the point by which the first would have been on paper.
  const marker = await issue({ print: true });
  await waitUntil(() => device.fake.tickets.length > before, 'marker printed');
  assert.equal(device.fake.tickets.length, before + 1);
  assert.ok(ticketText(device.fake.tickets.at(-1)!).includes(marker.body.number));
});

test('paper near end is a warning: GET /api/devices and a device.status event show it, printing goes on', async () => {
  device.fake.setPaperNearEnd(true);
  await waitUntil(async () => (await deviceState(b, 'printer')) === 'paper_near_end', 'paper_near_end on /api/devices');
  assert.ok(stream.events.some((e) => e.type === 'device.status' && e.data.device.id === 'printer' && e.data.device.state === 'paper_near_end'));
  const r = await issue({ print: true });
  assert.equal(r.body.print.status, 'printed');
  device.fake.setPaperNearEnd(false);
  await waitUntil(async () => (await deviceState(b, 'printer')) === 'online', 'online again');
});

test('paper out: 201 with print failed, ticket.print_failed recorded, the ticket stays in the queue; a reprint after reloading works', async () => {
  device.fake.setPaperEnd(true);
  const r = await issue({ print: true });
  assert.equal(r.status, 201);
  assert.equal(r.body.print.status, 'failed');
  assert.match(r.body.print.reason, /paper/);
  await waitUntil(() => stream.events.some((e) => e.type === 'ticket.print_failed' && e.data.ticketId === r.body.id), 'print_failed event');
  const failed = stream.events.find((e) => e.type === 'ticket.print_failed' && e.data.ticketId === r.body.id);
  assert.equal(failed.data.number, r.body.number);
  assert.equal(failed.data.deviceId, 'printer');
  assert.ok(stream.events.some((e) => e.type === 'device.status' && e.data.device.state === 'paper_end'));
  assert.equal((await b.api('GET', `/api/tickets/${r.body.id}`)).body.status, 'waiting');

  device.fake.setPaperEnd(false);
  await waitUntil(async () => (await deviceState(b, 'printer')) === 'online', 'online after new roll');
  const lobby = await b.login('L01');
  assert.equal((await b.api('POST', `/api/tickets/${r.body.id}/print`)).status, 401);
  const before = device.fake.tickets.length;
  const re = await b.api('POST', `/api/tickets/${r.body.id}/print`, { token: lobby });
  assert.equal(re.status, 200);
  assert.deepEqual(re.body.print, { status: 'printed' });
  await waitUntil(() => device.fake.tickets.length > before, 'reprint on paper');
  const text = ticketText(device.fake.tickets.at(-1)!);
  assert.match(text, new RegExp(r.body.number));
  assert.match(text, /补打/);
});

test('cover open and a pulled cable fail the print with a reason; the printer comes back by itself', async () => {
  device.fake.setCoverOpen(true);
  const r = await issue({ print: true });
  assert.equal(r.body.print.status, 'failed');
  assert.match(r.body.print.reason, /cover/);
  device.fake.setCoverOpen(false);
  await waitUntil(async () => (await deviceState(b, 'printer')) === 'online', 'online after closing the cover');

  await pty.unplug();
  await waitUntil(async () => (await deviceState(b, 'printer')) === 'offline', 'offline when unplugged');
  const off = await issue({ print: true });
  assert.equal(off.status, 201);
  assert.equal(off.body.print.status, 'failed');
  assert.ok(stream.events.some((e) => e.type === 'ticket.print_failed' && e.data.ticketId === off.body.id));
  await pty.plugIn();
  await waitUntil(async () => (await deviceState(b, 'printer')) === 'online', 'online after plugging in', 15_000);
  const again = await issue({ print: true });
  assert.equal(again.body.print.status, 'printed');
});

test('a retried request (same Idempotency-Key) gets the same ticket and print outcome, and prints once', async () => {
  const headers = { 'idempotency-key': 'kiosk-retry-0001' };
  const first = await b.api('POST', '/api/tickets', { body: { serviceCode: 'B', print: true }, headers });
  const second = await b.api('POST', '/api/tickets', { body: { serviceCode: 'B', print: true }, headers });
  assert.equal(second.body.id, first.body.id);
  assert.deepEqual(second.body.print, first.body.print);
  const marker = await issue({ print: true });
  await waitUntil(() => device.fake.tickets.some((t) => ticketText(t).includes(marker.body.number)), 'marker printed');
  assert.equal(device.fake.tickets.filter((t) => ticketText(t).includes(first.body.number)).length, 1);
});

/**
 * TcpTransport and the printer driver against a network printer faked with net.Server on
 * 127.0.0.1 (port 0), each connection served by a FakePrinter.
 */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { TcpTransport } from '../../drivers/transport/tcp-transport.js';
import { openTransport } from '../../drivers/transport/open-transport.js';
import { parseDeviceUri } from '../../drivers/uri.js';
import { Printer } from '../../drivers/printer/printer.js';
import { renderTicket } from '../../drivers/printer/ticket-layout.js';
import { FakePrinter } from '../../drivers/sim/fake-printer.js';
import { isDomainError } from '../../common/errors.js';
import { sampleTicket, waitFor } from './wait.js';

const fake = new FakePrinter();
const sockets = new Set<Socket>();
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (chunk) => fake.receive(chunk));
    fake.setSink((bytes) => {
      if (!socket.destroyed) socket.write(bytes);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

test('openTransport builds a TCP transport from a tcp:// URI', async () => {
  const t = openTransport(parseDeviceUri(`tcp://127.0.0.1:${port}`));
  assert.ok(t instanceof TcpTransport);
  assert.equal(t.uri, `tcp://127.0.0.1:${port}`);
  assert.throws(() => openTransport(parseDeviceUri('sim')), (e: unknown) => isDomainError(e) && e.code === 'BAD_DEVICE_URI');
  await t.close();
});

test('writes before the connection is open reject with DEVICE_OFFLINE', async () => {
  // A port nobody listens on: take a free one and close it again.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const freePort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const t = new TcpTransport({ host: '127.0.0.1', port: freePort });
  t.open();
  await assert.rejects(t.write(Uint8Array.of(1)), (e: unknown) => isDomainError(e) && e.code === 'DEVICE_OFFLINE');
  assert.equal(t.state, 'connecting');
  await t.close();
  assert.equal(t.state, 'closed');
});

test('printer over TCP: prints, loses the connection, reconnects, prints again', async () => {
  const transport = new TcpTransport({ host: '127.0.0.1', port });
  const printer = new Printer(transport, { pollIntervalMs: 40, answerTimeoutMs: 300, offlineAfterMs: 600 });
  const states: string[] = [];
  transport.on('state', (s) => states.push(s));
  printer.start();
  try {
    await waitFor(() => printer.status().state === 'online', 'online over TCP');
    await printer.print(renderTicket(sampleTicket({ number: 'T001' })));
    await waitFor(() => fake.tickets.length === 1, 'ticket over TCP');
    assert.ok(fake.tickets[0]!.lines.some((l) => l.text === 'T001'));

    for (const s of sockets) s.destroy(); // the printer drops the connection (power cycle)
    await waitFor(() => states.includes('connecting'), 'connection loss noticed');
    await waitFor(() => printer.status().state === 'online' && transport.state === 'open', 'reconnected');
    await printer.print(renderTicket(sampleTicket({ number: 'T002' })));
    await waitFor(() => fake.tickets.length === 2, 'second ticket');
    assert.ok(fake.tickets[1]!.lines.some((l) => l.text === 'T002'));
  } finally {
    await printer.stop();
  }
  assert.equal(transport.state, 'closed');
});

test('a printer whose port never opens is reported offline with the reason', async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const freePort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const printer = new Printer(new TcpTransport({ host: '127.0.0.1', port: freePort }), { pollIntervalMs: 40, offlineAfterMs: 300 });
  printer.start();
  try {
    assert.equal(printer.status().state, 'connecting');
    await waitFor(() => printer.status().state === 'offline', 'offline after offlineAfterMs');
    assert.match(printer.status().detail ?? '', /cannot be opened \(.*ECONNREFUSED/);
    await assert.rejects(printer.print(renderTicket(sampleTicket())), (e: unknown) => isDomainError(e) && e.code === 'PRINT_FAILED');
  } finally {
    await printer.stop();
  }
});

/** SerialTransport on its own over a socat pty: open retries, offline writes, reconnect, drain. */
import { test } from 'vitest';
import { renameSync } from 'node:fs';
import assert from 'node:assert/strict';
import { createPtyPair } from '../support/pty.js';
import { SerialTransport } from '../../drivers/transport/serial-transport.js';
import { openTransport } from '../../drivers/transport/open-transport.js';
import { parseDeviceUri } from '../../drivers/uri.js';
import { isDomainError } from '../../common/errors.js';
import { waitFor } from './wait.js';

const isOffline = (e: unknown) => isDomainError(e) && e.code === 'DEVICE_OFFLINE';

test('keeps retrying a missing port, opens when it appears, reopens after a loss', async () => {
  const pair = await createPtyPair();
  await pair.unplug(); // the port does not exist when the service starts
  const product = openTransport(parseDeviceUri(`serial://${pair.productPath}?baud=115200`));
  assert.ok(product instanceof SerialTransport);
  if (!(product instanceof SerialTransport)) return;
  const states: string[] = [];
  product.on('state', (s, reason) => states.push(`${s}${reason ? `:${reason}` : ''}`));
  product.open();
  const device = new SerialTransport({ path: pair.devicePath, baudRate: 115200 });
  const fromProduct: Buffer[] = [];
  const fromDevice: Buffer[] = [];
  device.on('data', (b) => fromProduct.push(b));
  product.on('data', (b) => fromDevice.push(b));
  device.open();
  try {
    await assert.rejects(product.write(Uint8Array.of(1)), isOffline);
    await waitFor(() => product.lastError !== undefined, 'a failed open attempt');
    assert.equal(product.state, 'connecting');

    await pair.plugIn();
    await waitFor(() => product.state === 'open' && device.state === 'open', 'both ends open after plug in');
    await product.write(Buffer.from('ping'));
    await waitFor(() => Buffer.concat(fromProduct).toString() === 'ping', 'bytes at the device end');
    await device.write(Buffer.from('pong'));
    await waitFor(() => Buffer.concat(fromDevice).toString() === 'pong', 'bytes at the product end');

    await pair.unplug();
    await waitFor(() => product.state === 'connecting', 'loss noticed without writing');
    await assert.rejects(product.write(Uint8Array.of(1)), isOffline);
    await pair.plugIn();
    await waitFor(() => product.state === 'open', 'reopened after replug');
    fromProduct.length = 0;
    await waitFor(() => device.state === 'open', 'device end reopened');
    await product.write(Buffer.from('again'));
    await waitFor(() => Buffer.concat(fromProduct).toString() === 'again', 'bytes after replug');
  } finally {
    await product.close();
    await device.close();
    await pair.close();
  }
  assert.equal(product.state, 'closed');
  await assert.rejects(product.write(Uint8Array.of(1)), isOffline);
});

test('a port whose device node now names another device is reopened, with no hangup to go by', async () => {
  const first = await createPtyPair();
  const second = await createPtyPair();
  const a = new SerialTransport({ path: first.productPath, baudRate: 9600, minDelayMs: 20, maxDelayMs: 100, presenceCheckMs: 50 });
  const oldEnd = new SerialTransport({ path: first.devicePath, baudRate: 9600 });
  const newEnd = new SerialTransport({ path: second.devicePath, baudRate: 9600 });
  const toOld: Buffer[] = [];
  const toNew: Buffer[] = [];
  oldEnd.on('data', (c) => toOld.push(c));
  newEnd.on('data', (c) => toNew.push(c));
  for (const t of [a, oldEnd, newEnd]) t.open();
  try {
    await waitFor(() => a.state === 'open' && oldEnd.state === 'open' && newEnd.state === 'open', 'all open');
    // The old device stays alive (no hangup ever reaches the open port), but the node the
    // product opens by name is now the other device, as after a replug on a new adapter.
    renameSync(second.productPath, first.productPath);
    for (let tries = 0; toNew.length === 0; tries++) {
      assert.ok(tries < 400, 'bytes never reached the device now behind the path');
      await a.write(Buffer.from('x')).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(a.state, 'open');
  } finally {
    for (const t of [a, oldEnd, newEnd]) await t.close();
    await first.close();
    await second.close();
  }
});

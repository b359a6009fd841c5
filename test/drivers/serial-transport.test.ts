/** SerialTransport on its own over a socat pty: open retries, offline writes, reconnect, drain. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPtyPair } from '../support/pty.js';
import { SerialTransport } from '../../src/drivers/transport/serial-transport.js';
import { openTransport } from '../../src/drivers/transport/open-transport.js';
import { parseDeviceUri } from '../../src/drivers/uri.js';
import { isAppError } from '../../src/common/errors.js';
import { waitFor } from './wait.js';

const isOffline = (e: unknown) => isAppError(e) && e.code === 'DEVICE_OFFLINE';

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

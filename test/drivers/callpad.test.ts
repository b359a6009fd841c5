import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createPtyPair, type PtyPair } from '../support/pty.js';
import { CallPadDevice, type CallPadKeyEvent } from '../../drivers/callpad/callpad-device.js';
import { FakeCallPad } from '../../drivers/sim/fake-callpad.js';
import { SerialTransport } from '../../drivers/transport/serial-transport.js';

/** Polls for a condition instead of sleeping; the limit is generous (behaviour, not speed). */
async function waitUntil(check: () => boolean, what: string, limitMs = 8000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const serial = (path: string) => new SerialTransport({ path, baudRate: 9600, minDelayMs: 20, maxDelayMs: 100 });

describe('call pad over a pty', () => {
  let pair: PtyPair;
  let device: CallPadDevice;
  let pad: FakeCallPad;
  const keys: CallPadKeyEvent[] = [];
  const debug: string[] = [];
  const noop = () => {};
  const logger = { debug: (_o: unknown, msg?: string) => debug.push(msg ?? ''), info: noop, warn: noop, error: noop };

  beforeAll(async () => {
    pair = await createPtyPair();
    pad = new FakeCallPad({ transport: serial(pair.devicePath) });
    pad.start();
    // refreshMs: the pad screen is re-sent periodically, which is how it reaches a pad whose end
    // of the line opened after ours (its port open flushes what was sent before)
    device = new CallPadDevice({ id: 'pads', transport: serial(pair.productPath), logger, refreshMs: 200 });
    device.on('key', (e) => keys.push(e));
    device.start();
    await waitUntil(() => device.status().state === 'online' && pad.connected, 'both ends open');
  });

  afterAll(async () => {
    await device.stop();
    await pad.stop();
    await pair.close();
  });

  it('turns a key press into a key event with the pad address and key, and acks it', async () => {
    assert.equal(await pad.press(3, 'next'), true, 'host acked the press');
    await waitUntil(() => keys.length === 1, 'key event');
    assert.deepEqual(keys[0], { address: 3, key: 'next' });
    assert.equal(await pad.press(12, 'no_show'), true);
    await waitUntil(() => keys.length === 2, 'second key event');
    assert.deepEqual(keys[1], { address: 12, key: 'no_show' });
  });

  it('reports a retransmitted press once', async () => {
    keys.length = 0;
    const { bytes } = pad.keyFrame(5, 'recall');
    // A pad that missed the ack sends the same frame (same sequence number) again.
    await pad.sendRaw(bytes);
    await pad.sendRaw(bytes);
    await pad.sendRaw(pad.keyFrame(5, 'complete').bytes);
    await waitUntil(() => keys.length === 2, 'two distinct presses');
    assert.deepEqual(keys, [
      { address: 5, key: 'recall' },
      { address: 5, key: 'complete' },
    ]);
  });

  it('drops garbage and a truncated frame with a debug log, then decodes the next press', async () => {
    keys.length = 0;
    debug.length = 0;
    const { bytes } = pad.keyFrame(4, 'transfer');
    await pad.sendRaw(Buffer.from([0x00, 0xff, 0xa5, 0x04, 0x01, 0x02, 0x09, 0x13, 0x37, 0x5a, 0xa5, 0x04]));
    await pad.sendRaw(bytes);
    await waitUntil(() => keys.length === 1, 'press after garbage');
    assert.deepEqual(keys, [{ address: 4, key: 'transfer' }]);
    assert.ok(debug.includes('bytes dropped on the call-pad line'));
  });

  it('sends the pad screen (called number, waiting count) and the fake decodes it', async () => {
    device.showOnPad({ address: 3, text: 'A017 请', waiting: 12 });
    await waitUntil(() => pad.screens.get(3)?.text === 'A017 请', 'pad screen text');
    assert.equal(pad.screens.get(3)?.waiting, 12);
  });

  it('resends the latest screen after the line comes back', async () => {
    await pair.unplug();
    await waitUntil(() => device.status().state === 'offline', 'offline');
    assert.doesNotThrow(() => device.showOnPad({ address: 3, text: 'A018', waiting: 11 }));
    device.showOnPad({ address: 3, text: 'A019', waiting: 10 });
    await pair.plugIn();
    await waitUntil(() => pad.screens.get(3)?.text === 'A019', 'latest screen after reconnect');
    assert.equal(pad.screens.get(3)?.waiting, 10);
    await waitUntil(() => device.status().state === 'online', 'online');
  });
});

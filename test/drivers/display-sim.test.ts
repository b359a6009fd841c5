import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { openDisplay, parseDisplayTarget } from '../../drivers/display/open-display.js';
import { openCallPad, parseCallPadTarget } from '../../drivers/callpad/open-callpad.js';
import type { CallPadKeyEvent } from '../../drivers/callpad/callpad-device.js';

async function waitUntil(check: () => boolean, what: string, limitMs = 8000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('display and call-pad URIs', () => {
  it('parses protocol, address and the bus key shared by displays on one port', () => {
    const a = parseDisplayTarget('serial:///dev/ttyS1?baud=9600&protocol=framed&address=3');
    const b = parseDisplayTarget('serial:///dev/ttyS1?baud=9600&protocol=framed&address=10&addresses=1,2,3,10');
    assert.equal(a.busKey, b.busKey);
    assert.equal(a.address, 3);
    assert.deepEqual(b.addresses, [1, 2, 3, 10]);
    assert.equal(parseDisplayTarget('sim').protocol, 'framed');
    assert.equal(parseCallPadTarget('serial:///dev/ttyS3?address=4').address, 4);
  });

  it('rejects bad URIs with stable codes', () => {
    assert.throws(() => parseDisplayTarget('serial:///dev/ttyS1?protocol=acme'), { code: 'UNKNOWN_DISPLAY_PROTOCOL' });
    assert.throws(() => parseDisplayTarget('serial:///dev/ttyS1?address=0'), { code: 'BAD_DEVICE_URI' });
    assert.throws(() => parseDisplayTarget('hid://0801:0002'), { code: 'BAD_DEVICE_URI' });
    assert.throws(() => parseCallPadTarget('sim?address=999'), { code: 'BAD_DEVICE_URI' });
  });
});

describe('demo mode sims on memory cables', () => {
  it('a sim lobby board shows rows and comes back after its cable is pulled', async () => {
    const { device, sim } = openDisplay('sim://lobby?protocol=framed&address=10', { id: 'lobby', kind: 'lobby_display', retryIntervalMs: 50 });
    assert.ok(sim);
    sim.fake.start();
    device.start();
    try {
      device.show({ kind: 'board', rows: ['A017 请到3号窗口', 'B005 请到5号窗口'] });
      await waitUntil(() => sim.fake.screens.get(10)?.rows.length === 2, 'board on sim');
      sim.cable.unplug();
      await waitUntil(() => device.status().state === 'offline', 'offline');
      device.show({ kind: 'board', rows: ['A018 请到1号窗口'] });
      sim.cable.plugIn();
      await waitUntil(() => sim.fake.text(10) === 'A018 请到1号窗口', 'latest board after plug-in');
      await waitUntil(() => device.status().state === 'online', 'online');
    } finally {
      await device.stop();
      await sim.fake.stop();
    }
  });

  it('a sim call pad press reaches the service as a key event', async () => {
    const { device, sim } = openCallPad('sim://pads', { id: 'pads' });
    assert.ok(sim);
    const keys: CallPadKeyEvent[] = [];
    device.on('key', (e) => keys.push(e));
    sim.fake.start();
    device.start();
    try {
      await waitUntil(() => device.status().state === 'online' && sim.fake.connected, 'open');
      assert.equal(await sim.fake.press(8, 'pause'), true);
      await waitUntil(() => keys.length === 1, 'key');
      assert.deepEqual(keys, [{ address: 8, key: 'pause' }]);
      device.showOnPad({ address: 8, text: '暂停', waiting: 0 });
      await waitUntil(() => sim.fake.screens.get(8)?.text === '暂停', 'pad screen');
    } finally {
      await device.stop();
      await sim.fake.stop();
    }
  });
});

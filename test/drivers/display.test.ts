import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createPtyPair, type PtyPair } from '../support/pty.js';
import { DisplayDevice } from '../../drivers/display/display-device.js';
import { FakeDisplay } from '../../drivers/sim/fake-display.js';
import type { DeviceState } from '../../drivers/device.js';
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

for (const protocol of ['framed', 'line']) {
  describe(`display over a pty, protocol ${protocol}`, () => {
    let pair: PtyPair;
    let device: DisplayDevice;
    let fake: FakeDisplay;
    const states: DeviceState[] = [];

    beforeAll(async () => {
      pair = await createPtyPair();
      fake = new FakeDisplay({ transport: serial(pair.devicePath), protocol });
      fake.start();
      device = new DisplayDevice({
        id: `display-${protocol}`,
        kind: 'counter_display',
        transport: serial(pair.productPath),
        protocol,
        defaultAddress: 3,
        ackTimeoutMs: 200,
        retryIntervalMs: 200,
        // the line protocol has no acks: a periodic refresh is how it reaches a display that
        // came back after our port did
        heartbeatMs: 200,
      });
      device.onStatus((s) => states.push(s.state));
      device.start();
      await waitUntil(() => device.status().state === 'online' && fake.connected, 'both ends open');
    });

    afterAll(async () => {
      await device.stop();
      await fake.stop();
      await pair.close();
    });

    it('shows Chinese text on the addressed counter display', async () => {
      device.show({ kind: 'counter', address: 3, text: 'A017 请到3号窗口', flash: true });
      await waitUntil(() => fake.text(3) === 'A017 请到3号窗口', 'text on display 3');
      assert.equal(fake.screens.get(3)?.flash, true);
    });

    it('shows the lobby board rows', async () => {
      device.show({ kind: 'board', address: 10, rows: ['A017 → 3号窗口', 'B005 → 5号窗口'] });
      await waitUntil(() => fake.screens.get(10)?.rows.length === 2, 'board rows');
      assert.deepEqual(fake.screens.get(10)?.rows, ['A017 → 3号窗口', 'B005 → 5号窗口']);
    });

    it('coalesces: the newest text per address wins', async () => {
      for (let i = 0; i < 30; i++) device.show({ kind: 'counter', text: `C${String(i).padStart(3, '0')} 请到3号窗口` });
      await waitUntil(() => fake.text(3) === 'C029 请到3号窗口', 'newest text');
    });

    it('survives an unplug: show() returns at once, goes offline, resends the latest after plug-in', async () => {
      await pair.unplug();
      await waitUntil(() => device.status().state === 'offline', 'offline after unplug');
      // show() is synchronous and returns void: nothing for a caller to await on a dead port.
      assert.equal(device.show({ kind: 'counter', text: 'A020 请到3号窗口' }), undefined);
      assert.doesNotThrow(() => device.show({ kind: 'counter', text: 'A021 请到3号窗口' }));
      assert.equal(device.current(3)?.kind, 'counter');
      await pair.plugIn();
      await waitUntil(() => fake.text(3) === 'A021 请到3号窗口', 'latest text after reconnect');
      await waitUntil(() => device.status().state === 'online', 'online again');
      assert.ok(states.includes('offline'));
    });
  });
}

describe('display that stops answering (framed, acks)', () => {
  it('goes offline when acks stop and online when they return', async () => {
    const pair = await createPtyPair();
    const fake = new FakeDisplay({ transport: serial(pair.devicePath), protocol: 'framed' });
    fake.start();
    const device = new DisplayDevice({
      id: 'd',
      transport: serial(pair.productPath),
      protocol: 'framed',
      ackTimeoutMs: 100,
      retries: 1,
      retryIntervalMs: 100,
    });
    device.start();
    try {
      await waitUntil(() => fake.connected, 'fake display end open');
      device.show({ kind: 'counter', address: 1, text: '欢迎光临' });
      await waitUntil(() => fake.text(1) === '欢迎光临', 'first text');
      await waitUntil(() => device.status().state === 'online', 'online');
      fake.setResponding(false);
      device.show({ kind: 'counter', address: 1, text: 'A001 请到1号窗口' });
      await waitUntil(() => device.status().state === 'offline', 'offline when acks stop');
      assert.match(device.status().detail ?? '', /address 1/);
      fake.setResponding(true);
      await waitUntil(() => fake.text(1) === 'A001 请到1号窗口', 'text once answering again');
      await waitUntil(() => device.status().state === 'online', 'online again');
    } finally {
      await device.stop();
      await fake.stop();
      await pair.close();
    }
  });
});

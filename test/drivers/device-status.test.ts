/**
 * The one device status holder every driver uses: change-only notifications, `since`, the link
 * state and the link-down wording, the grace period of a port that never opens. Links are real:
 * a memory cable (the demo lab's) and a serial port on a path that does not exist.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { DeviceStatusHolder, Link } from '../../drivers/device-status.js';
import type { DeviceStatus } from '../../drivers/device.js';
import type { Logger } from '../../drivers/logger.js';
import { createMemoryCable } from '../../drivers/transport/memory-transport.js';
import { SerialTransport } from '../../drivers/transport/serial-transport.js';
import { waitFor } from './wait.js';

function holder(over: { now?: () => Date; openGraceMs?: number; logger?: Logger } = {}) {
  const h = new DeviceStatusHolder({ id: 'd1', kind: 'counter_display', uri: 'sim://bus', noun: 'display bus', ...over });
  const heard: DeviceStatus[] = [];
  h.subscribe((s) => heard.push(s));
  return { h, heard };
}

describe('device status holder', () => {
  it('starts connecting, tells listeners about changes only, and moves `since` only with the state', () => {
    let t = Date.parse('2024-05-01T09:00:00Z');
    const { h, heard } = holder({ now: () => new Date(t) });
    assert.deepEqual(h.get(), { id: 'd1', kind: 'counter_display', uri: 'sim://bus', state: 'connecting', since: '2024-05-01T09:00:00.000Z' });
    t += 1000;
    h.set('online');
    h.set('online'); // a poll that finds the same: nothing to tell
    t += 1000;
    h.set('online', 'all 3 displays answer'); // detail changes: told, but the state did not change
    t += 1000;
    h.set('error', 'no answer from display address 2');
    assert.deepEqual(
      heard.map((s) => [s.state, s.detail, s.since]),
      [
        ['online', undefined, '2024-05-01T09:00:01.000Z'],
        ['online', 'all 3 displays answer', '2024-05-01T09:00:01.000Z'],
        ['error', 'no answer from display address 2', '2024-05-01T09:00:03.000Z'],
      ],
    );
    // Listeners get copies: changing one changes nothing held.
    heard[0]!.state = 'offline';
    assert.equal(h.get().state, 'error');
  });

  it('a listener that throws is logged; the others still hear the change', () => {
    const errors: string[] = [];
    const noop = () => {};
    const { h, heard } = holder({ logger: { debug: noop, info: noop, warn: noop, error: (_o, msg) => errors.push(msg ?? '') } });
    h.subscribe(() => {
      throw new Error('listener bug');
    });
    h.set('online');
    assert.equal(heard.length, 1);
    assert.deepEqual(errors, ['device status listener failed']);
  });

  it('follows a link: connecting → open → lost (offline, with why) → open; the driver judges only while open', async () => {
    const cable = createMemoryCable('sim://bus');
    const { h, heard } = holder();
    const links: Link[] = [];
    let judge = false;
    h.watch(cable.product, (link) => {
      links.push(link);
      // A driver that can judge its device at once sets the status when the link opens.
      if (link === Link.Open && judge) h.set('online');
    });
    assert.equal(h.link, Link.Connecting);
    cable.product.open();
    await waitFor(() => h.link === Link.Open, 'link open');
    // Nobody judged the device: it stays `connecting`, quietly (no event for a detail alone).
    assert.equal(h.get().state, 'connecting');
    assert.equal(heard.length, 0);
    cable.unplug();
    assert.equal(h.link, Link.Lost);
    assert.deepEqual([h.get().state, h.get().detail], ['offline', 'display bus disconnected (unplugged): check its cable and power; reconnecting']);
    // Back, nobody judges: from offline, the holder says what it waits for.
    cable.plugIn();
    assert.deepEqual([h.get().state, h.get().detail], ['connecting', 'waiting for the display bus to answer']);
    cable.unplug();
    judge = true;
    cable.plugIn();
    assert.equal(h.link, Link.Open);
    assert.equal(h.get().state, 'online');
    assert.deepEqual(links, [Link.Open, Link.Lost, Link.Open, Link.Lost, Link.Open]);
    // Offline → online directly when the driver judges on open: no "waiting" in between.
    assert.deepEqual(
      heard.map((s) => s.state),
      ['offline', 'connecting', 'offline', 'online'],
    );
    h.stop();
    assert.equal(h.link, Link.Closed);
    assert.deepEqual([h.get().state, h.get().detail], ['offline', 'stopped']);
    cable.unplug(); // no longer followed
    assert.equal(h.get().detail, 'stopped');
    await cable.product.close();
  });

  it('waiting() is told only as a change from another state', () => {
    const { h, heard } = holder();
    h.waiting('waiting for the displays to answer'); // already connecting: quiet
    assert.equal(heard.length, 0);
    h.set('offline', 'no answer from display address 1');
    h.waiting('waiting for the displays to answer');
    assert.deepEqual(
      heard.map((s) => [s.state, s.detail]),
      [
        ['offline', 'no answer from display address 1'],
        ['connecting', 'waiting for the displays to answer'],
      ],
    );
  });

  it('a port that never opens turns offline after the grace period, saying why', async () => {
    const transport = new SerialTransport({ path: '/nonexistent/ttyUSB9', baudRate: 9600, minDelayMs: 20, maxDelayMs: 50 });
    const { h } = holder({ openGraceMs: 150 });
    h.watch(transport);
    transport.open();
    assert.equal(h.get().state, 'connecting');
    try {
      await waitFor(() => h.get().state === 'offline', 'offline after the grace period');
      assert.equal(h.link, Link.Connecting); // still trying
      assert.match(h.get().detail ?? '', /^display bus port cannot be opened \(.*ttyUSB9.*\): check the cable, power and configured port$/);
    } finally {
      h.stop();
      await transport.close();
    }
  });
});

import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { openCardReader } from '../../drivers/cardreader/open-card-reader.js';
import { HidCardReader } from '../../drivers/cardreader/hid-reader.js';
import { SamIdReader } from '../../drivers/cardreader/sam-reader.js';
import { encodeHidMsrReport } from '../../drivers/cardreader/hid-report.js';
import { withLuhnDigit } from '../../drivers/cardreader/track-data.js';
import { FakeIdReader, sampleIdCard } from '../../drivers/sim/fake-id-reader.js';
import { createSegmentLookup, identityFeed, identityHash, type Identity } from '../../identity/index.js';
import { createPtyPair, type PtyPair } from '../support/pty.js';
import { DeviceEnd, FakeHidBackend, waitFor } from './cardreader-support.js';

const KEY = Buffer.alloc(32, 3);

describe('openCardReader', () => {
  it('sim: an ID card placed in the lab becomes a segment, with no number on the way', async () => {
    const opened = openCardReader('sim', { id: 'id-sim', pollIntervalMs: 10 });
    assert.ok(opened.device instanceof SamIdReader);
    assert.equal(opened.device.kind, 'id_reader');
    const card = sampleIdCard();
    const lookup = createSegmentLookup({ vipIdHashes: { [identityHash('id', card.idNumber, KEY)]: 'vip2' } });
    const got: Array<{ identity: Identity; segment: string }> = [];
    identityFeed(opened.reads, KEY, (identity) => got.push({ identity, segment: lookup.segmentOf(identity) }));
    opened.device.start();
    try {
      await waitFor(() => opened.device.status().state === 'online', 'sim reader online');
      opened.sim!.fake.putCard(card);
      await waitFor(() => got.length === 1, 'identity');
      assert.equal(got[0]!.segment, 'vip2');
      assert.equal(JSON.stringify(got).includes(card.idNumber.slice(0, 8)), false);
      opened.sim!.cable.unplug();
      await waitFor(() => opened.device.status().state === 'offline', 'offline when the lab pulls the cable');
      opened.sim!.cable.plugIn();
      await waitFor(() => opened.device.status().state === 'online', 'back online');
    } finally {
      await opened.device.stop();
    }
  });

  it('hid: vendor and product come from the URI', async () => {
    const backend = new FakeHidBackend({ vendorId: 0x0801, productId: 0x0002, path: '/dev/hidraw9' });
    backend.plugIn();
    const opened = openCardReader('hid://0801:0002', { id: 'card-1', hidBackend: backend, pollIntervalMs: 10 });
    assert.ok(opened.device instanceof HidCardReader);
    assert.equal(opened.device.status().uri, 'hid://0801:0002');
    const got: Identity[] = [];
    identityFeed(opened.reads, KEY, (identity) => got.push(identity));
    opened.device.start();
    try {
      await waitFor(() => opened.device.status().state === 'online', 'online');
      backend.current!.report(encodeHidMsrReport({ track2: `;${withLuhnDigit('622588013765432')}=2812?` }));
      await waitFor(() => got.length === 1, 'identity');
      assert.equal(got[0]!.bin, '622588');
    } finally {
      await opened.device.stop();
    }
  });

  it('rejects URIs it cannot serve', () => {
    assert.throws(() => openCardReader('serial:///dev/ttyS2?protocol=escpos', { id: 'x' }), { code: 'BAD_DEVICE_URI' });
    assert.throws(() => openCardReader('tcp://192.0.2.1:9100', { id: 'x' }), { code: 'BAD_DEVICE_URI' });
    assert.throws(() => openCardReader('nonsense', { id: 'x' }), { code: 'BAD_DEVICE_URI' });
  });

  describe('serial over a pty with the product transport', () => {
    let pty: PtyPair;
    beforeAll(async () => {
      pty = await createPtyPair();
    });
    afterAll(async () => {
      await pty.close();
    });

    it('serial://…?protocol=sam reads an ID card', async () => {
      const fake = new FakeIdReader();
      const end = new DeviceEnd(pty.devicePath, (port) => fake.attach(port));
      await end.open();
      const opened = openCardReader(`serial://${pty.productPath}?protocol=sam`, {
        id: 'id-1',
        pollIntervalMs: 20,
        reconnect: { minDelayMs: 20, maxDelayMs: 100 },
      });
      assert.match(opened.device.status().uri, /baud|protocol=sam/);
      const got: Identity[] = [];
      identityFeed(opened.reads, KEY, (identity) => got.push(identity));
      opened.device.start();
      try {
        fake.putCard(sampleIdCard());
        await waitFor(() => got.length === 1, 'identity over the pty');
        assert.equal(got[0]!.kind, 'id');
      } finally {
        await opened.device.stop();
        await end.close();
      }
    });
  });
});

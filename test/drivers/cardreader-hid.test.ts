import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { HidCardReader } from '../../drivers/cardreader/hid-reader.js';
import { encodeHidMsrReport, decodeHidMsrReport } from '../../drivers/cardreader/hid-report.js';
import { loadNodeHidBackend } from '../../drivers/cardreader/hid-device.js';
import type { CardRead } from '../../drivers/cardreader/card-read.js';
import type { DeviceStatus } from '../../drivers/device.js';
import { deriveIdentity, type Identity } from '../../identity/index.js';
import { FakeHidBackend, waitFor } from './cardreader-support.js';

const PAN = '4111111111111111';
const TRACK1 = `%B${PAN}^DOE/JOHN^2812101123400001000000?`;
const TRACK2 = `;${PAN}=28121011234000001?`;
const KEY = Buffer.alloc(32, 7);

function setup(opts: { plugged?: boolean; logLines?: string[] } = {}) {
  const backend = new FakeHidBackend({ vendorId: 0x0801, productId: 0x0002, path: '/dev/hidraw-fake' });
  if (opts.plugged !== false) backend.plugIn();
  const log = (level: string) => (obj: object, msg?: string) => opts.logLines?.push(`${level} ${msg ?? ''} ${JSON.stringify(obj)}`);
  const reader = new HidCardReader({
    id: 'card-1',
    vendorId: 0x0801,
    productId: 0x0002,
    backend,
    pollIntervalMs: 10,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  });
  const identities: Identity[] = [];
  const misreads: string[] = [];
  const statuses: DeviceStatus[] = [];
  // The service's pattern: derive at once, keep only the identity.
  reader.onRead((read: CardRead) => identities.push(deriveIdentity(read, KEY)));
  reader.onMisread((r) => misreads.push(r));
  reader.onStatus((s) => statuses.push(s));
  return { backend, reader, identities, misreads, statuses };
}

describe('HID report decoding', () => {
  it('round-trips tracks through the MagTek-style layout', () => {
    const report = encodeHidMsrReport({ track1: TRACK1, track2: TRACK2 });
    assert.equal(report.length, 337);
    assert.deepEqual(decodeHidMsrReport(report), { wellFormed: true, track1: TRACK1, track2: TRACK2 });
  });

  it('skips tracks the reader flagged as failed and restores a missing start sentinel', () => {
    const report = encodeHidMsrReport({ track1: TRACK1, track2: TRACK2.slice(1), failed: [true, false, false] });
    assert.deepEqual(decodeHidMsrReport(report), { wellFormed: true, track2: TRACK2 });
  });

  it('supports a report ID prefix', () => {
    const layout = { prefix: 1, trackFieldSize: [110, 110, 110] as [number, number, number] };
    const report = encodeHidMsrReport({ track2: TRACK2 }, layout);
    assert.equal(decodeHidMsrReport(report, layout).track2, TRACK2);
  });
});

describe('HID card reader', () => {
  it('turns a swipe report into a card read and then an identity', async () => {
    const logLines: string[] = [];
    const { backend, reader, identities } = setup({ logLines });
    reader.start();
    try {
      await waitFor(() => reader.status().state === 'online', 'reader online');
      backend.current!.report(encodeHidMsrReport({ track1: TRACK1, track2: TRACK2 }));
      await waitFor(() => identities.length === 1, 'identity');
      assert.equal(identities[0]!.kind, 'card');
      assert.equal(identities[0]!.maskedTail, '•••• 1111');
      assert.equal(identities[0]!.bin, '411111');
      assert.equal(logLines.join('\n').includes(PAN.slice(4)), false, 'card number in logs');
    } finally {
      await reader.stop();
    }
  });

  it('survives garbage reports and reports unreadable swipes', async () => {
    const logLines: string[] = [];
    const { backend, reader, identities, misreads } = setup({ logLines });
    reader.start();
    try {
      await waitFor(() => reader.status().state === 'online', 'reader online');
      const dev = backend.current!;
      dev.report(new Uint8Array(0));
      dev.report(Uint8Array.of(1, 2, 3));
      dev.report(new Uint8Array(337).fill(0xff));
      dev.report(encodeHidMsrReport({ track2: ';4111111111111112=2812?' })); // Luhn fails
      dev.report(encodeHidMsrReport({ track1: TRACK1, failed: [true, true, true] }));
      dev.report(encodeHidMsrReport({ track2: TRACK2 }).subarray(0, 130)); // truncated mid-track
      dev.emit('data', 'not even bytes');
      dev.report(encodeHidMsrReport({ track2: TRACK2 }));
      await waitFor(() => identities.length === 1, 'the good swipe after the garbage');
      assert.ok(misreads.includes('luhn'));
      assert.ok(misreads.includes('read_error'));
      assert.equal(reader.status().state, 'online');
      assert.equal(logLines.join('\n').includes('111111112'), false);
    } finally {
      await reader.stop();
    }
  });

  it('goes offline on unplug and comes back on replug', async () => {
    const { backend, reader, identities, statuses } = setup({ plugged: false });
    reader.start();
    try {
      await waitFor(() => reader.status().state === 'offline', 'offline while absent');
      backend.plugIn();
      await waitFor(() => reader.status().state === 'online', 'online after plug-in');
      const first = backend.current!;
      backend.unplug();
      await waitFor(() => reader.status().state === 'offline', 'offline after unplug');
      assert.equal(first.closed, true);
      backend.plugIn();
      await waitFor(() => reader.status().state === 'online', 'online after replug');
      assert.equal(backend.opens, 2);
      backend.current!.report(encodeHidMsrReport({ track2: TRACK2 }));
      await waitFor(() => identities.length === 1, 'swipe after replug');
      // Status listeners hear changes only.
      const states = statuses.map((s) => s.state);
      assert.deepEqual(states, ['offline', 'online', 'offline', 'online']);
    } finally {
      await reader.stop();
    }
  });

  it('reports an open failure (e.g. permissions) as an error and recovers', async () => {
    const { backend, reader } = setup();
    backend.failOpen = true;
    reader.start();
    try {
      await waitFor(() => reader.status().state === 'error', 'error state');
      assert.match(reader.status().detail ?? '', /permission denied/);
      backend.failOpen = false;
      await waitFor(() => reader.status().state === 'online', 'online once it can open');
    } finally {
      await reader.stop();
    }
  });

  it('reports a HID stack that cannot load as an error', async () => {
    const { reader } = (() => {
      const r = new HidCardReader({
        id: 'card-x',
        vendorId: 1,
        productId: 2,
        backend: () => Promise.reject(new Error('no native module')),
        pollIntervalMs: 10,
      });
      return { reader: r };
    })();
    reader.start();
    await waitFor(() => reader.status().state === 'error', 'error state');
    assert.match(reader.status().detail ?? '', /no native module/);
    await reader.stop();
  });

  it('loads the real node-hid backend lazily (or fails with HID_UNAVAILABLE)', async () => {
    try {
      const backend = await loadNodeHidBackend();
      assert.ok(Array.isArray(await backend.devices()));
    } catch (e) {
      assert.equal((e as { code?: string }).code, 'HID_UNAVAILABLE');
    }
  });
});

/**
 * The addressed-bus pump the displays and call pads share, over a real serial link: a socat pty
 * pair, the product end opened by SerialTransport, a FakeDisplay speaking `framed` (answers
 * every frame) on the device end. Request ids, answer timeouts and retries, newer content
 * superseding older, resend after the port comes back, and garbage counted and reported.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { RequestEvent } from '../../drivers/bus/addressed-bus.js';
import { DisplayDevice } from '../../drivers/display/display-device.js';
import { FakeDisplay } from '../../drivers/sim/fake-display.js';
import { SerialTransport } from '../../drivers/transport/serial-transport.js';
import { createPtyPair, type PtyPair } from '../support/pty.js';
import { waitFor } from './wait.js';

const serial = (path: string) => new SerialTransport({ path, baudRate: 9600, minDelayMs: 20, maxDelayMs: 100 });

describe('addressed-bus pump over a pty', () => {
  let pair: PtyPair;
  let fake: FakeDisplay;
  let device: DisplayDevice;
  const events: RequestEvent[] = [];
  const warnings: string[] = [];
  const debug: string[] = [];
  const noop = () => {};
  const logger = { debug: (_o: unknown, m?: string) => debug.push(m ?? ''), info: noop, warn: (_o: unknown, m?: string) => warnings.push(m ?? ''), error: noop };
  const of = (address: number) => events.filter((e) => e.address === address);

  beforeAll(async () => {
    pair = await createPtyPair();
    fake = new FakeDisplay({ transport: serial(pair.devicePath), protocol: 'framed' });
    fake.start();
    device = new DisplayDevice({
      id: 'bus',
      transport: serial(pair.productPath),
      protocol: 'framed',
      ackTimeoutMs: 80,
      retries: 2,
      retryIntervalMs: 150,
      heartbeatMs: 0,
      logger,
    });
    device.onRequest((e) => events.push(e));
    device.start();
    await waitFor(() => device.status().state === 'online' && fake.connected, 'both ends open');
  });

  afterAll(async () => {
    await device.stop();
    await fake.stop();
    await pair.close();
  });

  it('gives every request an id and reports its answer', async () => {
    device.show({ kind: 'counter', address: 1, text: '欢迎光临' });
    const [pending] = device.pendingRequests();
    assert.ok(pending);
    assert.deepEqual([pending.address, pending.purpose], [1, 'content']);
    await waitFor(() => of(1).length === 1, 'answer from display 1');
    assert.deepEqual(of(1), [{ id: pending.id, address: 1, purpose: 'content', attempt: 1, outcome: 'answered' }]);
    assert.equal(fake.text(1), '欢迎光临');
    device.show({ kind: 'counter', address: 1, text: 'A001 请到1号窗口' });
    await waitFor(() => of(1).length === 2, 'second answer');
    assert.ok(of(1)[1]!.id > pending.id, 'a new request, a new id');
    assert.deepEqual(device.pendingRequests(), []);
  });

  it('a silent display: each try times out, one id for the tries, then silent and retried on its interval', async () => {
    fake.setResponding(false, 2);
    device.show({ kind: 'counter', address: 2, text: 'B001 请到2号窗口' });
    await waitFor(() => of(2).length >= 3, 'three tries');
    const first = of(2).slice(0, 3);
    assert.deepEqual(
      first.map((e) => [e.attempt, e.outcome]),
      [
        [1, 'timeout'],
        [2, 'timeout'],
        [3, 'timeout'],
      ],
    );
    assert.equal(new Set(first.map((e) => e.id)).size, 1, 'the retries of one request share its id');
    await waitFor(() => device.status().state === 'error', 'error: one display silent, another answers');
    assert.equal(device.status().detail, 'no answer from display address 2; the others answer');
    assert.deepEqual(
      device.addressHealth().map((h) => [h.address, h.answering]),
      [
        [1, true],
        [2, false],
      ],
    );
    // A silent display gets one try per retry interval, as a new request.
    await waitFor(() => of(2).length >= 4, 'retry after the interval');
    assert.deepEqual([of(2)[3]!.attempt, of(2)[3]!.outcome], [1, 'timeout']);
    assert.notEqual(of(2)[3]!.id, first[0]!.id);

    fake.setResponding(true, 2);
    await waitFor(() => of(2).some((e) => e.outcome === 'answered'), 'answer once it responds');
    await waitFor(() => device.status().state === 'online', 'online again');
    assert.equal(fake.text(2), 'B001 请到2号窗口');
  });

  it('newer content supersedes a request not sent yet; only the newest reaches the display', async () => {
    fake.setResponding(false, 3);
    device.show({ kind: 'counter', address: 3, text: 'C001' });
    await waitFor(() => device.pendingRequests().some((r) => r.address === 3 && r.attempts >= 1), 'C001 in flight');
    const inFlight = device.pendingRequests().find((r) => r.address === 3)!.id;
    device.show({ kind: 'counter', address: 3, text: 'C002' });
    const queued = device.pendingRequests().find((r) => r.address === 3)!.id;
    device.show({ kind: 'counter', address: 3, text: 'C003' });
    const newest = device.pendingRequests().find((r) => r.address === 3)!.id;
    assert.ok(inFlight < queued && queued < newest);
    assert.deepEqual(
      of(3).filter((e) => e.id === queued),
      [{ id: queued, address: 3, purpose: 'content', attempt: 0, outcome: 'superseded' }],
    );
    fake.setResponding(true, 3);
    await waitFor(() => of(3).some((e) => e.id === newest && e.outcome === 'answered'), 'the newest answered');
    assert.equal(fake.text(3), 'C003');
    // The request in flight was not retried once newer content was waiting.
    assert.ok(of(3).filter((e) => e.id === inFlight).length < 3);
  });

  it('a request made while the port is gone is sent, under its id, once the port is back', async () => {
    await pair.unplug();
    await waitFor(() => device.status().state === 'offline', 'offline after unplug');
    assert.match(device.status().detail ?? '', /^display bus disconnected/);
    device.show({ kind: 'counter', address: 1, text: 'A002 请到1号窗口' });
    const waiting = device.pendingRequests().find((r) => r.address === 1)!;
    assert.equal(waiting.attempts, 0);
    await pair.plugIn();
    await waitFor(() => of(1).some((e) => e.id === waiting.id && e.outcome === 'answered'), 'the waiting request answered after plug-in');
    assert.equal(fake.text(1), 'A002 请到1号窗口');
    // Displays that may have lost power with the port get their latest content again.
    await waitFor(() => fake.text(2) === 'B001 请到2号窗口' && fake.text(3) === 'C003', 'latest content resent');
    await waitFor(() => device.status().state === 'online', 'online');
  });

  it('garbage from the bus is dropped, counted by reason and reported, and answers still count', async () => {
    warnings.length = 0;
    debug.length = 0;
    await fake.sendRaw(Buffer.from([0xff, 0x00, 0x02, 0x01, 0x06, 0x00, 0x01, 0x31, 0x00, 0x00, 0x03, 0x55]));
    await waitFor(() => debug.includes('bytes dropped on the display bus'), 'drop logged');
    assert.ok(warnings.some((w) => w.startsWith('device sent bytes that were dropped')));
    device.show({ kind: 'clear', address: 1 });
    const clear = device.pendingRequests().find((r) => r.address === 1)!;
    // On a loaded machine the first attempt may time out and be retried; what counts is that it is answered.
    await waitFor(() => of(1).some((e) => e.id === clear.id && e.outcome === 'answered'), 'answer after garbage');
    assert.equal(device.status().state, 'online');
  });
});

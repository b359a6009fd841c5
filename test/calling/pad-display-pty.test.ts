/**
 * Call pad and LED displays over real pseudo-terminals (socat), fake devices on the device
 * ends, the real branch service on the product ends: a key on the pad calls the next ticket at
 * the pad's counter, the counter display and the lobby board get frames with the number, the
 * pad screen shows it with the waiting count; an unplugged display never holds up a call, and
 * after it is plugged back in it shows the latest call. Garbage on the pad line changes nothing.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DEMO_CONFIG_PATH } from '../../config/load-config.js';
import { FakeCallPad } from '../../drivers/sim/fake-callpad.js';
import { FakeDisplay } from '../../drivers/sim/fake-display.js';
import { SerialTransport } from '../../drivers/transport/serial-transport.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { createPtyPair, type PtyPair } from '../support/pty.js';
import { issue, waitUntil } from './support.js';

const serial = (path: string) => new SerialTransport({ path, baudRate: 9600, minDelayMs: 20, maxDelayMs: 100 });

describe('call pad and LED displays over ptys', () => {
  let dir: string;
  let branch: TestBranch;
  let displayPair: PtyPair;
  let boardPair: PtyPair;
  let padPair: PtyPair;
  let display: FakeDisplay;
  let board: FakeDisplay;
  let pad: FakeCallPad;
  let teller: string;

  const deviceState = async (idPart: string) =>
    ((await branch.api('GET', '/api/devices')).body as { id: string; state: string }[]).find((d) => d.id.includes(idPart))?.state;

  beforeAll(async () => {
    [displayPair, boardPair, padPair] = await Promise.all([createPtyPair(), createPtyPair(), createPtyPair()]);
    dir = mkdtempSync(join(tmpdir(), 'calling-cfg-'));
    const cfg = parse(readFileSync(DEMO_CONFIG_PATH, 'utf8'));
    const c3 = cfg.counters.find((c: { id: string }) => c.id === '3');
    c3.devices = { display: `serial://${displayPair.productPath}?protocol=framed&address=3`, callPad: `serial://${padPair.productPath}?protocol=pad-frame` };
    cfg.devices = { lobbyDisplay: `serial://${boardPair.productPath}?protocol=line&address=16` };
    const configPath = join(dir, 'branch.yaml');
    writeFileSync(configPath, stringify(cfg));

    display = new FakeDisplay({ transport: serial(displayPair.devicePath), protocol: 'framed' });
    board = new FakeDisplay({ transport: serial(boardPair.devicePath), protocol: 'line' });
    pad = new FakeCallPad({ transport: serial(padPair.devicePath) });
    for (const f of [display, board, pad]) f.start();
    branch = await startTestBranch({ configPath });
    teller = await branch.login('T03', '3');
    await waitUntil(() => pad.connected && display.connected && board.connected, 'fake ends open');
    await waitUntil(async () => (await deviceState(displayPair.productPath)) === 'online', 'counter display online');
  });

  afterAll(async () => {
    await branch?.close();
    await Promise.allSettled([display?.stop(), board?.stop(), pad?.stop()]);
    await Promise.allSettled([displayPair?.close(), boardPair?.close(), padPair?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a key on the pad calls the next ticket at its counter; display, board and pad show it', async () => {
    const numbers = await issue(branch, 'B', 3);
    assert.equal(await pad.press(3, 'next'), true, 'the service acked the key');
    const q = await waitUntil(async () => {
      const c = (await branch.api('GET', '/api/queue', { token: teller })).body.counters.find((x: { id: string }) => x.id === '3');
      return c.currentTicket?.number === numbers[0] ? c : undefined;
    }, 'the call');
    assert.equal(q.staffId, 'T03', 'the pad acted as the staff signed in at the counter');
    await waitUntil(() => display.text(3) === `${numbers[0]} 请到3号窗口`, 'counter display frame');
    assert.equal(display.screens.get(3)!.flash, true);
    await waitUntil(() => board.screens.get(16)?.rows[0] === `${numbers[0]} 3号窗口`, 'lobby board row');
    await waitUntil(() => pad.screens.get(3)?.text === numbers[0] && pad.screens.get(3)?.waiting === 2, 'pad screen');
  });

  it('an unplugged display does not hold up the next call, and shows the latest once back', async () => {
    await displayPair.unplug();
    await waitUntil(async () => (await deviceState(displayPair.productPath)) !== 'online', 'display reported not online', 10_000);
    // The customer called by the pad is served; Call next then completes them and calls the next.
    assert.equal((await branch.api('POST', '/api/counters/3/start', { token: teller })).status, 200);
    const r = await branch.api('POST', '/api/counters/3/next', { token: teller });
    assert.equal(r.status, 200);
    const second = r.body.ticket.number as string;
    const r2 = await branch.api('POST', '/api/counters/3/recall', { token: teller });
    assert.equal(r2.status, 200);

    await displayPair.plugIn();
    await waitUntil(async () => (await deviceState(displayPair.productPath)) === 'online', 'display back online', 10_000);
    await waitUntil(() => display.text(3) === `${second} 请到3号窗口`, 'latest call on the display after reconnect', 10_000);
    await waitUntil(() => board.screens.get(16)?.rows[0] === `${second} 3号窗口`, 'board kept up meanwhile');
  });

  it('garbage on the pad line is dropped; later keys still work; digits pick a transfer', async () => {
    await pad.sendRaw(Uint8Array.from([0xa5, 0xff, 0x00, 0x13, 0x37, 0x5a, 0xa5, 0x03, 0x01]));
    await pad.sendRaw(new Uint8Array(64).map((_, i) => (i * 37) & 0xff));
    const current = (await branch.api('GET', '/api/counters/3/current', { token: teller })).body.ticket;
    // transfer, 5 (the fifth service: E), enter
    for (const key of ['transfer', '5', 'enter'] as const) assert.equal(await pad.press(3, key), true, key);
    const after = await waitUntil(async () => {
      const body = (await branch.api('GET', '/api/counters/3/current', { token: teller })).body;
      return body.ticket === null ? body : undefined;
    }, 'the transfer');
    assert.equal(after.counter.status, 'open');
    const moved = (await branch.api('GET', `/api/tickets/${current.id}`)).body;
    assert.equal(moved.status, 'transferred');
    assert.equal(moved.transferredTo.serviceCode, 'E');
    assert.equal((await branch.api('GET', '/api/health')).status, 200);
  });

  it('after a burst of tickets the pad shows the whole waiting count', async () => {
    // Counter 3 serves B and E first, A and F when they wait long; its pad counts all four.
    // The count is repainted at most every 250 ms: the last ticket of a burst must still show.
    const waitingAtCounter3 = async () =>
      ((await branch.api('GET', '/api/queue')).body.services as { code: string; waiting: number }[])
        .filter((s) => ['A', 'B', 'E', 'F'].includes(s.code))
        .reduce((n, s) => n + s.waiting, 0);
    const before = await waitingAtCounter3();
    await issue(branch, 'A', 6);
    await issue(branch, 'F', 6);
    assert.equal(await waitingAtCounter3(), before + 12);
    await waitUntil(() => pad.screens.get(3)?.waiting === before + 12, 'the burst counted on the pad');
  });

  it('a pad at a closed counter opens nothing and says so', async () => {
    assert.equal((await branch.api('POST', '/api/counters/3/close', { token: teller })).status, 200);
    await pad.press(3, 'next');
    await waitUntil(() => pad.screens.get(3)?.text === '未开窗 请登录', 'closed message on the pad');
    const c = (await branch.api('GET', '/api/queue')).body.counters.find((x: { id: string }) => x.id === '3');
    assert.equal(c.status, 'closed');
    assert.equal(c.currentTicket, null);
  });
});

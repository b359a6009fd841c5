/**
 * Demo mode: every counter display, the lobby board and the call pads are simulated on memory
 * cables, listed on GET /api/devices, and driven from the device lab's endpoints through the
 * same drivers and bytes as real hardware.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { issue, waitUntil } from './support.js';

describe('simulated calling devices (demo lab)', () => {
  let branch: TestBranch;
  const lab = async () => (await branch.api('GET', '/api/lab/calling')).body;
  const screen = async (kind: string, address: number) =>
    (await lab()).displays.find((d: { kind: string }) => d.kind === kind)?.screens.find((s: { address: number }) => s.address === address);

  beforeAll(async () => {
    branch = await startTestBranch();
  });
  afterAll(async () => {
    await branch?.close();
  });

  it('lists the simulated displays and pads as devices', async () => {
    const devices = (await branch.api('GET', '/api/devices')).body as { id: string; kind: string }[];
    const kinds = devices.filter((d) => /^(display|call-pad):/.test(d.id)).map((d) => d.kind).sort();
    assert.deepEqual(kinds, ['call_pad', 'counter_display', 'lobby_display']);
    const body = await lab();
    assert.equal(body.counters.length, 8);
    assert.ok(body.counters.every((c: { display: unknown; callPad: unknown }) => c.display && c.callPad));
  });

  it('a lab key press calls at that counter; the lobby board follows even after its cable was pulled', async () => {
    await branch.login('T01', '1');
    const [number] = await issue(branch, 'A');
    assert.deepEqual((await branch.api('POST', '/api/lab/calling/pads/1/keys', { body: { key: 'next' } })).body, { acked: true });
    await waitUntil(async () => (await screen('counter_display', 1))?.text === `${number} 请到1号窗口`, 'counter display 1');
    await waitUntil(async () => (await screen('lobby_display', 1))?.rows[0] === `${number} 1号窗口`, 'lobby board');

    const boardId = (await lab()).displays.find((d: { kind: string }) => d.kind === 'lobby_display').id;
    assert.equal((await branch.api('POST', `/api/lab/calling/cables/${encodeURIComponent(boardId)}/unplug`)).body.plugged, false);
    const [second] = await issue(branch, 'A');
    // The first customer came: call next never completes a service that was not started.
    await branch.api('POST', '/api/lab/calling/pads/1/keys', { body: { key: 'start' } });
    await branch.api('POST', '/api/lab/calling/pads/1/keys', { body: { key: 'next' } });
    await waitUntil(async () => (await screen('counter_display', 1))?.text === `${second} 请到1号窗口`, 'counter display 1, second call');
    assert.equal((await screen('lobby_display', 1))?.rows[0], `${number} 1号窗口`, 'an unplugged board shows nothing new');
    await branch.api('POST', `/api/lab/calling/cables/${encodeURIComponent(boardId)}/plug`);
    await waitUntil(async () => (await screen('lobby_display', 1))?.rows[0] === `${second} 1号窗口`, 'board catches up after plug-in');
    assert.equal((await screen('lobby_display', 1))?.rows[1], `${number} 1号窗口`);
  });

  it('a pad at a closed counter calls nobody', async () => {
    await issue(branch, 'C');
    assert.equal((await branch.api('POST', '/api/lab/calling/pads/5/keys', { body: { key: 'next' } })).status, 200);
    const pads = (await lab()).pads[0].screens;
    assert.equal(pads.find((s: { address: number }) => s.address === 5).text, '未开窗 请登录');
    const c5 = (await branch.api('GET', '/api/queue')).body.counters.find((c: { id: string }) => c.id === '5');
    assert.equal(c5.status, 'closed');
    assert.equal(c5.currentTicket, null);
  });
});

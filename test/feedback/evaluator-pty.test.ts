/**
 * The evaluator pad (评价器) over a real pseudo-terminal (socat): the real branch service on the
 * product end, the fake pad on the device end speaking eval-frame bytes. Completing a service
 * sends the pad the rating request; a press records the rating against that ticket, counter and
 * teller; a second press and a press after the request timed out are ignored (and the pad is told
 * so); a request times out quietly (no event); garbage on the line never crashes the service.
 * The clock is the service's injected clock, so the timeout is reached by moving it, not by
 * waiting.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DEMO_CONFIG_PATH } from '../../config/load-config.js';
import { FakeEvaluator } from '../../drivers/sim/fake-evaluator.js';
import { SerialTransport } from '../../drivers/transport/serial-transport.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { createPtyPair, type PtyPair } from '../support/pty.js';
import { waitUntil } from '../calling/support.js';

const serial = (path: string) => new SerialTransport({ path, baudRate: 9600, minDelayMs: 20, maxDelayMs: 100 });
const START = Date.UTC(2026, 4, 12, 2, 0); // 10:00 in Shanghai

describe('evaluator pad over a pty', () => {
  let dir: string;
  let branch: TestBranch;
  let pair: PtyPair;
  let pad: FakeEvaluator;
  let teller: string;
  let supervisor: string;

  const allEvents = async () => (await branch.api('GET', '/api/events?after=0&limit=1000', { token: supervisor })).body as { type: string; data: any }[];
  const ratedEvents = async () => (await allEvents()).filter((e) => e.type === 'feedback.rated');

  /** Issues a B ticket, calls it at counter 3 and completes it; returns the ticket. */
  const serveOne = async () => {
    const t = (await branch.api('POST', '/api/tickets', { body: { serviceCode: 'B' } })).body;
    assert.equal((await branch.api('POST', '/api/counters/3/next', { token: teller })).status, 200);
    branch.advance(90_000);
    assert.equal((await branch.api('POST', '/api/counters/3/complete', { token: teller })).status, 200);
    return t as { id: string; number: string };
  };

  beforeAll(async () => {
    pair = await createPtyPair();
    dir = mkdtempSync(join(tmpdir(), 'evaluator-cfg-'));
    const cfg = parse(readFileSync(DEMO_CONFIG_PATH, 'utf8'));
    cfg.counters.find((c: { id: string }) => c.id === '3').devices = { evaluator: `serial://${pair.productPath}?protocol=eval-frame` };
    cfg.feedback = { levels: 5, askSeconds: 30 };
    writeFileSync(join(dir, 'branch.yaml'), stringify(cfg));
    pad = new FakeEvaluator({ transport: serial(pair.devicePath) });
    pad.start();
    branch = await startTestBranch({ configPath: join(dir, 'branch.yaml'), manualClock: START });
    teller = await branch.login('T03', '3');
    supervisor = await branch.login('S01');
    await waitUntil(() => pad.connected, 'fake pad end open');
    await waitUntil(() => pad.screens.get(3)?.kind === 'idle', 'the pad shows its welcome screen');
  });

  afterAll(async () => {
    await branch?.close();
    await pad?.stop();
    await pair?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('completing a service sends the rating request to the counter’s pad', async () => {
    const t = await serveOne();
    const ask = await waitUntil(() => pad.asking(3), 'the rating request on the pad');
    assert.equal(ask.text, `${t.number} 请您评价`);
    assert.equal(ask.levels, 5);
    assert.equal(ask.reasons, 8, 'the default eight reason keys are lit');
    assert.equal(ask.seconds, 30);
    const view = (await branch.api('GET', '/api/counters/3/rating', { token: teller })).body.request;
    assert.deepEqual([view.ticketId, view.state, view.seq], [t.id, 'waiting', ask.request]);
    const devices = (await branch.api('GET', '/api/devices')).body as { kind: string; state: string; uri: string }[];
    assert.equal(devices.find((d) => d.kind === 'evaluator' && d.uri.includes(pair.productPath))?.state, 'online');
  });

  it('a press records the rating against the right ticket, counter and teller; a second press is ignored', async () => {
    const view = (await branch.api('GET', '/api/counters/3/rating', { token: teller })).body.request;
    const before = (await ratedEvents()).length;
    assert.equal(await pad.rate(3, 2, [0, 3]), 'recorded');
    const events = await ratedEvents();
    assert.equal(events.length, before + 1);
    const r = events.at(-1)!.data.rating;
    assert.deepEqual(
      { ticketId: r.ticketId, counterId: r.counterId, staffId: r.staffId, channel: r.channel, score: r.score, levels: r.levels, reasons: r.reasons },
      { ticketId: view.ticketId, counterId: '3', staffId: 'T03', channel: 'pad', score: 2, levels: 5, reasons: ['long_wait', 'unclear'] },
    );
    await waitUntil(() => pad.screens.get(3)?.kind === 'idle', 'the pad back to its welcome screen');

    assert.equal(await pad.rate(3, 5, [], view.seq), 'already_rated', 'a second press is told it is already rated');
    assert.equal((await ratedEvents()).length, before + 1, 'and records nothing');
    const after = (await branch.api('GET', '/api/counters/3/rating', { token: teller })).body.request;
    assert.deepEqual([after.state, after.rating.score, after.rating.channel], ['rated', 2, 'pad']);
    const again = await branch.api('POST', `/api/tickets/${view.ticketId}/rating`, { body: { score: 5 } });
    assert.equal(again.status, 409, 'the phone cannot rate it a second time either');
    assert.equal(again.body.error.code, 'ALREADY_RATED');
  });

  it('a resent rating frame (the pad missed the answer) is answered again but recorded once', async () => {
    await serveOne();
    const ask = await waitUntil(() => pad.asking(3), 'the next request');
    const before = (await ratedEvents()).length;
    const { bytes } = pad.ratingFrame(3, ask.request, 4);
    const results: string[] = [];
    const listen = (r: { outcome: string }) => results.push(r.outcome);
    pad.on('result', listen);
    await pad.sendRaw(bytes);
    await pad.sendRaw(bytes);
    await waitUntil(() => results.length >= 2, 'both frames answered');
    pad.off('result', listen);
    assert.deepEqual(results, ['recorded', 'recorded']);
    assert.equal((await ratedEvents()).length, before + 1);
  });

  it('a request times out quietly; a press after the timeout is ignored; the phone may still rate', async () => {
    const t = await serveOne();
    const ask = await waitUntil(() => pad.asking(3), 'the request');
    const before = await allEvents();
    branch.advance(31_000);
    assert.equal(await pad.rate(3, 5, [], ask.request), 'expired', 'the pad is told it is too late');
    await waitUntil(() => pad.screens.get(3)?.kind === 'idle', 'the pad back to idle');
    const added = (await allEvents()).slice(before.length).map((e) => e.type);
    assert.ok(!added.includes('feedback.rated'), `nothing recorded: ${added.join(', ')}`);
    const view = (await branch.api('GET', '/api/counters/3/rating', { token: teller })).body.request;
    assert.deepEqual([view.ticketId, view.state, view.rating], [t.id, 'expired', null]);
    const phone = await branch.api('POST', `/api/tickets/${t.id}/rating`, { body: { score: 4, channel: 'mobile' } });
    assert.equal(phone.status, 201, 'the ticket page still takes the rating');
    const shown = (await branch.api('GET', '/api/counters/3/rating', { token: teller })).body.request;
    assert.deepEqual([shown.state, shown.rating.channel, shown.rating.score], ['rated', 'mobile', 4], 'the console sees what came');
  });

  it('a late press naming the request before never rates the customer now being asked', async () => {
    await serveOne();
    const first = await waitUntil(() => pad.asking(3), 'a request');
    const t2 = await serveOne();
    const second = await waitUntil(() => (pad.asking(3)?.request !== first.request ? pad.asking(3) : undefined), 'the next request');
    assert.equal(await pad.rate(3, 1, [], first.request), 'expired');
    assert.equal((await branch.api('GET', `/api/tickets/${t2.id}/rating`)).body.rated, false);
    assert.equal(await pad.rate(3, 5, [], second.request), 'recorded');
    assert.equal((await branch.api('GET', `/api/tickets/${t2.id}/rating`)).body.rating.score, 5);
  });

  it('garbage on the line never crashes the service; the pad still rates afterwards', async () => {
    await pad.sendRaw(Uint8Array.from([0x02, 0xff, 0x71, 0x05, 0x01, 0x03, 0x02, 0x03, 0x10, 0x10, 0x03, 0x00, 0xff]));
    // A well-framed rating with a bad CRC, one with a wrong length, and one naming no request.
    await pad.sendRaw(Uint8Array.from([0x02, 0x03, 0x71, 0x05, 0x01, 0x00, 0x04, 0x00, 0x00, 0x12, 0x34, 0x03]));
    const samples = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), { numRuns: 40, seed: 7 });
    for (const bytes of samples) await pad.sendRaw(bytes);
    // A frame cut short must not hold back the next one: end whatever the noise left open.
    await pad.sendRaw(Uint8Array.from([0x03]));
    assert.equal((await branch.api('GET', '/api/health')).status, 200);
    const t = await serveOne();
    const ask = await waitUntil(() => pad.asking(3), 'a request after the noise');
    assert.equal(await pad.rate(3, 3, [], ask.request), 'recorded');
    assert.equal((await branch.api('GET', `/api/tickets/${t.id}/rating`)).body.rating.score, 3);
  });
});

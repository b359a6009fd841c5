/**
 * Card identity through the service: wedge swipes and reader reads become single-use tokens
 * with a masked tail and segment; the token sets a ticket's segment; the clear number is found
 * nowhere afterwards (database file and its WAL, logs, answers, stream events).
 */
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync, statSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DEMO_CONFIG_PATH } from '../../config/load-config.js';
import { join } from 'node:path';
import { identityHash } from '../../identity/index.js';
import { TEST_CARDS } from '../../server/lab/card-lab.js';
import { startTestBranch, type TestBranch } from '../support/branch.js';
import { captureLogs, collectEvents, waitUntil, type Collected } from './support.js';

const VIP_PAN = TEST_CARDS.vip.pan;
const REGULAR_PAN = TEST_CARDS.regular.pan;

let b: TestBranch;
let stream: Collected;
const logs = captureLogs();

beforeAll(async () => {
  b = await startTestBranch({ log: logs.log });
  stream = await collectEvents(b.url);
});

afterAll(async () => {
  stream.close();
  await b.close();
});

test('a wedge swipe of a VIP card gives a token with masked tail and segment; the ticket takes the VIP segment', async () => {
  const id = await b.api('POST', '/api/kiosk/identity', { body: { pan: VIP_PAN } });
  assert.equal(id.status, 200);
  assert.deepEqual(Object.keys(id.body).sort(), ['expiresAt', 'identityToken', 'maskedTail', 'segment']);
  assert.equal(id.body.segment, 'vip1');
  assert.equal(id.body.maskedTail, `•••• ${VIP_PAN.slice(-4)}`);
  const t = await b.api('POST', '/api/tickets', { body: { serviceCode: 'C', identityToken: id.body.identityToken } });
  assert.equal(t.status, 201);
  assert.equal(t.body.segment, 'vip1');
  // Single use: the same token gives no second VIP ticket.
  const again = await b.api('POST', '/api/tickets', { body: { serviceCode: 'C', identityToken: id.body.identityToken } });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'IDENTITY_USED');
});

test('a regular card keeps the priority help the customer chose; unknown tokens are refused; the kiosk still cannot pick VIP', async () => {
  const id = await b.api('POST', '/api/kiosk/identity', { body: { pan: REGULAR_PAN } });
  assert.equal(id.body.segment, 'regular');
  const t = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A', segment: 'priority', identityToken: id.body.identityToken } });
  assert.equal(t.body.segment, 'priority');
  const unknown = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A', identityToken: 'idt_AAAAAAAAAAAAAAAAAAAAAAAA' } });
  assert.equal(unknown.status, 409);
  assert.equal(unknown.body.error.code, 'IDENTITY_EXPIRED');
  const bad = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A', identityToken: 'x' } });
  assert.equal(bad.status, 400);
  assert.equal((await b.api('POST', '/api/tickets', { body: { serviceCode: 'A', segment: 'vip1' } })).status, 403);
});

test('a retry of the same request with its Idempotency-Key may reuse the token and gets the same ticket', async () => {
  const id = await b.api('POST', '/api/kiosk/identity', { body: { pan: VIP_PAN } });
  const headers = { 'idempotency-key': 'kiosk-vip-retry-1' };
  const body = { serviceCode: 'D', identityToken: id.body.identityToken };
  const first = await b.api('POST', '/api/tickets', { body, headers });
  const second = await b.api('POST', '/api/tickets', { body, headers });
  assert.equal(first.status, 201);
  assert.equal(second.body.id, first.body.id);
});

test('bad card numbers get a clear 400 that does not echo them', async () => {
  for (const pan of ['4111111111111112', '41111111111111x1', '123', 41111111]) {
    const r = await b.api('POST', '/api/kiosk/identity', { body: { pan } });
    assert.equal(r.status, 400, String(pan));
    assert.ok(r.body.error.code);
    assert.ok(!JSON.stringify(r.body).includes(String(pan)), `error echoes ${pan}`);
  }
  assert.equal((await b.api('POST', '/api/kiosk/identity', { body: { pan: REGULAR_PAN, name: 'x' } })).status, 400);
});

test('a reader read is announced on the stream with the device only; the kiosk claims it once', async () => {
  assert.equal((await b.api('POST', '/api/lab/cards/swipe', { body: { card: 'vip' } })).status, 200);
  await waitUntil(() => stream.events.some((e) => e.type === 'device.card_read'), 'card_read event');
  const e = stream.events.find((x) => x.type === 'device.card_read');
  // An anonymous stream client gets the public form (docs/security.md): the segment reaches
  // the kiosk only through its claim below.
  assert.deepEqual(Object.keys(e.data).sort(), ['deviceId']);
  const claim = await b.api('POST', '/api/kiosk/card-read');
  assert.equal(claim.status, 200);
  assert.equal(claim.body.maskedTail, `•••• ${VIP_PAN.slice(-4)}`);
  assert.equal((await b.api('POST', '/api/kiosk/card-read')).status, 204, 'a read is claimed once');
  const t = await b.api('POST', '/api/tickets', { body: { serviceCode: 'C', identityToken: claim.body.identityToken } });
  assert.equal(t.body.segment, 'vip1');
});

test('card reads are refused to addresses other than the kiosk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-addr-'));
  const cfg = join(dir, 'branch.yaml');
  writeFileSync(cfg, readFileSync(DEMO_CONFIG_PATH, 'utf8').replace('  ticketRateLimitPerMinute: 60', '  ticketRateLimitPerMinute: 60\n  kioskAddresses: [192.0.2.44]'));
  const other = await startTestBranch({ configPath: cfg });
  try {
    for (const path of ['/api/kiosk/identity', '/api/kiosk/card-read']) {
      const r = await other.api('POST', path, { body: { pan: VIP_PAN } });
      assert.equal(r.status, 403, path);
      assert.equal(r.body.error.code, 'KIOSK_ONLY');
    }
  } finally {
    await other.close();
  }
});

test('the identity key is created once in the data folder with mode 0600', async () => {
  const file = join(b.dataDir, 'identity.key');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.match(readFileSync(file, 'utf8').trim(), /^[0-9a-f]{64}$/);
});

test('after test swipes the clear card number (and its hash) is nowhere: database file, WAL, logs, events', async () => {
  const key = Buffer.from(readFileSync(join(b.dataDir, 'identity.key'), 'utf8').trim(), 'hex');
  const secrets = [VIP_PAN, REGULAR_PAN, identityHash('card', VIP_PAN, key), identityHash('card', REGULAR_PAN, key)];
  const lobby = await b.login('L01');
  const events = (await b.api('GET', '/api/events?after=0&limit=1000', { token: lobby })).body;
  const texts: [string, Buffer][] = [
    ['logs', Buffer.from(logs.text())],
    ['events', Buffer.from(JSON.stringify(events))],
    ['stream', Buffer.from(JSON.stringify(stream.events))],
  ];
  for (const f of ['branch.db', 'branch.db-wal']) {
    const p = join(b.dataDir, f);
    if (existsSync(p)) texts.push([f, readFileSync(p)]);
  }
  assert.ok(texts.some(([n]) => n === 'branch.db'));
  assert.ok(logs.text().includes('card read'), 'the logs were captured');
  for (const s of secrets) {
    for (const [where, bytes] of texts) {
      assert.equal(bytes.includes(Buffer.from(s, 'latin1')), false, `${where} holds a card number or hash`);
      assert.equal(bytes.includes(Buffer.from(s, 'utf16le')), false, `${where} holds a card number or hash (UTF-16)`);
    }
  }
});

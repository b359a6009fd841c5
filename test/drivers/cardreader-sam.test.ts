import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { SamIdReader } from '../../drivers/cardreader/sam-reader.js';
import { decodeSamCommand, encodeSamCommand, encodeSamResponse, SamCommand, SamFrameParser } from '../../drivers/cardreader/sam-frame.js';
import { encodeBaseData, idNumberFromBaseData } from '../../drivers/cardreader/sam-base-info.js';
import { idNumberValid } from '../../drivers/cardreader/id-number.js';
import { FakeIdReader, sampleIdCard } from '../../drivers/sim/fake-id-reader.js';
import { deriveIdentity, type Identity } from '../../identity/index.js';
import { createPtyPair, type PtyPair } from '../support/pty.js';
import { SerialTransport } from '../../drivers/transport/serial-transport.js';
import { DeviceEnd, waitFor } from './cardreader-support.js';

const KEY = Buffer.alloc(32, 9);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1 ');

describe('SAM frames', () => {
  it('encodes the well-known commands byte for byte', () => {
    assert.equal(hex(encodeSamCommand(SamCommand.FIND_CARD)), 'aa aa aa 96 69 00 03 20 01 22');
    assert.equal(hex(encodeSamCommand(SamCommand.SELECT_CARD)), 'aa aa aa 96 69 00 03 20 02 21');
    assert.equal(hex(encodeSamCommand(SamCommand.READ_BASE)), 'aa aa aa 96 69 00 03 30 01 32');
    assert.equal(hex(encodeSamResponse(0x9f, new Uint8Array(4))), 'aa aa aa 96 69 00 08 00 00 9f 00 00 00 00 97');
    assert.equal(hex(encodeSamResponse(0x80)), 'aa aa aa 96 69 00 04 00 00 80 84');
  });

  it('parses frames split at every byte and skips a bad checksum', () => {
    const parser = new SamFrameParser();
    const bad = encodeSamCommand(SamCommand.SELECT_CARD);
    bad[bad.length - 1]! ^= 1;
    const stream = Buffer.concat([Buffer.from('noise'), bad, encodeSamCommand(SamCommand.FIND_CARD)]);
    const payloads = [...stream].flatMap((b) => parser.feed(Uint8Array.of(b)));
    assert.equal(payloads.length, 1);
    assert.deepEqual(decodeSamCommand(payloads[0]!), { cmd: 0x20, para: 0x01, data: new Uint8Array(0) });
    assert.equal(parser.stats.drops['bad checksum']?.count, 1);
  });

  it('finds a frame whose first bytes were swallowed by a noise header that passed the checksum', () => {
    // Noise "AA AA AA 96 69 00 04 2A 2E" claims 4 more bytes; with the real frame's first "AA AA"
    // its XOR checks out (00^04^2A^2E^AA = AA). The real frame must still come out.
    const noise = Buffer.from('aaaaaa966900042a2e', 'hex');
    const real = encodeSamResponse(0x90, Uint8Array.of(0));
    const parser = new SamFrameParser();
    const got = [...parser.feed(Buffer.concat([noise, real.subarray(0, 2)])), ...parser.feed(real.subarray(2))];
    assert.deepEqual(got.at(-1), Uint8Array.of(0, 0, 0x90, 0));
  });

  it('base info: 256 bytes of UCS-2LE text; only the ID number comes out', () => {
    const card = sampleIdCard();
    assert.ok(idNumberValid(card.idNumber));
    const data = encodeBaseData(card);
    assert.equal(data.length, 4 + 256 + 1024);
    assert.equal(data.readUInt16BE(0), 256);
    assert.equal(idNumberFromBaseData(data), card.idNumber);
    // A number failing its check character is a misread, not a person.
    assert.equal(idNumberFromBaseData(encodeBaseData({ ...card, idNumber: '110105194912310021' })), undefined);
    assert.equal(idNumberFromBaseData(data.subarray(0, 100)), undefined);
  });
});

describe('SAM ID reader over a pty', () => {
  let pty: PtyPair;
  let fake: FakeIdReader;
  let deviceEnd: DeviceEnd;
  beforeAll(async () => {
    pty = await createPtyPair();
  });
  afterAll(async () => {
    await pty.close();
  });

  async function start() {
    fake = new FakeIdReader();
    deviceEnd = new DeviceEnd(pty.devicePath, (port) => fake.attach(port));
    await deviceEnd.open();
    const transport = new SerialTransport({ path: pty.productPath, baudRate: 115200, minDelayMs: 20, maxDelayMs: 100 });
    const logLines: string[] = [];
    const log = (level: string) => (obj: object, msg?: string) => logLines.push(`${level} ${msg ?? ''} ${JSON.stringify(obj)}`);
    const reader = new SamIdReader({
      id: 'id-1',
      transport,
      pollIntervalMs: 20,
      responseTimeoutMs: 300,
      logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    });
    const identities: Identity[] = [];
    const misreads: string[] = [];
    reader.onRead((read) => identities.push(deriveIdentity(read, KEY)));
    reader.onMisread((r) => misreads.push(r));
    reader.start();
    return { reader, identities, misreads, logLines };
  }

  it('reads the ID number of a placed card, once per placement', async () => {
    const { reader, identities, logLines } = await start();
    try {
      await waitFor(() => reader.status().state === 'online', 'reader online');
      const card = sampleIdCard({ idNumber: '44030419900101123X'.slice(0, 17) });
      fake.putCard(card);
      await waitFor(() => identities.length === 1, 'first read');
      assert.equal(identities[0]!.kind, 'id');
      assert.equal(identities[0]!.maskedTail, '••••••••••••••' + card.idNumber.slice(-4));
      // Still on the reader: polled, not read again.
      const seen = fake.commands;
      await waitFor(() => fake.commands > seen + 5, 'more polls');
      assert.equal(identities.length, 1);
      fake.removeCard();
      const removedAt = fake.commands;
      await waitFor(() => fake.commands > removedAt + 2, 'polls without a card');
      fake.putCard(card);
      await waitFor(() => identities.length === 2, 'second placement');
      assert.equal(identities[1]!.hash, identities[0]!.hash);
      const logs = logLines.join('\n');
      for (const secret of [card.idNumber.slice(0, 10), card.name, card.address]) assert.equal(logs.includes(secret), false);
    } finally {
      await reader.stop();
      await deviceEnd.close();
    }
  });

  it('reports a card whose number fails its check as a misread', async () => {
    const { reader, identities, misreads } = await start();
    try {
      await waitFor(() => reader.status().state === 'online', 'reader online');
      fake.putCard(sampleIdCard({ idNumber: '110105194912310021' }));
      await waitFor(() => misreads.includes('bad_data'), 'misread');
      assert.equal(identities.length, 0);
    } finally {
      await reader.stop();
      await deviceEnd.close();
    }
  });

  it('ignores answers with a bad checksum and reads on the retry', async () => {
    const { reader, identities } = await start();
    try {
      await waitFor(() => reader.status().state === 'online', 'reader online');
      deviceEnd.write(Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x90, 0x00])); // stray, bad checksum
      fake.corruptNextAnswers(3);
      fake.putCard(sampleIdCard());
      await waitFor(() => identities.length === 1, 'read despite corrupted answers');
      assert.equal(reader.status().state, 'online');
    } finally {
      await reader.stop();
      await deviceEnd.close();
    }
  });

  it('goes offline when unplugged and reads again after replug', async () => {
    const { reader, identities } = await start();
    try {
      await waitFor(() => reader.status().state === 'online', 'reader online');
      await deviceEnd.close();
      await pty.unplug();
      await waitFor(() => reader.status().state === 'offline', 'offline after unplug');
      await pty.plugIn();
      await deviceEnd.open();
      await waitFor(() => reader.status().state === 'online', 'online after replug');
      fake.putCard(sampleIdCard());
      await waitFor(() => identities.length === 1, 'read after replug');
    } finally {
      await reader.stop();
      await deviceEnd.close();
    }
  });

  it('reports offline when the port is open but nothing answers', async () => {
    const { reader } = await start();
    try {
      await waitFor(() => reader.status().state === 'online', 'reader online');
      await deviceEnd.close(); // the pty stays, the reader behind it is silent
      await waitFor(() => reader.status().state === 'offline', 'offline on silence');
      assert.match(reader.status().detail ?? '', /not answering/);
      await deviceEnd.open();
      await waitFor(() => reader.status().state === 'online', 'online when it answers again');
    } finally {
      await reader.stop();
      await deviceEnd.close();
    }
  });
});

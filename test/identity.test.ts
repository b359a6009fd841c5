import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idCardRead, magstripeRead } from '../drivers/cardreader/card-read.js';
import {
  createSegmentLookup,
  deriveIdentity,
  identityHash,
  loadOrCreateIdentityKey,
  parseSegmentConfig,
} from '../identity/index.js';
import { isDomainError } from '../common/errors.js';

const KEY_A = Buffer.alloc(32, 1);
const KEY_B = Buffer.alloc(32, 2);
const PAN = '6225880137654321';
const ID = '11010519491231002X';

describe('deriveIdentity', () => {
  it('gives a card hash, masked tail and BIN', () => {
    const idt = deriveIdentity(magstripeRead(PAN, 'hid'), KEY_A);
    assert.equal(idt.kind, 'card');
    assert.match(idt.hash, /^[0-9a-f]{64}$/);
    assert.equal(idt.maskedTail, '•••• 4321');
    assert.equal(idt.bin, '622588');
  });

  it('gives an ID hash and an 18-wide mask showing the last 4 only', () => {
    const idt = deriveIdentity(idCardRead(ID, 'sam'), KEY_A);
    assert.equal(idt.kind, 'id');
    assert.equal(idt.maskedTail, '••••••••••••••002X');
    assert.equal(idt.bin, undefined);
  });

  it('is stable for one key and differs across keys and kinds', () => {
    const a1 = deriveIdentity(magstripeRead(PAN, 'hid'), KEY_A).hash;
    const a2 = deriveIdentity(magstripeRead(PAN, 'wedge'), KEY_A).hash;
    const b = deriveIdentity(magstripeRead(PAN, 'hid'), KEY_B).hash;
    assert.equal(a1, a2);
    assert.notEqual(a1, b);
    assert.equal(identityHash('card', PAN, KEY_A), a1);
    assert.equal(deriveIdentity(idCardRead(ID.toLowerCase(), 'sam'), KEY_A).hash, identityHash('id', ID, KEY_A));
    // Same digits as card and as ID never collide.
    assert.notEqual(identityHash('card', '110105194912310021', KEY_A), identityHash('id', '110105194912310021', KEY_A));
  });

  it('never carries the clear number in its JSON', () => {
    for (const read of [magstripeRead(PAN, 'hid'), idCardRead(ID, 'sam')]) {
      const json = JSON.stringify(deriveIdentity(read, KEY_A));
      const clear = read.pan ?? read.idNumber!;
      assert.equal(json.includes(clear), false);
      // Nor any run of more than 6 of its digits (the BIN is the most a card identity shows).
      for (let i = 0; i + 7 <= clear.length; i++) assert.equal(json.includes(clear.slice(i, i + 7)), false);
    }
  });

  it('rejects a short key and a malformed number without echoing it', () => {
    assert.throws(() => deriveIdentity(magstripeRead(PAN, 'hid'), Buffer.alloc(8)), { code: 'IDENTITY_KEY_INVALID' });
    try {
      deriveIdentity(magstripeRead('12345678901234567890123', 'hid'), KEY_A);
      assert.fail('should throw');
    } catch (e) {
      assert.ok(isDomainError(e));
      assert.equal(e.code, 'CARD_NUMBER_INVALID');
      assert.equal(e.message.includes('1234567890'), false);
    }
  });
});

describe('identity key file', () => {
  it('is created once with mode 0600 and read back unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'idkey-'));
    try {
      const file = join(dir, 'identity.key');
      const k1 = loadOrCreateIdentityKey(file);
      const k2 = loadOrCreateIdentityKey(file);
      assert.equal(k1.length, 32);
      assert.deepEqual(k1, k2);
      assert.equal(statSync(file).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('segment lookup', () => {
  const vipId = identityHash('id', ID, KEY_A);
  const lookup = createSegmentLookup({
    binRanges: [
      { from: '622588', to: '622588', segment: 'vip1' },
      { from: '622500', to: '622599', segment: 'vip2' },
    ],
    vipIdHashes: { [vipId]: 'vip3', [identityHash('card', PAN, KEY_A)]: 'vip2' },
  });

  it('matches an explicit hash before BIN ranges, first range first, else the default', () => {
    assert.equal(lookup.segmentOf(deriveIdentity(idCardRead(ID, 'sam'), KEY_A)), 'vip3');
    assert.equal(lookup.segmentOf(deriveIdentity(magstripeRead(PAN, 'hid'), KEY_A)), 'vip2');
    const other588 = '6225881234567891';
    assert.equal(lookup.segmentOf({ kind: 'card', hash: 'x', maskedTail: '', bin: other588.slice(0, 6) }), 'vip1');
    assert.equal(lookup.segmentOf({ kind: 'card', hash: 'x', maskedTail: '', bin: '622512' }), 'vip2');
    assert.equal(lookup.segmentOf({ kind: 'card', hash: 'x', maskedTail: '', bin: '411111' }), 'regular');
    assert.equal(lookup.segmentOf(deriveIdentity(idCardRead(ID, 'sam'), KEY_B)), 'regular');
    assert.deepEqual(lookup.segments, ['regular', 'vip1', 'vip2', 'vip3']);
  });

  it('accepts custom segment names', () => {
    const l = createSegmentLookup({ segments: ['normal', 'gold'], defaultSegment: 'normal', binRanges: [{ from: '411111', to: '411111', segment: 'gold' }] });
    assert.equal(l.segmentOf({ kind: 'card', hash: 'x', maskedTail: '', bin: '411111' }), 'gold');
    assert.equal(l.segmentOf({ kind: 'id', hash: 'x', maskedTail: '' }), 'normal');
  });

  function problemFields(input: unknown): string[] {
    try {
      parseSegmentConfig(input);
    } catch (e) {
      assert.ok(isDomainError(e));
      assert.equal(e.code, 'SEGMENT_CONFIG_INVALID');
      return (e.details as { problems: { field: string }[] }).problems.map((p) => p.field);
    }
    return [];
  }

  it('names the bad field in its errors', () => {
    assert.deepEqual(problemFields({ binRanges: [{ from: '62258', to: '622588', segment: 'vip1' }] }), ['binRanges[0].from']);
    assert.deepEqual(problemFields({ binRanges: [{ from: '622589', to: '622588', segment: 'vip1' }] }), ['binRanges[0].to']);
    assert.deepEqual(problemFields({ binRanges: [{ from: '622588', to: '622588', segment: 'platinum' }] }), ['binRanges[0].segment']);
    assert.deepEqual(problemFields({ vipIdHashes: { nothex: 'vip1' } }), ['vipIdHashes["nothex…"]']);
    assert.deepEqual(problemFields({ vipIdHashes: { [vipId]: 'gold' } }), [`vipIdHashes["${vipId.slice(0, 12)}…"]`]);
    assert.deepEqual(problemFields({ segments: ['vip1'] }), ['defaultSegment']);
    assert.deepEqual(problemFields({ binRange: [] }), ['(root)']);
    assert.match(
      (() => {
        try {
          parseSegmentConfig({ binRanges: [{ from: 'abcdef', to: '622588', segment: 'vip1' }] });
          return '';
        } catch (e) {
          return (e as Error).message;
        }
      })(),
      /binRanges\[0\]\.from: must be exactly 6 digits/,
    );
  });
});

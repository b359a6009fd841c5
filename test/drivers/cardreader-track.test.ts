import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import {
  luhnValid,
  parseSwipe,
  parseTrack1,
  parseTrack2,
  withLuhnDigit,
} from '../../drivers/cardreader/track-data.js';
import { WedgeDetector, type WedgeOutcome } from '../../drivers/cardreader/wedge-detector.js';
import { idCardRead, magstripeRead } from '../../drivers/cardreader/card-read.js';
import { inspect } from 'node:util';

const PAN = '4111111111111111';
const TRACK1 = `%B${PAN}^DOE/JOHN^2812101123400001000000?`;
const TRACK2 = `;${PAN}=28121011234000001?`;

describe('Luhn', () => {
  it('accepts valid numbers and rejects a changed digit', () => {
    assert.equal(luhnValid(PAN), true);
    assert.equal(luhnValid(withLuhnDigit('622588012345678')), true);
    assert.equal(luhnValid('4111111111111112'), false);
    assert.equal(luhnValid('41111x1111111111'), false);
    assert.equal(luhnValid(''), false);
  });
});

describe('track parsing', () => {
  it('parses track 1 and track 2 to the PAN only', () => {
    assert.deepEqual(parseTrack1(TRACK1), { ok: true, track: 1, pan: PAN });
    assert.deepEqual(parseTrack2(TRACK2), { ok: true, track: 2, pan: PAN });
    // No name or expiry leaks into the result.
    assert.doesNotMatch(JSON.stringify(parseTrack1(TRACK1)), /DOE|2812/);
  });

  it('accepts an LRC after the end sentinel and surrounding whitespace', () => {
    assert.equal(parseTrack2(`${TRACK2}X\r\n`).ok, true);
  });

  it('reports bad Luhn, bad length, read errors and junk without throwing', () => {
    assert.deepEqual(parseTrack2(';4111111111111112=2812?'), { ok: false, reason: 'luhn' });
    assert.deepEqual(parseTrack2(';41111=2812?'), { ok: false, reason: 'pan_length' });
    assert.deepEqual(parseTrack2(';E?'), { ok: false, reason: 'read_error' });
    assert.deepEqual(parseTrack1('%E?'), { ok: false, reason: 'read_error' });
    assert.deepEqual(parseTrack1('hello'), { ok: false, reason: 'format' });
    assert.deepEqual(parseTrack2(''), { ok: false, reason: 'empty' });
  });

  it('parses a combined swipe, preferring track 2 and rejecting disagreeing tracks', () => {
    assert.deepEqual(parseSwipe(TRACK1 + TRACK2), { ok: true, track: 2, pan: PAN });
    assert.deepEqual(parseSwipe(`${TRACK1}\n;E?`), { ok: true, track: 1, pan: PAN });
    const other = withLuhnDigit('622588012345678');
    assert.deepEqual(parseSwipe(`${TRACK1};${other}=2812?`), { ok: false, reason: 'format' });
    assert.deepEqual(parseSwipe('nothing here'), { ok: false, reason: 'format' });
  });
});

function feed(det: WedgeDetector, keys: string[], startMs: number, gapMs: number): WedgeOutcome[] {
  return keys.map((k, i) => det.push(k, startMs + i * gapMs));
}

describe('keyboard-wedge detector', () => {
  const swipeKeys = [...TRACK1, ...TRACK2, 'Enter'];

  it('recognises a fast swipe and holds back every key of it', () => {
    const det = new WedgeDetector();
    const out = feed(det, swipeKeys, 1000, 4);
    const last = out.at(-1)!;
    assert.equal(last.type, 'swipe');
    assert.deepEqual(last.type === 'swipe' && last.result, { ok: true, track: 2, pan: PAN });
    assert.ok(out.slice(0, -1).every((o) => o.type === 'hold'));
  });

  it('ignores the Shift presses a reader sends for % ^ ? and capitals', () => {
    const det = new WedgeDetector();
    const keys = swipeKeys.flatMap((k) => (/[%^?A-Z]/.test(k) ? ['Shift', k] : [k]));
    assert.equal(feed(det, keys, 0, 3).at(-1)!.type, 'swipe');
  });

  it('does not treat slow human typing of the same characters as a swipe', () => {
    const det = new WedgeDetector();
    const out = feed(det, swipeKeys, 1000, 180);
    assert.ok(out.every((o) => o.type !== 'swipe'));
    // The first key was held as a possible swipe and comes back with the second.
    assert.deepEqual(out[1], { type: 'release', keys: ['%', 'B'] });
    // Every key the person typed reaches the page, in order.
    const delivered = out.flatMap((o, i) => (o.type === 'pass' ? [swipeKeys[i]!] : o.type === 'release' ? o.keys : []));
    assert.deepEqual(delivered, swipeKeys);
  });

  it('gives keys back when a burst is too short or a person presses Backspace', () => {
    const det = new WedgeDetector();
    assert.deepEqual(feed(det, [';', '1', '2', 'Enter'], 0, 2).at(-1), { type: 'release', keys: [';', '1', '2', 'Enter'] });
    assert.deepEqual(feed(det, [';', '1', 'Backspace'], 100, 2).at(-1), { type: 'release', keys: [';', '1', 'Backspace'] });
  });

  it('passes ordinary typing straight through', () => {
    const det = new WedgeDetector();
    assert.ok(feed(det, [...'hello 123'], 0, 2).every((o) => o.type === 'pass'));
  });

  it('flushes a swipe that stopped half-way', () => {
    const det = new WedgeDetector();
    feed(det, [...';41111'], 0, 2);
    assert.deepEqual(det.flush(5), { type: 'hold' });
    assert.deepEqual(det.flush(500), { type: 'release', keys: [...';41111'] });
    assert.equal(det.holding, false);
  });

  it('reports a misread swipe as a swipe with a reason', () => {
    const det = new WedgeDetector();
    const last = feed(det, [...';4111111111111112=2812?', 'Enter'], 0, 2).at(-1)!;
    assert.deepEqual(last, { type: 'swipe', result: { ok: false, reason: 'luhn' } });
  });
});

describe('card read', () => {
  it('never shows its number when logged, serialised or spread', () => {
    const card = magstripeRead(PAN, 'hid', 1);
    const id = idCardRead('11010519491231002X', 'sam', 1);
    assert.equal(card.pan, PAN);
    assert.equal(id.idNumber, '11010519491231002X');
    for (const r of [card, id]) {
      const views = [JSON.stringify(r), inspect(r, { showHidden: false }), String(r), JSON.stringify({ ...r }), `${Object.values(r)}`];
      for (const v of views) {
        assert.doesNotMatch(v, /4111|1101/);
      }
    }
    assert.match(JSON.stringify(card), /redacted/);
  });
});

/**
 * ISO 7813 magnetic stripe track parsing and the Luhn check.
 *
 * Pure and free of Node imports: the kiosk page uses it for keyboard-wedge readers, the HID
 * reader for decoded reports. Only the card number (PAN) is returned. Track 1 also carries the
 * cardholder's name and both tracks carry the expiry date and discretionary data; none of that
 * is needed for identification, so it is never extracted.
 *
 *   track 1: %B<PAN up to 19 digits>^<NAME/SURNAME up to 26>^<YYMM><service code><discretionary>?[LRC]
 *   track 2: ;<PAN up to 19 digits>=<YYMM><service code><discretionary>?[LRC]
 */

export type TrackError =
  /** nothing that looks like a track */
  | 'empty'
  /** the reader reported a read error (e.g. `%E?` / `;E?`) */
  | 'read_error'
  /** sentinels or separators missing */
  | 'format'
  /** PAN shorter than 12 or longer than 19 digits */
  | 'pan_length'
  /** PAN fails the Luhn check: a misread, ask for another swipe */
  | 'luhn';

export type TrackParse = { ok: true; track: 1 | 2; pan: string } | { ok: false; reason: TrackError };

const PAN_MIN = 12;
const PAN_MAX = 19;

/** Luhn (mod 10) check over a string of digits; false for anything that is not all digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Appends the Luhn check digit; used by simulators and tests to make valid numbers. */
export function withLuhnDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  return body; // unreachable for digit strings
}

function checkPan(pan: string, track: 1 | 2): TrackParse {
  if (pan.length < PAN_MIN || pan.length > PAN_MAX) return { ok: false, reason: 'pan_length' };
  if (!luhnValid(pan)) return { ok: false, reason: 'luhn' };
  return { ok: true, track, pan };
}

// An optional LRC character may follow the end sentinel; readers differ.
const TRACK1 = /^%B(\d+)\^[^^?]{0,26}\^[^?]*\?.?$/;
const TRACK2 = /^;(\d+)=[0-9=]*\?.?$/;
const READ_ERROR = /^[%;]E\?.?$/;

function parseTrack(text: string, track: 1 | 2): TrackParse {
  const t = text.trim();
  if (t === '') return { ok: false, reason: 'empty' };
  if (READ_ERROR.test(t)) return { ok: false, reason: 'read_error' };
  const m = (track === 1 ? TRACK1 : TRACK2).exec(t);
  return m ? checkPan(m[1]!, track) : { ok: false, reason: 'format' };
}

export function parseTrack1(text: string): TrackParse {
  return parseTrack(text, 1);
}

export function parseTrack2(text: string): TrackParse {
  return parseTrack(text, 2);
}

/**
 * Splits what a reader sent for one swipe (any of track 1, 2, 3 back to back, possibly with
 * CR/LF between them) into tracks by their start sentinels.
 */
export function splitTracks(text: string): { track1?: string; track2?: string } {
  const out: { track1?: string; track2?: string } = {};
  // Track 3 also starts with ';' (ISO 4909); the first ';' segment is track 2.
  const t1 = /%[^?]*\?/.exec(text);
  if (t1) out.track1 = t1[0];
  const t2 = /;[^?%]*\?/.exec(text);
  if (t2) out.track2 = t2[0];
  return out;
}

/**
 * Parses a whole swipe. Track 2 is preferred (numeric, the one every bank card carries); track 1
 * is the fallback. When both decode but disagree, the swipe is treated as a misread.
 */
export function parseSwipe(text: string): TrackParse {
  const { track1, track2 } = splitTracks(text);
  if (track1 === undefined && track2 === undefined) {
    return { ok: false, reason: text.trim() === '' ? 'empty' : 'format' };
  }
  const r2 = track2 !== undefined ? parseTrack2(track2) : undefined;
  const r1 = track1 !== undefined ? parseTrack1(track1) : undefined;
  if (r2?.ok && r1?.ok && r1.pan !== r2.pan) return { ok: false, reason: 'format' };
  if (r2?.ok) return r2;
  if (r1?.ok) return r1;
  return (r2 ?? r1)!;
}

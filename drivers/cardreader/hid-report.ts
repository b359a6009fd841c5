/**
 * HID POS magnetic stripe reader input reports (HID usage page 0x8E), decoded to track text.
 *
 * The default layout is the common vendor-defined one used by MagTek-style USB HID swipe readers
 * (e.g. 0801:0002), one 337-byte input report per swipe:
 *
 *   offset 0..2   decode status of tracks 1, 2, 3 (0 = decoded; anything else = error)
 *   offset 3..5   data length of tracks 1, 2, 3
 *   offset 6      card encode type
 *   offset 7      track 1 data (110 bytes), then track 2 (110), then track 3 (110), ASCII
 *
 * Readers with a report ID prefix or other field sizes are covered by `HidMsrLayout`.
 * Decoding never throws: a short, long or garbled report yields the tracks it can, or none.
 */
export interface HidMsrLayout {
  /** Bytes before the header (1 when the device numbers its reports). */
  prefix: number;
  /** Size of each track data field, tracks 1..3. */
  trackFieldSize: [number, number, number];
}

export const MAGTEK_LAYOUT: HidMsrLayout = { prefix: 0, trackFieldSize: [110, 110, 110] };

const HEADER = 7;

export interface DecodedTracks {
  /** Track text with sentinels, as ISO 7813 writes it; undefined when absent or not decoded. */
  track1?: string;
  track2?: string;
  /** True when the report shape made sense (even if no track decoded). */
  wellFormed: boolean;
}

function trackText(bytes: Uint8Array, sentinel: string): string | undefined {
  let text = '';
  for (const b of bytes) {
    if (b === 0) break;
    // Track data is printable ASCII; anything else means the report is not what we think.
    if (b < 0x20 || b > 0x7e) return undefined;
    text += String.fromCharCode(b);
  }
  if (text === '') return undefined;
  // Some readers strip the start sentinel; put it back so one parser serves all.
  return text.startsWith(sentinel) ? text : sentinel + text;
}

export function decodeHidMsrReport(report: Uint8Array, layout: HidMsrLayout = MAGTEK_LAYOUT): DecodedTracks {
  const { prefix, trackFieldSize } = layout;
  if (!(report instanceof Uint8Array) || report.length < prefix + HEADER) return { wellFormed: false };
  const out: DecodedTracks = { wellFormed: true };
  let offset = prefix + HEADER;
  for (let t = 0; t < 3; t++) {
    const fieldSize = trackFieldSize[t]!;
    const status = report[prefix + t]!;
    const length = Math.min(report[prefix + 3 + t]!, fieldSize);
    const field = report.subarray(offset, Math.min(offset + length, report.length));
    offset += fieldSize;
    if (t === 2 || status !== 0 || length === 0) continue; // track 3 is never needed
    if (field.length < length) {
      out.wellFormed = false;
      continue;
    }
    const text = trackText(field, t === 0 ? '%' : ';');
    if (text === undefined) out.wellFormed = false;
    else if (t === 0) out.track1 = text;
    else out.track2 = text;
  }
  return out;
}

/** Builds a report in the given layout; used by the fake HID device in tests and demos. */
export function encodeHidMsrReport(
  tracks: { track1?: string; track2?: string; track3?: string; failed?: [boolean, boolean, boolean] },
  layout: HidMsrLayout = MAGTEK_LAYOUT,
): Uint8Array {
  const { prefix, trackFieldSize } = layout;
  const total = prefix + HEADER + trackFieldSize[0] + trackFieldSize[1] + trackFieldSize[2];
  const report = new Uint8Array(total);
  const texts = [tracks.track1, tracks.track2, tracks.track3];
  let offset = prefix + HEADER;
  for (let t = 0; t < 3; t++) {
    const text = texts[t] ?? '';
    const size = trackFieldSize[t]!;
    const bytes = Uint8Array.from(text.slice(0, size), (c) => c.charCodeAt(0) & 0x7f);
    report[prefix + t] = tracks.failed?.[t] ? 1 : 0;
    report[prefix + 3 + t] = bytes.length;
    report.set(bytes, offset);
    offset += size;
  }
  report[prefix + 6] = 0; // ISO/ABA encoding
  return report;
}

/**
 * Text for LED modules and call-pad screens. Their font ROMs hold GB2312 (ASCII plus the two-byte
 * area A1A1–F7FE), so anything outside it is mapped to a close GB2312 character or replaced by
 * '?' instead of sending bytes the display would render as garbage.
 */
import iconv from 'iconv-lite';

/** Look-alikes for characters a service might compose that GB2312 lacks. */
const SUBSTITUTES: Record<string, string> = {
  '\u00a5': '\uffe5', // ¥ → ￥
  '\u20ac': 'EUR',
  '\u2013': '-', // en dash
  '\u00a0': ' ',
  '\t': ' ',
  '\n': ' ',
  '\r': ' ',
};

function isGb2312(bytes: Buffer): boolean {
  if (bytes.length === 1) return bytes[0]! >= 0x20 && bytes[0]! <= 0x7e;
  if (bytes.length !== 2) return false;
  const hi = bytes[0]!;
  const lo = bytes[1]!;
  return hi >= 0xa1 && hi <= 0xf7 && lo >= 0xa1 && lo <= 0xfe;
}

/** Encodes text as GB2312 bytes; never throws. Unencodable characters become '?'. */
export function encodeGb2312(text: string): Buffer {
  const parts: Buffer[] = [];
  for (const ch of text) {
    const mapped = SUBSTITUTES[ch] ?? ch;
    for (const c of mapped) {
      const bytes = iconv.encode(c, 'gb18030');
      parts.push(isGb2312(bytes) ? bytes : Buffer.from('?'));
    }
  }
  return Buffer.concat(parts);
}

/**
 * Encodes and cuts to at most maxBytes without splitting a two-byte character, so a long text
 * is shortened rather than rejected by the display.
 */
export function encodeGb2312Limited(text: string, maxBytes: number): Buffer {
  const bytes = encodeGb2312(text);
  if (bytes.length <= maxBytes) return bytes;
  let end = 0;
  while (end < bytes.length) {
    const width = bytes[end]! >= 0x80 ? 2 : 1;
    if (end + width > maxBytes) break;
    end += width;
  }
  return bytes.subarray(0, end);
}

/** Decodes GB2312/GB18030 bytes back to Unicode (the device end: fakes and the lab). */
export function decodeGb(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes), 'gb18030');
}

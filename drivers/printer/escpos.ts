/**
 * A small ESC/POS encoder: just the commands a queue ticket needs (see docs/decisions/0003).
 * Text is encoded as GB18030 and sent in Chinese character mode (FS &), which Chinese receipt
 * printers interpret as two-byte GB codes; characters that GB18030 can only express in four
 * bytes are not printable there and are replaced before encoding.
 */
import iconv from 'iconv-lite';
import { DomainError } from '../../common/errors.js';

export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const EOT = 0x04;
export const LF = 0x0a;

export type Align = 'left' | 'center' | 'right';
export type QrErrorLevel = 'L' | 'M' | 'Q' | 'H';

/** Characters outside two-byte GB18030 with a printable look-alike. Anything else becomes '?'. */
const SUBSTITUTES: Record<string, string> = {
  '¥': '￥',
  '•': '·',
  '–': '-',
  '‐': '-',
  '‑': '-',
  '✓': '√',
  '✔': '√',
  '✗': '×',
  '\u00a0': ' ',
  '\u2009': ' ',
  '\u202f': ' ',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
};

export interface EncodedText {
  bytes: Buffer;
  /** True when any byte is ≥ 0x80, i.e. the run needs Chinese character mode. */
  multiByte: boolean;
  /** Characters that could not be printed as they are and were substituted. */
  replaced: string[];
}

/** Code points printable as one or two GB18030 bytes, cached because tickets repeat text. */
const fits = new Map<string, Buffer | null>();

function twoByteOrLess(ch: string): Buffer | null {
  let hit = fits.get(ch);
  if (hit === undefined) {
    const b = iconv.encode(ch, 'gb18030');
    hit = b.length <= 2 ? b : null;
    if (fits.size < 10_000) fits.set(ch, hit);
  }
  return hit;
}

/**
 * Encodes one line of text. Control characters are dropped so that text from configuration or
 * the queue can never smuggle printer commands; emoji and other four-byte characters are replaced.
 */
export function encodeText(text: string): EncodedText {
  const parts: Buffer[] = [];
  const replaced: string[] = [];
  let multiByte = false;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0)) continue;
    if (cp >= 0xfe00 && cp <= 0xfe0f) continue; // variation selectors ride along with emoji
    if (cp === 0x200d) continue; // zero-width joiner (emoji sequences)
    let b = twoByteOrLess(ch);
    if (!b) {
      replaced.push(ch);
      const sub = SUBSTITUTES[ch];
      b = (sub !== undefined ? twoByteOrLess(sub) : null) ?? Buffer.from('?');
    }
    if (b.length > 1) multiByte = true;
    parts.push(b);
  }
  return { bytes: Buffer.concat(parts), multiByte, replaced };
}

export interface QrOptions {
  /** Module size in dots, 1..16. Default 6 (about 25 mm for a short URL on 203 dpi). */
  size?: number;
  errorLevel?: QrErrorLevel;
  /** QR model 1 or 2; model 2 is what every current printer and phone expects. */
  model?: 1 | 2;
}

const QR_ECC: Record<QrErrorLevel, number> = { L: 48, M: 49, Q: 50, H: 51 };

/** GS ( k functions 165/167/169/180/181: model, module size, error level, store, print. */
export function qrCommands(data: string, opts: QrOptions = {}): Buffer {
  const payload = Buffer.from(data, 'utf8');
  // Store-data length field covers cn, fn, m and the data: k + 3, at most 7092 for model 2.
  const storeLen = payload.length + 3;
  if (payload.length === 0 || storeLen > 7092 + 3) {
    throw new DomainError('QR_PAYLOAD_SIZE', `QR payload must be 1..7092 bytes, got ${payload.length}`, { bytes: payload.length });
  }
  const size = Math.min(16, Math.max(1, Math.round(opts.size ?? 6)));
  const model = opts.model === 1 ? 49 : 50;
  return Buffer.concat([
    Buffer.from([GS, 0x28, 0x6b, 4, 0, 0x31, 0x41, model, 0]),
    Buffer.from([GS, 0x28, 0x6b, 3, 0, 0x31, 0x43, size]),
    Buffer.from([GS, 0x28, 0x6b, 3, 0, 0x31, 0x45, QR_ECC[opts.errorLevel ?? 'M']]),
    Buffer.from([GS, 0x28, 0x6b, storeLen & 0xff, storeLen >> 8, 0x31, 0x50, 0x30]),
    payload,
    Buffer.from([GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30]),
  ]);
}

export interface TextStyle {
  /** Character width and height multipliers, 1..8 (GS !). */
  width?: number;
  height?: number;
  bold?: boolean;
  align?: Align;
}

const clampSize = (n: number | undefined) => Math.min(8, Math.max(1, Math.round(n ?? 1)));

/**
 * Builds a document as a byte sequence. Every style command is explicit per line so that a
 * document never depends on the state a previous document left behind (and ESC @ starts each one).
 */
export class EscPosBuilder {
  readonly #parts: Buffer[] = [];
  readonly replaced: string[] = [];
  #kanji = false;

  raw(bytes: Uint8Array | number[]): this {
    this.#parts.push(Buffer.from(bytes));
    return this;
  }

  /** ESC @: reset the printer's modes to power-on defaults. */
  init(): this {
    this.#kanji = false;
    return this.raw([ESC, 0x40]);
  }

  align(a: Align): this {
    return this.raw([ESC, 0x61, a === 'left' ? 0 : a === 'center' ? 1 : 2]);
  }

  bold(on: boolean): this {
    return this.raw([ESC, 0x45, on ? 1 : 0]);
  }

  /** GS !: width multiplier in the high nibble, height in the low nibble (both minus one). */
  size(width = 1, height = 1): this {
    return this.raw([GS, 0x21, ((clampSize(width) - 1) << 4) | (clampSize(height) - 1)]);
  }

  /** Text without a line end; switches Chinese character mode on or off as the text needs. */
  text(s: string): this {
    const enc = this.encodeRun(s);
    this.#parts.push(enc);
    return this;
  }

  line(s = '', style?: TextStyle): this {
    if (style) this.style(style);
    this.text(s);
    return this.raw([LF]);
  }

  style(style: TextStyle): this {
    this.align(style.align ?? 'left');
    this.bold(style.bold ?? false);
    return this.size(style.width ?? 1, style.height ?? 1);
  }

  /** ESC d n: print and feed n lines. */
  feed(lines = 1): this {
    return this.raw([ESC, 0x64, Math.min(255, Math.max(0, Math.round(lines)))]);
  }

  qr(data: string, opts?: QrOptions): this {
    this.#parts.push(qrCommands(data, opts));
    return this;
  }

  /** GS V 65/66 n: feed n dots to the cutter position then cut (full or partial). */
  cut(opts: { partial?: boolean; feedDots?: number } = {}): this {
    this.leaveKanji();
    return this.raw([GS, 0x56, opts.partial ? 66 : 65, Math.min(255, Math.max(0, Math.round(opts.feedDots ?? 0)))]);
  }

  leaveKanji(): this {
    if (this.#kanji) {
      this.#kanji = false;
      this.raw([FS, 0x2e]);
    }
    return this;
  }

  bytes(): Uint8Array {
    return Buffer.concat(this.#parts);
  }

  private encodeRun(s: string): Buffer {
    const enc = encodeText(s);
    this.replaced.push(...enc.replaced);
    if (enc.multiByte && !this.#kanji) {
      this.#kanji = true;
      return Buffer.concat([Buffer.from([FS, 0x26]), enc.bytes]);
    }
    if (!enc.multiByte && this.#kanji) {
      this.#kanji = false;
      return Buffer.concat([Buffer.from([FS, 0x2e]), enc.bytes]);
    }
    return enc.bytes;
  }
}

/** Real-time status request DLE EOT n (n = 1 printer, 2 offline cause, 3 error cause, 4 paper). */
export function statusRequest(n: 1 | 2 | 3 | 4): Uint8Array {
  return Uint8Array.of(DLE, EOT, n);
}

/** GS a n: enable automatic status back for online/offline, errors and paper sensors (0x0e); 0 disables. */
export function asbEnable(on = true): Uint8Array {
  return Uint8Array.of(GS, 0x61, on ? 0x0e : 0);
}

/**
 * An ESC/POS decoder: the inverse of escpos.ts, pure (no paper, no printer condition, no I/O).
 * Bytes go in; out come what a printer would put on paper, in order (text lines with their
 * alignment, emphasis and size, GB18030 in Chinese character mode decoded back to Unicode; QR
 * codes with their payloads; feeds; cuts) and the real-time commands a printer answers (DLE EOT
 * status requests, GS a automatic status back). decodeTickets() groups the paper items into the
 * tickets the cuts separate.
 *
 * The fake printer runs it on the device end of a cable; tests use it to read back what the
 * product printed. Commands it does not model are skipped by their known lengths; a byte it
 * cannot show prints as '?'. Garbage is decoded as best it can be and never throws.
 */
import iconv from 'iconv-lite';
import { z } from 'zod';
import { ByteParser, parserOptions } from '../codec/byte-parser.js';
import type { Align, QrErrorLevel } from './escpos.js';
import type { StatusRequestNumber } from './status.js';

export interface TextRun {
  text: string;
  bold: boolean;
  width: number;
  height: number;
}

export interface PaperTextLine {
  type: 'text';
  /** The whole line as printed (all runs joined). */
  text: string;
  align: Align;
  /** Style of the line's first run; `runs` has the detail for mixed lines. */
  bold: boolean;
  width: number;
  height: number;
  runs: TextRun[];
}

export interface PaperQr {
  type: 'qr';
  data: string;
  moduleSize: number;
  errorLevel: QrErrorLevel;
  model: 1 | 2;
  align: Align;
}

export interface PaperFeed {
  type: 'feed';
  lines: number;
}

/** What goes on paper. */
export type PaperItem = PaperTextLine | PaperQr | PaperFeed;

/** Everything the decoder reports, in the order of the bytes. */
export type EscPosEvent =
  | PaperItem
  | { type: 'cut'; cut: 'full' | 'partial' }
  /** DLE EOT n: the printer answers with one status byte. */
  | { type: 'status_request'; n: StatusRequestNumber }
  /** GS a n: automatic status back on (mask ≠ 0) or off. */
  | { type: 'asb'; mask: number };

/** The paper between two cuts. */
export interface PrintedTicket {
  items: PaperItem[];
  cut: 'full' | 'partial';
  /** Text lines only, in order (blank lines included as ''). */
  lines: PaperTextLine[];
  qrCodes: string[];
}

interface Style {
  align: Align;
  bold: boolean;
  width: number;
  height: number;
  kanji: boolean;
}

const ALIGNS: Align[] = ['left', 'center', 'right'];
const ECC: Record<number, QrErrorLevel> = { 48: 'L', 49: 'M', 50: 'Q', 51: 'H' };
const initialStyle = (): Style => ({ align: 'left', bold: false, width: 1, height: 1, kanji: false });

const decoderOptions = z
  .object({
    /**
     * A declared command length beyond this is garbage: the header is skipped instead of waiting
     * for that many bytes. ESC/POS allows up to 64 KiB for GS ( functions.
     */
    maxCommandBytes: z.number().int().min(16).max(1 << 24).default(70_000),
  })
  .strict();
export type EscPosDecoderOptions = z.input<typeof decoderOptions>;

type Emit = (event: EscPosEvent) => void;

/**
 * A Transform stream from ESC/POS bytes to paper items, cuts and status requests.
 * @example
 * import { SerialPort } from 'serialport';
 * const port = new SerialPort({ path: '/tmp/printer-end', baudRate: 115200 });
 * const paper = port.pipe(new EscPosDecoder({ maxCommandBytes: 70_000 }));
 * paper.on('data', (e: EscPosEvent) => {
 *   if (e.type === 'text') console.log(e.align, e.width, e.text);
 *   if (e.type === 'qr') console.log('QR', e.data);
 *   if (e.type === 'cut') console.log('--- cut ---');
 * });
 */
export class EscPosDecoder extends ByteParser<EscPosEvent> {
  readonly #maxCommand: number;
  #style: Style = initialStyle();
  #line: { align: Align; runs: TextRun[] } | undefined;
  #qr = { model: 2 as 1 | 2, size: 3, ecc: 'L' as QrErrorLevel, data: Buffer.alloc(0) };

  constructor(options?: EscPosDecoderOptions) {
    super();
    this.#maxCommand = parserOptions('EscPosDecoder', decoderOptions, options).maxCommandBytes;
  }

  protected decode(chunk: Uint8Array, emit: Emit): void {
    const buf = this.withHeld(chunk);
    let pos = 0;
    while (pos < buf.length) {
      const used = this.#step(buf, pos, emit);
      if (used === 0) break; // incomplete command: wait for more bytes
      pos += used;
    }
    this.held = buf.subarray(pos);
  }

  /** Decodes one command or character at pos; returns bytes used, 0 when more are needed. */
  #step(b: Buffer, pos: number, emit: Emit): number {
    const c = b[pos]!;
    switch (c) {
      case 0x0a:
        this.#endLine(emit);
        return 1;
      case 0x09:
        this.#char(' ');
        return 1;
      case 0x10:
        return this.#dle(b, pos, emit);
      case 0x1b:
        return this.#esc(b, pos, emit);
      case 0x1c:
        return this.#fs(b, pos);
      case 0x1d:
        return this.#gs(b, pos, emit);
    }
    if (c < 0x20 || c === 0x7f) return 1; // other control bytes do nothing here
    if (c < 0x80) {
      this.#char(String.fromCharCode(c));
      return 1;
    }
    if (this.#style.kanji && c >= 0x81 && c <= 0xfe) {
      const t = b[pos + 1];
      if (t === undefined) return 0;
      if (t >= 0x40 && t <= 0xfe && t !== 0x7f) {
        this.#char(iconv.decode(b.subarray(pos, pos + 2), 'gb18030'));
        return 2;
      }
    }
    this.#char('?'); // a byte this printer cannot show (no code page support here)
    return 1;
  }

  /** DLE EOT n / DLE ENQ n are real-time commands; DLE DC4 fn m t is a pulse request. */
  #dle(b: Buffer, pos: number, emit: Emit): number {
    const cmd = b[pos + 1];
    if (cmd === undefined) return 0;
    if (cmd === 0x04 || cmd === 0x05) {
      const n = b[pos + 2];
      if (n === undefined) return 0;
      if (cmd === 0x04 && (n === 1 || n === 2 || n === 3 || n === 4)) emit({ type: 'status_request', n });
      return 3;
    }
    if (cmd === 0x14) return b.length - pos >= 5 ? 5 : 0;
    return 2;
  }

  #esc(b: Buffer, pos: number, emit: Emit): number {
    const cmd = b[pos + 1];
    if (cmd === undefined) return 0;
    const arg = b[pos + 2];
    const need1 = (apply: (n: number) => void): number => {
      if (arg === undefined) return 0;
      apply(arg);
      return 3;
    };
    switch (cmd) {
      case 0x40: // ESC @
        this.#flushLine(emit);
        this.#style = initialStyle();
        return 2;
      case 0x61: // ESC a n
        return need1((n) => (this.#style.align = ALIGNS[n % 48] ?? 'left'));
      case 0x45: // ESC E n
        return need1((n) => (this.#style.bold = (n & 1) === 1));
      case 0x21: // ESC ! n: print mode (bit 3 bold, bit 4 double height, bit 5 double width)
        return need1((n) => {
          this.#style.bold = (n & 0x08) !== 0;
          this.#style.height = n & 0x10 ? 2 : 1;
          this.#style.width = n & 0x20 ? 2 : 1;
        });
      case 0x64: // ESC d n: print and feed n lines
        return need1((n) => {
          this.#flushLine(emit);
          if (n > 0) emit({ type: 'feed', lines: n });
        });
      case 0x4a: // ESC J n: feed n dots
        return need1(() => this.#flushLine(emit));
      case 0x69: // ESC i / ESC m: old partial cut
      case 0x6d:
        this.#cut('partial', emit);
        return 2;
      case 0x32: // ESC 2: default line spacing
      case 0x3c:
        return 2;
      case 0x70: // ESC p m t1 t2: drawer pulse
        return b.length - pos >= 5 ? 5 : 0;
      case 0x63: // ESC c x n
        return b.length - pos >= 4 ? 4 : 0;
      case 0x44: {
        // ESC D n1..nk NUL: tab positions
        const end = b.indexOf(0, pos + 2);
        if (end < 0) return b.length - pos > 40 ? 2 : 0;
        return end - pos + 1;
      }
      default:
        // Most remaining ESC commands take one parameter (ESC 3 n, ESC M n, ESC t n, ESC - n …).
        return arg === undefined ? 0 : 3;
    }
  }

  #fs(b: Buffer, pos: number): number {
    const cmd = b[pos + 1];
    if (cmd === undefined) return 0;
    switch (cmd) {
      case 0x26: // FS &: Chinese character mode on
        this.#style.kanji = true;
        return 2;
      case 0x2e: // FS .: off
        this.#style.kanji = false;
        return 2;
      case 0x70: // FS p n m: print NV image
        return b.length - pos >= 4 ? 4 : 0;
      default:
        return b.length - pos >= 3 ? 3 : 0;
    }
  }

  #gs(b: Buffer, pos: number, emit: Emit): number {
    const cmd = b[pos + 1];
    if (cmd === undefined) return 0;
    const arg = b[pos + 2];
    switch (cmd) {
      case 0x21: // GS ! n
        if (arg === undefined) return 0;
        this.#style.width = ((arg >> 4) & 7) + 1;
        this.#style.height = (arg & 7) + 1;
        return 3;
      case 0x56: {
        // GS V m [n]: m 0/48/97/103 full, 1/49/98/104 partial; 65/66 and 97.. take a feed amount
        if (arg === undefined) return 0;
        const withFeed = arg === 65 || arg === 66 || arg === 97 || arg === 98 || arg === 103 || arg === 104;
        if (withFeed && b[pos + 3] === undefined) return 0;
        const partial = arg === 1 || arg === 49 || arg === 66 || arg === 98 || arg === 104;
        this.#cut(partial ? 'partial' : 'full', emit);
        return withFeed ? 4 : 3;
      }
      case 0x61: // GS a n: automatic status back
        if (arg === undefined) return 0;
        emit({ type: 'asb', mask: arg });
        return 3;
      case 0x28: {
        // GS ( fn pL pH data…: length-prefixed, so unknown functions can be skipped safely.
        const pL = b[pos + 3];
        const pH = b[pos + 4];
        if (arg === undefined || pL === undefined || pH === undefined) return 0;
        const len = pL + pH * 256;
        if (len + 5 > this.#maxCommand) return this.#garbage(b, pos);
        if (b.length - pos < 5 + len) return 0;
        if (arg === 0x6b) this.#qrFunction(b.subarray(pos + 5, pos + 5 + len), emit);
        return 5 + len;
      }
      case 0x76: {
        // GS v 0 m xL xH yL yH data: raster image, skipped
        if (b.length - pos < 8) return 0;
        const size = (b[pos + 4]! + b[pos + 5]! * 256) * (b[pos + 6]! + b[pos + 7]! * 256);
        if (size + 8 > this.#maxCommand) return this.#garbage(b, pos);
        return b.length - pos >= 8 + size ? 8 + size : 0;
      }
      case 0x4c: // GS L nL nH, GS W nL nH
      case 0x57:
        return b.length - pos >= 4 ? 4 : 0;
      default:
        return arg === undefined ? 0 : 3;
    }
  }

  /** A command header declaring more than any real command: skip it and decode what follows. */
  #garbage(b: Buffer, pos: number): number {
    this.discard('command length out of range', b.subarray(pos, pos + 2));
    return 2;
  }

  #qrFunction(p: Buffer, emit: Emit): void {
    const cn = p[0];
    const fn = p[1];
    if (cn !== 0x31 || fn === undefined) return;
    switch (fn) {
      case 0x41:
        this.#qr.model = p[2] === 49 ? 1 : 2;
        break;
      case 0x43:
        this.#qr.size = p[2] ?? this.#qr.size;
        break;
      case 0x45:
        this.#qr.ecc = ECC[p[2] ?? 0] ?? this.#qr.ecc;
        break;
      case 0x50:
        this.#qr.data = Buffer.from(p.subarray(3));
        break;
      case 0x51:
        this.#flushLine(emit);
        emit({
          type: 'qr',
          data: this.#qr.data.toString('utf8'),
          moduleSize: this.#qr.size,
          errorLevel: this.#qr.ecc,
          model: this.#qr.model,
          align: this.#style.align,
        });
        break;
    }
  }

  #char(ch: string): void {
    const s = this.#style;
    this.#line ??= { align: s.align, runs: [] };
    const last = this.#line.runs[this.#line.runs.length - 1];
    if (last && last.bold === s.bold && last.width === s.width && last.height === s.height) last.text += ch;
    else this.#line.runs.push({ text: ch, bold: s.bold, width: s.width, height: s.height });
  }

  #flushLine(emit: Emit): void {
    if (this.#line) this.#endLine(emit);
  }

  #endLine(emit: Emit): void {
    const s = this.#style;
    const line = this.#line ?? { align: s.align, runs: [] };
    this.#line = undefined;
    const first = line.runs[0];
    emit({
      type: 'text',
      text: line.runs.map((r) => r.text).join(''),
      align: line.align,
      bold: first?.bold ?? s.bold,
      width: first?.width ?? s.width,
      height: first?.height ?? s.height,
      runs: line.runs,
    });
  }

  #cut(kind: 'full' | 'partial', emit: Emit): void {
    this.#flushLine(emit);
    emit({ type: 'cut', cut: kind });
  }
}

/** Collects paper items and closes a ticket at each cut. */
export class TicketCollector {
  #items: PaperItem[] = [];

  /** Adds one decoder event; returns the ticket a cut finished, if any. */
  add(event: EscPosEvent): PrintedTicket | undefined {
    if (event.type === 'text' || event.type === 'qr' || event.type === 'feed') {
      this.#items.push(event);
      return undefined;
    }
    if (event.type !== 'cut') return undefined;
    const items = this.#items;
    this.#items = [];
    return {
      items,
      cut: event.cut,
      lines: items.filter((i): i is PaperTextLine => i.type === 'text'),
      qrCodes: items.filter((i): i is PaperQr => i.type === 'qr').map((q) => q.data),
    };
  }

  /** Forgets what is on paper since the last cut (torn off by hand). */
  tearOff(): void {
    this.#items = [];
  }
}

/** The tickets in a byte sequence (what follows the last cut is not a ticket yet). */
export function decodeTickets(bytes: Uint8Array, options?: EscPosDecoderOptions): PrintedTicket[] {
  const collector = new TicketCollector();
  const tickets: PrintedTicket[] = [];
  for (const event of new EscPosDecoder(options).feed(bytes)) {
    const ticket = collector.add(event);
    if (ticket) tickets.push(ticket);
  }
  return tickets;
}

/** Plain text of a ticket, one line per paper line (QR codes shown as [QR payload]). */
export function ticketText(t: PrintedTicket): string {
  return t.items.map((i) => (i.type === 'text' ? i.text : i.type === 'qr' ? `[QR ${i.data}]` : '')).join('\n');
}

/**
 * A simulated ESC/POS ticket printer. It decodes the byte stream the way a printer would and
 * keeps the result as "paper": text lines with their alignment, emphasis and size (GB18030 in
 * Chinese mode decoded back to Unicode), QR codes with their payloads, and cuts. Each cut finishes
 * a ticket and emits `ticket`. It answers DLE EOT and automatic status back (GS a) from a
 * simulated condition that tests and the demo lab can change.
 *
 * Used by demo mode (behind a memory cable) and by tests (on the device end of a pty). Garbage
 * bytes are decoded as best they can be and never throw.
 */
import { EventEmitter } from 'node:events';
import iconv from 'iconv-lite';
import type { Align, QrErrorLevel } from '../printer/escpos.js';
import type { Transport } from '../transport/transport.js';

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

export type PaperItem = PaperTextLine | PaperQr | PaperFeed;

export interface PrintedTicket {
  items: PaperItem[];
  cut: 'full' | 'partial';
  /** Text lines only, in order (blank lines included as ''). */
  lines: PaperTextLine[];
  qrCodes: string[];
}

export interface FakePrinterCondition {
  paperNearEnd: boolean;
  paperEnd: boolean;
  coverOpen: boolean;
  cutterError: boolean;
  /** false: the printer stops answering status requests (its status line is dead or it hangs). */
  answering: boolean;
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
/** A declared command length beyond this is garbage; skip the header instead of waiting for it. */
const MAX_COMMAND = 70_000;

const initialStyle = (): Style => ({ align: 'left', bold: false, width: 1, height: 1, kanji: false });

export interface FakePrinterEvents {
  ticket: (t: PrintedTicket) => void;
  reply: (bytes: Buffer) => void;
}

export class FakePrinter extends EventEmitter {
  readonly tickets: PrintedTicket[] = [];
  /** Every byte received, for tests that look at the raw stream. */
  received = 0;
  /** Internal decoder faults that were caught (should stay 0; tests assert it). */
  decodeFaults = 0;
  /** Status requests seen (DLE EOT n), answered or not. */
  statusRequests = 0;
  #buf: Buffer = Buffer.alloc(0);
  #style: Style = initialStyle();
  #items: PaperItem[] = [];
  #line: { align: Align; runs: TextRun[] } | undefined;
  #qr = { model: 2 as 1 | 2, size: 3, ecc: 'L' as QrErrorLevel, data: Buffer.alloc(0) };
  #asb = 0;
  #cond: FakePrinterCondition = { paperNearEnd: false, paperEnd: false, coverOpen: false, cutterError: false, answering: true };
  #send: ((bytes: Buffer) => void) | undefined;

  /** Where replies go (a transport's write); set by attach helpers. */
  setSink(send: ((bytes: Buffer) => void) | undefined): void {
    this.#send = send;
  }

  get condition(): FakePrinterCondition {
    return { ...this.#cond };
  }

  setPaperNearEnd(on: boolean): void {
    this.#change({ paperNearEnd: on });
  }
  setPaperEnd(on: boolean): void {
    this.#change({ paperEnd: on });
  }
  setCoverOpen(on: boolean): void {
    this.#change({ coverOpen: on });
  }
  setCutterError(on: boolean): void {
    this.#change({ cutterError: on });
  }
  setAnswering(on: boolean): void {
    this.#change({ answering: on });
  }

  /** Feed bytes from the wire. Never throws. */
  receive(chunk: Uint8Array): void {
    this.received += chunk.length;
    this.#buf = this.#buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#buf, chunk]);
    try {
      let pos = 0;
      while (pos < this.#buf.length) {
        const used = this.#step(this.#buf, pos);
        if (used === 0) break; // incomplete command: wait for more bytes
        pos += used;
      }
      this.#buf = this.#buf.subarray(pos);
    } catch {
      this.decodeFaults++;
      this.#buf = Buffer.alloc(0);
    }
  }

  override on<E extends keyof FakePrinterEvents>(event: E, listener: FakePrinterEvents[E]): this {
    return super.on(event, listener);
  }
  override once<E extends keyof FakePrinterEvents>(event: E, listener: FakePrinterEvents[E]): this {
    return super.once(event, listener);
  }
  override off<E extends keyof FakePrinterEvents>(event: E, listener: FakePrinterEvents[E]): this {
    return super.off(event, listener);
  }

  // ---- condition and status replies ----

  #change(patch: Partial<FakePrinterCondition>): void {
    const before = this.#asbBytes().toString('hex');
    this.#cond = { ...this.#cond, ...patch };
    if (this.#asb !== 0 && this.#asbBytes().toString('hex') !== before) this.#reply(this.#asbBytes());
  }

  /** Printing stops (data is lost, not held) while any of these is set. */
  #blocked(): boolean {
    return this.#cond.paperEnd || this.#cond.coverOpen || this.#cond.cutterError;
  }

  #realtimeByte(n: number): number {
    const c = this.#cond;
    switch (n) {
      case 1:
        return 0x12 | (this.#blocked() ? 0x08 : 0);
      case 2:
        return 0x12 | (c.coverOpen ? 0x04 : 0) | (c.paperEnd ? 0x20 : 0) | (c.cutterError ? 0x40 : 0);
      case 3:
        return 0x12 | (c.cutterError ? 0x08 : 0);
      default:
        return 0x12 | (c.paperNearEnd || c.paperEnd ? 0x0c : 0) | (c.paperEnd ? 0x60 : 0);
    }
  }

  #asbBytes(): Buffer {
    const c = this.#cond;
    return Buffer.from([
      0x10 | (this.#blocked() ? 0x08 : 0) | (c.coverOpen ? 0x20 : 0),
      c.cutterError ? 0x08 : 0,
      (c.paperNearEnd || c.paperEnd ? 0x03 : 0) | (c.paperEnd ? 0x0c : 0),
      0,
    ]);
  }

  #reply(bytes: Buffer): void {
    if (!this.#cond.answering) return;
    this.emit('reply', bytes);
    this.#send?.(bytes);
  }

  // ---- decoder ----

  /** Decodes one command or character at pos; returns bytes used, 0 when more are needed. */
  #step(b: Buffer, pos: number): number {
    const c = b[pos]!;
    const avail = b.length - pos;
    const at = (i: number): number | undefined => b[pos + i];
    switch (c) {
      case 0x0a:
        this.#endLine();
        return 1;
      case 0x09:
        this.#char(' ');
        return 1;
      case 0x10: {
        // DLE EOT n / DLE ENQ n are real-time commands; DLE DC4 fn m t is a pulse request.
        const cmd = at(1);
        if (cmd === undefined) return 0;
        if (cmd === 0x04 || cmd === 0x05) {
          const n = at(2);
          if (n === undefined) return 0;
          if (cmd === 0x04 && n >= 1 && n <= 4) {
            this.statusRequests++;
            this.#reply(Buffer.of(this.#realtimeByte(n)));
          }
          return 3;
        }
        if (cmd === 0x14) return avail >= 5 ? 5 : 0;
        return 2;
      }
      case 0x1b:
        return this.#esc(b, pos);
      case 0x1c:
        return this.#fs(b, pos);
      case 0x1d:
        return this.#gs(b, pos);
      default:
        break;
    }
    if (c < 0x20 || c === 0x7f) return 1; // other control bytes do nothing here
    if (c < 0x80) {
      this.#char(String.fromCharCode(c));
      return 1;
    }
    if (this.#style.kanji && c >= 0x81 && c <= 0xfe) {
      const t = at(1);
      if (t === undefined) return 0;
      if (t >= 0x40 && t <= 0xfe && t !== 0x7f) {
        this.#char(iconv.decode(b.subarray(pos, pos + 2), 'gb18030'));
        return 2;
      }
    }
    this.#char('?'); // a byte this printer cannot show (no code page support here)
    return 1;
  }

  #esc(b: Buffer, pos: number): number {
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
        this.#flushLineIfAny();
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
          this.#flushLineIfAny();
          if (n > 0 && !this.#blocked()) this.#items.push({ type: 'feed', lines: n });
        });
      case 0x4a: // ESC J n: feed n dots
        return need1(() => this.#flushLineIfAny());
      case 0x69: // ESC i / ESC m: old partial cut
      case 0x6d:
        this.#cut('partial');
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

  #gs(b: Buffer, pos: number): number {
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
        this.#cut(partial ? 'partial' : 'full');
        return withFeed ? 4 : 3;
      }
      case 0x61: // GS a n: automatic status back
        if (arg === undefined) return 0;
        this.#asb = arg;
        if (arg !== 0) this.#reply(this.#asbBytes());
        return 3;
      case 0x28: {
        // GS ( fn pL pH data…: length-prefixed, so unknown functions can be skipped safely.
        const pL = b[pos + 3];
        const pH = b[pos + 4];
        if (arg === undefined || pL === undefined || pH === undefined) return 0;
        const len = pL + pH * 256;
        if (len + 5 > MAX_COMMAND) return 2;
        if (b.length - pos < 5 + len) return 0;
        if (arg === 0x6b) this.#qrFunction(b.subarray(pos + 5, pos + 5 + len));
        return 5 + len;
      }
      case 0x76: {
        // GS v 0 m xL xH yL yH data: raster image, skipped
        if (b.length - pos < 8) return 0;
        const size = (b[pos + 4]! + b[pos + 5]! * 256) * (b[pos + 6]! + b[pos + 7]! * 256);
        if (size + 8 > MAX_COMMAND) return 2;
        return b.length - pos >= 8 + size ? 8 + size : 0;
      }
      case 0x4c: // GS L nL nH, GS W nL nH
      case 0x57:
        return b.length - pos >= 4 ? 4 : 0;
      default:
        return arg === undefined ? 0 : 3;
    }
  }

  #qrFunction(p: Buffer): void {
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
        this.#flushLineIfAny();
        if (!this.#blocked()) {
          this.#items.push({
            type: 'qr',
            data: this.#qr.data.toString('utf8'),
            moduleSize: this.#qr.size,
            errorLevel: this.#qr.ecc,
            model: this.#qr.model,
            align: this.#style.align,
          });
        }
        break;
    }
  }

  // ---- paper ----

  #char(ch: string): void {
    if (this.#blocked()) return;
    const s = this.#style;
    this.#line ??= { align: s.align, runs: [] };
    const last = this.#line.runs[this.#line.runs.length - 1];
    if (last && last.bold === s.bold && last.width === s.width && last.height === s.height) last.text += ch;
    else this.#line.runs.push({ text: ch, bold: s.bold, width: s.width, height: s.height });
  }

  #flushLineIfAny(): void {
    if (this.#line) this.#endLine();
  }

  #endLine(): void {
    if (this.#blocked()) {
      this.#line = undefined;
      return;
    }
    const s = this.#style;
    const line = this.#line ?? { align: s.align, runs: [] };
    this.#line = undefined;
    const first = line.runs[0];
    this.#items.push({
      type: 'text',
      text: line.runs.map((r) => r.text).join(''),
      align: line.align,
      bold: first?.bold ?? s.bold,
      width: first?.width ?? s.width,
      height: first?.height ?? s.height,
      runs: line.runs,
    });
  }

  #cut(kind: 'full' | 'partial'): void {
    this.#flushLineIfAny();
    const items = this.#items;
    this.#items = [];
    if (this.#blocked()) return; // the cutter does not run; what was on paper is torn off by hand
    const ticket: PrintedTicket = {
      items,
      cut: kind,
      lines: items.filter((i): i is PaperTextLine => i.type === 'text'),
      qrCodes: items.filter((i): i is PaperQr => i.type === 'qr').map((q) => q.data),
    };
    this.tickets.push(ticket);
    if (this.tickets.length > 1000) this.tickets.shift(); // demo mode runs for days
    this.emit('ticket', ticket);
  }
}

/** Plain text of a ticket, one line per paper line (QR codes shown as [QR payload]). */
export function ticketText(t: PrintedTicket): string {
  return t.items
    .map((i) => (i.type === 'text' ? i.text : i.type === 'qr' ? `[QR ${i.data}]` : ''))
    .join('\n');
}

/** Connects a fake printer to the device end of a transport; returns a detach function. */
export function attachFakePrinter(fake: FakePrinter, transport: Transport): () => void {
  const onData = (chunk: Buffer) => fake.receive(chunk);
  transport.on('data', onData);
  fake.setSink((bytes) => {
    transport.write(bytes).catch(() => {}); // a reply into an unplugged cable is lost, as on a wire
  });
  return () => {
    transport.off('data', onData);
    fake.setSink(undefined);
  };
}

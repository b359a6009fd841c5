/**
 * "line": one ASCII line per instruction, NMEA style: `$001,TXT,F,<text>*5C\r\n`, text in GB2312,
 * XOR checksum in hex. Fire and forget: these controllers never answer, so the driver can only
 * judge the port. Byte layout: docs/devices/displays.md. Both ends live here: the host's encoder
 * and the display's line parser (used by the fake display and the demo lab).
 */
import { z } from 'zod';
import { MessageParser, parserOptions } from '../../codec/byte-parser.js';
import { DelimitedParser } from '../../codec/delimited-parser.js';
import { xor8 } from '../../codec/checksum.js';
import { decodeGb, encodeGb2312Limited } from '../../codec/gb-text.js';
import type { AddressedInstruction, DisplayCommand, DisplayProtocol } from '../protocol.js';

const DOLLAR = 0x24;
const STAR = 0x2a;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const MAX_TEXT_BYTES = 200;
const MAX_ROWS = 16;

/** Characters with a meaning in the line ('$', '*', '|', CR, LF, other controls) leave the text as spaces. */
function sanitize(text: string): string {
  return text.replace(/[$*|\x00-\x1f\x7f]/g, ' ');
}

function line(address: number, fields: Array<string | Uint8Array>): Uint8Array {
  const head = Buffer.from(String(address).padStart(3, '0'), 'ascii');
  const parts: Buffer[] = [head];
  for (const f of fields) parts.push(Buffer.from(','), typeof f === 'string' ? Buffer.from(f, 'ascii') : Buffer.from(f));
  const payload = Buffer.concat(parts);
  const cs = xor8(payload).toString(16).toUpperCase().padStart(2, '0');
  return Buffer.concat([Buffer.from('$'), payload, Buffer.from(`*${cs}\r\n`, 'ascii')]);
}

function encode(instruction: AddressedInstruction): Uint8Array {
  switch (instruction.kind) {
    case 'counter':
      return line(instruction.address, [
        'TXT',
        instruction.flash ? 'F' : 'S',
        encodeGb2312Limited(sanitize(instruction.text), MAX_TEXT_BYTES),
      ]);
    case 'board': {
      // Rows share one line so that one instruction stays one atomic write.
      const rows = instruction.rows.slice(0, MAX_ROWS).map((r) => sanitize(r));
      const joined = Buffer.from(encodeGb2312Limited(rows.join('|'), MAX_TEXT_BYTES));
      return line(instruction.address, ['BRD', joined]);
    }
    case 'clear':
      return line(instruction.address, ['CLR']);
  }
}

/** A checked line: its address and what follows `AAA,` up to the `*`. */
export interface DisplayLine {
  address: number;
  body: Buffer;
}

const lineParserOptions = z
  .object({
    /** Longest line taken (from `$` to LF); a longer run is noise. */
    maxLineBytes: z.number().int().min(10).max(4096).default(300),
  })
  .strict();
export type LineParserOptions = z.input<typeof lineParserOptions>;

/**
 * A Transform stream that splits the bytes of a `line` display bus into checked lines. A `$`
 * always starts a new line, so it resynchronises after any garbage; malformed, over-long and
 * checksum-failed lines and bytes outside lines are dropped and reported.
 * @example
 * import { SerialPort } from 'serialport';
 * const port = new SerialPort({ path: '/dev/ttyS1', baudRate: 9600 });
 * const lines = port.pipe(new LineParser({ maxLineBytes: 300 }));
 * lines.on('data', (l: DisplayLine) => console.log(l.address, l.body.toString('latin1')));
 */
export class LineParser extends DelimitedParser<DisplayLine> {
  constructor(options?: LineParserOptions) {
    const { maxLineBytes } = parserOptions('LineParser', lineParserOptions, options);
    super({ start: DOLLAR, end: LF, keepEnd: true, maxBytes: maxLineBytes, unit: 'line' });
  }

  /** bytes: everything after `$` up to and including LF. */
  protected check(bytes: Uint8Array): DisplayLine | undefined {
    const n = bytes.length;
    if (n < 8 || bytes[n - 2] !== CR || bytes[n - 5] !== STAR) {
      this.discard('malformed line', bytes);
      return undefined;
    }
    const payload = bytes.subarray(0, n - 5);
    const csText = Buffer.from(bytes.subarray(n - 4, n - 2)).toString('latin1'); // not 'ascii': it drops bit 7
    if (!/^[0-9A-F]{2}$/.test(csText) || parseInt(csText, 16) !== xor8(payload)) {
      this.discard('bad checksum', bytes);
      return undefined;
    }
    const addrText = Buffer.from(payload.subarray(0, 3)).toString('latin1');
    if (!/^\d{3}$/.test(addrText) || payload[3] !== COMMA) {
      this.discard('bad address', bytes);
      return undefined;
    }
    return { address: Number(addrText), body: Buffer.from(payload.subarray(4)) };
  }
}

function toCommand({ address, body }: DisplayLine, reject: (reason: string, bytes: Uint8Array) => undefined): DisplayCommand | undefined {
  const cmd = body.subarray(0, 3).toString('latin1');
  if (cmd === 'CLR' && body.length === 3) return { kind: 'clear', address };
  if (cmd === 'TXT' && body.length >= 6 && body[3] === COMMA && body[5] === COMMA && (body[4] === 0x46 || body[4] === 0x53)) {
    return { kind: 'counter', address, flash: body[4] === 0x46, text: decodeGb(body.subarray(6)) };
  }
  if (cmd === 'BRD' && body.length >= 4 && body[3] === COMMA) {
    const text = decodeGb(body.subarray(4));
    return { kind: 'board', address, rows: text === '' ? [] : text.split('|') };
  }
  return reject('unknown command', body);
}

export const lineProtocol: DisplayProtocol = {
  name: 'line',
  description: 'ASCII lines $AAA,CMD,...*CS<CR><LF>, GB2312 text, XOR checksum, no answers',
  acks: false,
  minAddress: 0,
  maxAddress: 999,
  encode,
  createCommandParser: () => new MessageParser(new LineParser(), toCommand),
};

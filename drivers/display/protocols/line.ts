/**
 * "line": one ASCII line per instruction, NMEA style: `$001,TXT,F,<text>*5C\r\n`, text in GB2312,
 * XOR checksum in hex. Fire and forget: these controllers never answer, so the driver can only
 * judge the port. Byte layout: docs/devices/displays.md.
 */
import { xor8 } from '../checksum.js';
import { decodeGb, encodeGb2312Limited } from '../gb-text.js';
import type { AddressedInstruction, DisplayCommand, DisplayProtocol, DropHandler, StreamDecoder } from '../protocol.js';

const DOLLAR = 0x24;
const STAR = 0x2a;
const CR = 0x0d;
const LF = 0x0a;
const MAX_LINE = 300;
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

function parseLine(bytes: Uint8Array, onDrop: DropHandler): DisplayCommand | undefined {
  // bytes: everything after '$' up to and including LF
  const n = bytes.length;
  if (n < 8 || bytes[n - 1] !== LF || bytes[n - 2] !== CR || bytes[n - 5] !== STAR) {
    onDrop('malformed line', bytes);
    return undefined;
  }
  const payload = bytes.subarray(0, n - 5);
  const csText = Buffer.from(bytes.subarray(n - 4, n - 2)).toString('latin1'); // not 'ascii': it drops bit 7
  if (!/^[0-9A-F]{2}$/.test(csText) || parseInt(csText, 16) !== xor8(payload)) {
    onDrop('bad checksum', bytes);
    return undefined;
  }
  const addrText = Buffer.from(payload.subarray(0, 3)).toString('latin1');
  if (!/^\d{3}$/.test(addrText) || payload[3] !== 0x2c) {
    onDrop('bad address', bytes);
    return undefined;
  }
  const address = Number(addrText);
  const rest = Buffer.from(payload.subarray(4));
  const cmd = rest.subarray(0, 3).toString('latin1');
  if (cmd === 'CLR' && rest.length === 3) return { kind: 'clear', address };
  if (cmd === 'TXT' && rest.length >= 6 && rest[3] === 0x2c && rest[5] === 0x2c && (rest[4] === 0x46 || rest[4] === 0x53)) {
    return { kind: 'counter', address, flash: rest[4] === 0x46, text: decodeGb(rest.subarray(6)) };
  }
  if (cmd === 'BRD' && rest.length >= 4 && rest[3] === 0x2c) {
    const text = decodeGb(rest.subarray(4));
    return { kind: 'board', address, rows: text === '' ? [] : text.split('|') };
  }
  onDrop('unknown command', bytes);
  return undefined;
}

function createCommandDecoder(onDrop: DropHandler = () => {}): StreamDecoder<DisplayCommand> {
  let buf: number[] | undefined;
  return (chunk) => {
    const out: DisplayCommand[] = [];
    for (const b of chunk) {
      if (b === DOLLAR) {
        if (buf && buf.length > 0) onDrop('line cut short by a new $', Uint8Array.from(buf));
        buf = [];
        continue;
      }
      if (!buf) continue;
      buf.push(b);
      if (b === LF) {
        const cmd = parseLine(Uint8Array.from(buf), onDrop);
        if (cmd) out.push(cmd);
        buf = undefined;
      } else if (buf.length > MAX_LINE) {
        onDrop('line too long', Uint8Array.from(buf));
        buf = undefined;
      }
    }
    return out;
  };
}

export const lineProtocol: DisplayProtocol = {
  name: 'line',
  description: 'ASCII lines $AAA,CMD,...*CS<CR><LF>, GB2312 text, XOR checksum, no answers',
  acks: false,
  minAddress: 0,
  maxAddress: 999,
  encode,
  createCommandDecoder,
};

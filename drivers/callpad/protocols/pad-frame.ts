/**
 * "pad-frame": short binary frames `A5 addr cmd len data… xor 5A` with an XOR check over
 * addr..data. No byte stuffing (frames are tiny), so the parser resynchronises by scanning for
 * the next A5 after anything that does not check out. Byte layout: docs/devices/call-pads.md.
 * Both ends live here: the host's encoders and pad parser, the pad's (fake pad, demo lab).
 */
import { z } from 'zod';
import { ByteParser, MessageParser, parserOptions } from '../../codec/byte-parser.js';
import { xor8 } from '../../codec/checksum.js';
import { decodeGb, encodeGb2312Limited } from '../../codec/gb-text.js';
import type { CallPadKey, CallPadProtocol, HostMessage, PadMessage } from '../protocol.js';

export const SOF = 0xa5;
export const EOF = 0x5a;
export const MAX_DATA = 64;
/** Bytes the pad screen can hold (8 half-width or 4 Chinese characters per line, 2 lines). */
export const MAX_SCREEN_TEXT = 16;

export const CMD = {
  key: 0x01,
  padAck: 0x06,
  screen: 0x81,
  keyAck: 0x86,
} as const;

const KEY_CODES: Record<CallPadKey, number> = {
  next: 0x01,
  recall: 0x02,
  start: 0x03,
  complete: 0x04,
  no_show: 0x05,
  transfer: 0x06,
  pause: 0x07,
  resume: 0x08,
  clear: 0x0c,
  enter: 0x0d,
  '0': 0x30,
  '1': 0x31,
  '2': 0x32,
  '3': 0x33,
  '4': 0x34,
  '5': 0x35,
  '6': 0x36,
  '7': 0x37,
  '8': 0x38,
  '9': 0x39,
};
const KEY_OF_CODE = new Map<number, CallPadKey>(
  Object.entries(KEY_CODES).map(([key, code]) => [code, key as CallPadKey]),
);

export interface PadFrame {
  address: number;
  command: number;
  data: Uint8Array;
}

export function encodePadFrame(address: number, command: number, data: Uint8Array = new Uint8Array()): Uint8Array {
  const len = Math.min(data.length, MAX_DATA);
  const out = new Uint8Array(len + 6);
  out[0] = SOF;
  out[1] = address & 0xff;
  out[2] = command & 0xff;
  out[3] = len;
  out.set(data.subarray(0, len), 4);
  out[4 + len] = xor8(out.subarray(1, 4 + len));
  out[5 + len] = EOF;
  return out;
}

/** Data length each command must carry (screen: 2-byte count + text). */
function lengthOk(command: number, len: number): boolean {
  switch (command) {
    case CMD.key:
      return len === 2;
    case CMD.padAck:
      return len === 1;
    case CMD.keyAck:
      return len === 1;
    case CMD.screen:
      return len >= 2 && len <= 2 + MAX_SCREEN_TEXT;
    default:
      return false;
  }
}

type Attempt = { frame: PadFrame; size: number } | 'incomplete' | 'invalid';

function tryFrame(buf: Uint8Array, at: number): Attempt {
  if (buf.length - at < 4) return 'incomplete';
  const command = buf[at + 2]!;
  const len = buf[at + 3]!;
  if (!lengthOk(command, len)) return 'invalid';
  const size = len + 6;
  if (buf.length - at < size) return 'incomplete';
  if (buf[at + size - 1] !== EOF) return 'invalid';
  if (buf[at + size - 2] !== xor8(buf.subarray(at + 1, at + 4 + len))) return 'invalid';
  return { frame: { address: buf[at + 1]!, command, data: Uint8Array.from(buf.subarray(at + 4, at + 4 + len)) }, size };
}

function findCompleteFrame(buf: Uint8Array, from: number): number {
  for (let i = buf.indexOf(SOF, from); i >= 0; i = buf.indexOf(SOF, i + 1)) {
    if (typeof tryFrame(buf, i) === 'object') return i;
  }
  return -1;
}

const padFrameParserOptions = z
  .object({
    /** Bytes held for a frame that cannot be complete yet; beyond this they are dropped as noise. */
    maxHeldBytes: z.number().int().min(MAX_DATA + 6).max(65_536).default(4 * (MAX_DATA + 6)),
  })
  .strict();
export type PadFrameParserOptions = z.input<typeof padFrameParserOptions>;

/**
 * A Transform stream that splits the bytes of a call-pad line into checked frames (either
 * direction). On a frame that does not check out it drops the start byte and looks for the next
 * A5; when the frame at the head cannot be complete yet but a later A5 starts a complete valid
 * frame, the head was a fragment (a pad reset mid-frame) and is dropped, so one truncated frame
 * cannot hold back the next.
 * @example
 * import { SerialPort } from 'serialport';
 * const port = new SerialPort({ path: '/dev/ttyS3', baudRate: 9600 });
 * const frames = port.pipe(new PadFrameParser());
 * frames.on('data', (f: PadFrame) => console.log(f.address, f.command.toString(16), f.data));
 * frames.on('drop', (d: ParserDrop) => console.log('dropped', d.bytes, 'bytes:', d.reason));
 */
export class PadFrameParser extends ByteParser<PadFrame> {
  readonly #maxHeld: number;

  constructor(options?: PadFrameParserOptions) {
    super();
    this.#maxHeld = parserOptions('PadFrameParser', padFrameParserOptions, options).maxHeldBytes;
  }

  protected decode(chunk: Uint8Array, emit: (frame: PadFrame) => void): void {
    const buf = this.withHeld(chunk);
    let at = 0;
    while (at < buf.length) {
      const start = buf.indexOf(SOF, at);
      if (start < 0) {
        this.discard('bytes outside a frame', buf.subarray(at));
        at = buf.length;
        break;
      }
      if (start > at) this.discard('bytes outside a frame', buf.subarray(at, start));
      at = start;
      const attempt = tryFrame(buf, at);
      if (attempt === 'invalid') {
        this.discard('bad frame', buf.subarray(at, at + 1));
        at += 1;
      } else if (attempt === 'incomplete') {
        const later = findCompleteFrame(buf, at + 1);
        if (later < 0) break; // wait for more bytes
        this.discard('truncated frame', buf.subarray(at, later));
        at = later;
      } else {
        emit(attempt.frame);
        at += attempt.size;
      }
    }
    this.held = Buffer.from(buf.subarray(at));
    if (this.held.length > this.#maxHeld) {
      // A safeguard: a frame that cannot be complete yet is at most 24 bytes. Keep the newest.
      const cut = this.held.length - this.#maxHeld;
      this.discard('too many bytes without a frame', this.held.subarray(0, cut));
      this.held = this.held.subarray(cut);
    }
  }
}

function toPadMessage(f: PadFrame, reject: (reason: string, bytes: Uint8Array) => undefined): PadMessage | undefined {
  if (f.command === CMD.key) {
    const key = KEY_OF_CODE.get(f.data[1]!);
    return key ? { kind: 'key', address: f.address, key, seq: f.data[0]! } : reject(`unknown key code 0x${f.data[1]!.toString(16)}`, f.data);
  }
  if (f.command === CMD.padAck) return { kind: 'ack', address: f.address };
  return undefined; // host frames echoed on a half-duplex bus
}

function toHostMessage(f: PadFrame): HostMessage | undefined {
  if (f.command === CMD.screen) return { kind: 'screen', address: f.address, waiting: (f.data[0]! << 8) | f.data[1]!, text: decodeGb(f.data.subarray(2)) };
  if (f.command === CMD.keyAck) return { kind: 'key_ack', address: f.address, seq: f.data[0]! };
  return undefined; // the pads' own frames
}

export const padFrameProtocol: CallPadProtocol = {
  name: 'pad-frame',
  description: 'binary frames A5 addr cmd len data xor 5A; key presses with sequence numbers, acked; screens acked',
  minAddress: 1,
  maxAddress: 254,
  acks: true,

  encodeScreen({ address, text, waiting }) {
    const count = Math.max(0, Math.min(0xffff, Math.trunc(waiting) || 0));
    const data = Buffer.concat([Buffer.from([count >> 8, count & 0xff]), encodeGb2312Limited(text, MAX_SCREEN_TEXT)]);
    return encodePadFrame(address, CMD.screen, data);
  },
  encodeKeyAck: (address, seq) => encodePadFrame(address, CMD.keyAck, Uint8Array.of(seq & 0xff)),
  createPadParser: () => new MessageParser(new PadFrameParser(), toPadMessage),

  encodeKey: (address, key, seq) => encodePadFrame(address, CMD.key, Uint8Array.of(seq & 0xff, KEY_CODES[key])),
  encodeScreenAck: (address) => encodePadFrame(address, CMD.padAck, Uint8Array.of(CMD.screen)),
  createHostParser: () => new MessageParser(new PadFrameParser(), toHostMessage),
};

/**
 * "framed": binary RS-485 protocol with DLE byte stuffing, a 16-bit length and CRC-16/MODBUS,
 * answered by an ACK/NAK from the addressed display. Byte layout: docs/devices/displays.md.
 * Both ends live here: the host's encoder and reply parser, the display's command parser and
 * answer encoder (used by the fake display and the demo lab).
 *
 * Byte stuffing keeps STX/ETX out of the frame body, so a receiver resynchronises on the next STX
 * whatever garbage came before, and a lost byte costs one frame, not the stream.
 */
import { z } from 'zod';
import { MessageParser, parserOptions } from '../../codec/byte-parser.js';
import { CrcFrameParser, encodeCrcFrame, type CrcFrame } from '../../codec/crc-frame.js';
import { decodeGb, encodeGb2312Limited } from '../../codec/gb-text.js';
import type { AddressedInstruction, DisplayCommand, DisplayProtocol, DisplayReply } from '../protocol.js';

export { DLE, ETX, STX } from '../../codec/crc-frame.js';

export const CMD = {
  showText: 0x31,
  showRows: 0x32,
  clear: 0x33,
  ping: 0x35,
  ack: 0x06,
  nak: 0x15,
} as const;

export const NAK_REASON = { badLength: 0x01, unknownCommand: 0x02, busy: 0x03, tooLong: 0x04 } as const;

const CMD_OF_KIND: Record<DisplayCommand['kind'], number> = {
  counter: CMD.showText,
  board: CMD.showRows,
  clear: CMD.clear,
  ping: CMD.ping,
};
const KIND_OF_CMD = new Map<number, DisplayCommand['kind']>(
  Object.entries(CMD_OF_KIND).map(([kind, cmd]) => [cmd, kind as DisplayCommand['kind']]),
);

const MAX_TEXT_BYTES = 128;
const MAX_ROWS = 16;
const MAX_ROW_BYTES = 64;
/** Largest unescaped body (addr..crc) a display accepts; anything longer is noise. */
export const FRAMED_MAX_BODY = 4 + 1 + MAX_ROWS * (1 + MAX_ROW_BYTES) + 2;

export type RawFrame = CrcFrame;

/** A frame with its two-byte length field (a board's rows run past 255 bytes). */
export function encodeFrame(address: number, command: number, data: Uint8Array = new Uint8Array()): Uint8Array {
  return encodeCrcFrame(2, address, command, data);
}

const framedParserOptions = z
  .object({
    /** Largest unescaped body (ADDR through CRC) taken as a frame; a longer run is noise. */
    maxBodyBytes: z.number().int().min(6).max(65_541).default(FRAMED_MAX_BODY),
  })
  .strict();
export type FramedParserOptions = z.input<typeof framedParserOptions>;

/**
 * A Transform stream that splits the bytes of a `framed` display bus into CRC-checked frames
 * (either direction: host frames and display answers share the envelope). Since STX and ETX never
 * occur inside a stuffed frame, it resynchronises on the next STX whatever came before; bytes
 * outside frames, cut-short, over-long, mis-sized and CRC-failed frames are dropped and reported.
 * @example
 * import { SerialPort } from 'serialport';
 * const port = new SerialPort({ path: '/dev/ttyS1', baudRate: 9600 });
 * const frames = port.pipe(new FramedParser({ maxBodyBytes: 1047 }));
 * frames.on('data', (f: RawFrame) => console.log(f.address, f.command.toString(16), f.data));
 * frames.on('drop', (d: ParserDrop) => console.log('dropped', d.bytes, 'bytes:', d.reason));
 */
export class FramedParser extends CrcFrameParser {
  constructor(options?: FramedParserOptions) {
    super(2, parserOptions('FramedParser', framedParserOptions, options).maxBodyBytes);
  }
}

function encodeInstruction(instruction: AddressedInstruction): Uint8Array {
  switch (instruction.kind) {
    case 'counter': {
      const text = encodeGb2312Limited(instruction.text, MAX_TEXT_BYTES);
      return encodeFrame(instruction.address, CMD.showText, Buffer.concat([Buffer.from([instruction.flash ? 1 : 0]), text]));
    }
    case 'board': {
      const rows = instruction.rows.slice(0, MAX_ROWS).map((row) => encodeGb2312Limited(row, MAX_ROW_BYTES));
      const parts: Buffer[] = [Buffer.from([rows.length])];
      for (const row of rows) parts.push(Buffer.from([row.length]), row);
      return encodeFrame(instruction.address, CMD.showRows, Buffer.concat(parts));
    }
    case 'clear':
      return encodeFrame(instruction.address, CMD.clear);
  }
}

function decodeRows(data: Uint8Array): string[] | undefined {
  const count = data[0];
  if (count === undefined || count > MAX_ROWS) return undefined;
  const rows: string[] = [];
  let at = 1;
  for (let i = 0; i < count; i++) {
    const len = data[at];
    if (len === undefined || at + 1 + len > data.length) return undefined;
    rows.push(decodeGb(data.subarray(at + 1, at + 1 + len)));
    at += 1 + len;
  }
  return at === data.length ? rows : undefined;
}

/** A host frame as the display sees it; answers of other displays on the shared bus are not for it. */
function toCommand(frame: RawFrame, reject: (reason: string, bytes: Uint8Array) => undefined): DisplayCommand | undefined {
  const { address, command, data } = frame;
  switch (command) {
    case CMD.showText:
      if (data.length >= 1) return { kind: 'counter', address, flash: (data[0]! & 1) === 1, text: decodeGb(data.subarray(1)) };
      break;
    case CMD.showRows: {
      const rows = decodeRows(data);
      if (rows) return { kind: 'board', address, rows };
      break;
    }
    case CMD.clear:
      return { kind: 'clear', address };
    case CMD.ping:
      return { kind: 'ping', address };
    case CMD.ack:
    case CMD.nak:
      return undefined;
  }
  return reject(`malformed or unknown command 0x${command.toString(16)}`, data);
}

/** A display's answer; other frames are the host's own, echoed by some half-duplex adapters. */
function toReply(frame: RawFrame): DisplayReply | undefined {
  if (frame.command !== CMD.ack && frame.command !== CMD.nak) return undefined;
  const reply: DisplayReply = { kind: frame.command === CMD.ack ? 'ack' : 'nak', address: frame.address };
  const answered = KIND_OF_CMD.get(frame.data[0] ?? -1);
  if (answered) reply.for = answered;
  if (frame.command === CMD.nak && frame.data[1] !== undefined) reply.code = frame.data[1];
  return reply;
}

export const framedProtocol: DisplayProtocol = {
  name: 'framed',
  description: 'binary STX/ETX frames, DLE stuffing, CRC-16/MODBUS, ACK/NAK per frame',
  acks: true,
  minAddress: 1,
  maxAddress: 247,
  encode: encodeInstruction,
  encodePing: (address) => encodeFrame(address, CMD.ping),
  createReplyParser: () => new MessageParser(new FramedParser(), toReply),
  createCommandParser: () => new MessageParser(new FramedParser(), toCommand),
  encodeReply(reply) {
    const answered = reply.for ? CMD_OF_KIND[reply.for] : 0;
    return reply.kind === 'ack'
      ? encodeFrame(reply.address, CMD.ack, Uint8Array.of(answered))
      : encodeFrame(reply.address, CMD.nak, Uint8Array.of(answered, reply.code ?? NAK_REASON.badLength));
  },
};

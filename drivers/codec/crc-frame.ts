/**
 * The binary envelope shared by the RS-485 protocols of the LED displays (`framed`) and the
 * evaluator pads (`eval-frame`): `STX addr cmd len data… crc16 ETX`, DLE-stuffed, with a
 * CRC-16/MODBUS (low byte first) over addr..data. They differ only in the width of the length
 * field (two bytes big-endian for the displays' long board texts, one byte for the pads) and in
 * what each command may carry, which the protocol checks on top (`refuse`).
 */
import { crc16Modbus } from './checksum.js';
import { DelimitedParser, stuffFrame } from './delimited-parser.js';

export const STX = 0x02;
export const ETX = 0x03;
export const DLE = 0x10;
const STUFFING = { start: STX, end: ETX, escape: DLE };

export interface CrcFrame {
  address: number;
  command: number;
  data: Uint8Array;
}

/** Bytes in the length field. */
export type LengthWidth = 1 | 2;

/** Body bytes around the data: address, command, length field, CRC. */
export function crcFrameOverhead(width: LengthWidth): number {
  return 2 + width + 2;
}

/** One frame, stuffed and delimited. A one-byte length field keeps the low byte of the data's length. */
export function encodeCrcFrame(width: LengthWidth, address: number, command: number, data: Uint8Array = new Uint8Array()): Uint8Array {
  const head = 2 + width;
  const body = Buffer.alloc(head + data.length + 2);
  body[0] = address & 0xff;
  body[1] = command & 0xff;
  if (width === 2) body.writeUInt16BE(data.length, 2);
  else body[2] = data.length & 0xff;
  body.set(data, head);
  body.writeUInt16LE(crc16Modbus(body.subarray(0, head + data.length)), head + data.length);
  return stuffFrame(body, STUFFING);
}

/**
 * Splits a line's bytes into CRC-checked frames (either direction). Too short, mis-sized and
 * CRC-failed frames are dropped with their reason, and so is any frame `refuse` names a reason for.
 */
export abstract class CrcFrameParser extends DelimitedParser<CrcFrame> {
  readonly #width: LengthWidth;

  constructor(width: LengthWidth, maxBodyBytes: number) {
    super({ ...STUFFING, keepEnd: false, maxBytes: maxBodyBytes, unit: 'frame' });
    this.#width = width;
  }

  /** The protocol's own check of a well-formed frame: a reason to drop it, or undefined. */
  protected refuse(_frame: CrcFrame): string | undefined {
    return undefined;
  }

  protected check(body: Uint8Array): CrcFrame | undefined {
    const width = this.#width;
    const overhead = crcFrameOverhead(width);
    if (body.length < overhead) {
      this.discard('frame too short', body);
      return undefined;
    }
    const length = width === 2 ? (body[2]! << 8) | body[3]! : body[2]!;
    if (length !== body.length - overhead) {
      this.discard('length field does not match', body);
      return undefined;
    }
    const crc = body[body.length - 2]! | (body[body.length - 1]! << 8);
    if (crc !== crc16Modbus(body.subarray(0, body.length - 2))) {
      this.discard('bad CRC', body);
      return undefined;
    }
    const frame = { address: body[0]!, command: body[1]!, data: body.slice(2 + width, 2 + width + length) };
    const reason = this.refuse(frame);
    if (reason !== undefined) {
      this.discard(reason, body);
      return undefined;
    }
    return frame;
  }
}

/**
 * The "base information" a SAM reader returns for a resident ID card (command 30 01):
 *
 *   TEXT_LEN (2, big-endian) | PHOTO_LEN (2, big-endian) | text (usually 256) | photo (usually 1024)
 *
 * The text is UCS-2 little-endian, fixed-width fields padded with spaces:
 *   name 30 · sex 2 · nation 4 · birth 16 · address 70 · ID number 36 · issuer 30 ·
 *   valid from 16 · valid to 16 · reserved 36   (bytes)
 *
 * The host only ever decodes the ID number field: the other fields never become strings on
 * our side, and the caller wipes the buffer once the number is out.
 */
import { idNumberValid } from './id-number.js';

export interface IdBaseInfo {
  name: string;
  /** '1' male, '2' female (GB/T 2261.1 code). */
  sex: string;
  /** Two-digit nationality code, e.g. '01'. */
  nation: string;
  /** YYYYMMDD */
  birth: string;
  address: string;
  idNumber: string;
  issuer: string;
  /** YYYYMMDD */
  validFrom: string;
  /** YYYYMMDD or 长期 (no expiry) */
  validTo: string;
}

const FIELDS: ReadonlyArray<readonly [keyof IdBaseInfo, number]> = [
  ['name', 30],
  ['sex', 2],
  ['nation', 4],
  ['birth', 16],
  ['address', 70],
  ['idNumber', 36],
  ['issuer', 30],
  ['validFrom', 16],
  ['validTo', 16],
];
const TEXT_LEN = 256;
const ID_OFFSET = 30 + 2 + 4 + 16 + 70;
const ID_BYTES = 36;

/** Builds the text block as a reader sends it (used by the fake reader). */
export function encodeBaseText(info: IdBaseInfo): Buffer {
  const text = Buffer.alloc(TEXT_LEN);
  // Space padding in UCS-2LE is 20 00.
  for (let i = 0; i < TEXT_LEN; i += 2) text[i] = 0x20;
  let offset = 0;
  for (const [key, size] of FIELDS) {
    const bytes = Buffer.from(info[key], 'utf16le').subarray(0, size);
    bytes.copy(text, offset);
    offset += size;
  }
  return text;
}

/** Builds the whole data part of a 30 01 response: lengths, text, photo. */
export function encodeBaseData(info: IdBaseInfo, photo: Uint8Array = new Uint8Array(1024)): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(TEXT_LEN, 0);
  head.writeUInt16BE(photo.length, 2);
  return Buffer.concat([head, encodeBaseText(info), photo]);
}

/**
 * Extracts the ID number from a 30 01 response's data; undefined when the block is malformed
 * or the number fails its check character.
 */
export function idNumberFromBaseData(data: Uint8Array): string | undefined {
  if (data.length < 4) return undefined;
  const textLen = (data[0]! << 8) | data[1]!;
  if (textLen < ID_OFFSET + ID_BYTES || data.length < 4 + textLen) return undefined;
  const field = Buffer.from(data.buffer, data.byteOffset + 4 + ID_OFFSET, ID_BYTES);
  const id = field.toString('utf16le').replace(/[\s\u0000]+$/u, '').toUpperCase();
  return idNumberValid(id) ? id : undefined;
}

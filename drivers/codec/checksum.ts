/** Checksums used by the display and call-pad protocols. */

/** CRC-16/MODBUS: poly 0xA001 (reflected 0x8005), init 0xFFFF, the usual RS-485 check. */
export function crc16Modbus(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** XOR of all bytes (NMEA-style line checksum and the call-pad frame check). */
export function xor8(bytes: Uint8Array): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

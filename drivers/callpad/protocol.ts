/**
 * The call-pad (叫号器) adapter contract. A pad sits at a counter; its bus address is the counter's.
 * Pad → host: key presses. Host → pad: the text on its small screen (called number) and the
 * waiting count, plus acks. As with displays, both ends of a vendor protocol live in one file in
 * protocols/ so that the fake pad and the driver cannot drift apart.
 */
import type { ByteParser } from '../codec/byte-parser.js';

export const CALL_PAD_KEYS = [
  'next',
  'recall',
  'start',
  'complete',
  'no_show',
  'transfer',
  'pause',
  'resume',
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  'clear',
  'enter',
] as const;

export type CallPadKey = (typeof CALL_PAD_KEYS)[number];

export function isCallPadKey(value: unknown): value is CallPadKey {
  return typeof value === 'string' && (CALL_PAD_KEYS as readonly string[]).includes(value);
}

/** What the host shows on a pad. */
export interface PadScreen {
  address: number;
  /** e.g. "A017"; cut to the pad's width. */
  text: string;
  /** Customers waiting for this counter; shown as a number, 0–65535. */
  waiting: number;
}

/** Frames a pad sends. `seq` lets the host drop a retransmitted press it already acted on. */
export type PadMessage =
  | { kind: 'key'; address: number; key: CallPadKey; seq: number }
  | { kind: 'ack'; address: number };

/** Frames the host sends. */
export type HostMessage = ({ kind: 'screen' } & PadScreen) | { kind: 'key_ack'; address: number; seq: number };

export interface CallPadProtocol {
  /** Registry name, used as `?protocol=NAME` in the device URI. */
  readonly name: string;
  readonly description: string;
  readonly minAddress: number;
  readonly maxAddress: number;
  /** Whether a pad acks every screen it is sent; drives retries and per-pad health. */
  readonly acks: boolean;

  // host end
  encodeScreen(screen: PadScreen): Uint8Array;
  encodeKeyAck(address: number, seq: number): Uint8Array;
  /** A stream parser for what the pads send. */
  createPadParser(): ByteParser<PadMessage>;

  // device end (fake pad, lab, tests)
  encodeKey(address: number, key: CallPadKey, seq: number): Uint8Array;
  encodeScreenAck(address: number): Uint8Array;
  /** A stream parser for what the host sends, as the pads see it. */
  createHostParser(): ByteParser<HostMessage>;
}

/**
 * The display adapter contract. A protocol turns a neutral instruction into the bytes one vendor's
 * LED controller understands, and parses what comes back. Each protocol also carries the device
 * end (parse commands, encode answers) so the fake display and the demo lab speak exactly the same
 * bytes as the driver; both ends live in one file per vendor, in protocols/.
 *
 * Drivers know nothing of tickets: the service composes the text ("A017 请到3号窗口").
 */
import type { ByteParser } from '../codec/byte-parser.js';

/** A counter (窗口屏) line, or the rows of the lobby board (综合屏), newest call first. */
export type DisplayInstruction =
  | { kind: 'counter'; address?: number; text: string; flash?: boolean }
  | { kind: 'board'; address?: number; rows: string[] }
  | { kind: 'clear'; address?: number };

/** An instruction with its bus address resolved (the display device fills in its default). */
export type AddressedInstruction = DisplayInstruction & { address: number };

/** What a display answers to a frame. `nak` means alive but the frame was refused. */
export interface DisplayReply {
  kind: 'ack' | 'nak';
  address: number;
  /** Vendor reason code for a nak. */
  code?: number;
  /** What is being answered, when the protocol says so. */
  for?: DisplayCommand['kind'];
}

/** A decoded host frame, as the device end sees it (text back in Unicode). */
export type DisplayCommand =
  | { kind: 'counter'; address: number; text: string; flash: boolean }
  | { kind: 'board'; address: number; rows: string[] }
  | { kind: 'clear'; address: number }
  | { kind: 'ping'; address: number };

export interface DisplayProtocol {
  /** Registry name, used as `?protocol=NAME` in the device URI. */
  readonly name: string;
  readonly description: string;
  /** Whether the display answers each frame; drives retries and the online/offline judgement. */
  readonly acks: boolean;
  /** Valid bus addresses. */
  readonly minAddress: number;
  readonly maxAddress: number;

  // host end
  /** Bytes for one instruction. Never throws: text is encoded with replacement and cut to fit. */
  encode(instruction: AddressedInstruction): Uint8Array;
  /** A frame the display must answer without changing what it shows (health probe); ack protocols only. */
  encodePing?(address: number): Uint8Array;
  /** A stream parser for what the displays send back; ack protocols only. */
  createReplyParser?(): ByteParser<DisplayReply>;

  // device end (fakes, lab, tests)
  /** A stream parser for what the host sends, as the displays see it. */
  createCommandParser(): ByteParser<DisplayCommand>;
  encodeReply?(reply: DisplayReply): Uint8Array;
}

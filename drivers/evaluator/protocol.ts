/**
 * The evaluator (评价器) adapter contract. An evaluator sits on the counter facing the customer;
 * its bus address is the counter's. Host → evaluator: what it shows (a rating request with its
 * number, the levels, how long it asks and how many reason keys are lit; or its welcome screen),
 * and the result of each rating it sent. Evaluator → host: ratings (level, reason keys) naming
 * the request they answer, and acks. Both ends of a protocol live in one file in protocols/, so
 * the fake evaluator and the driver cannot drift apart. Knows nothing of tickets: a request is a
 * number and a line of text.
 */
import type { ByteParser } from '../codec/byte-parser.js';

/** Levels an evaluator offers: 3 (不满意 一般 满意) or 5. Level 1 is the least satisfied. */
export type EvaluatorLevels = 3 | 5;

/** Most reason keys an evaluator has (bits of the reasons field). */
export const MAX_REASON_KEYS = 16;

/** What the host shows on one evaluator. */
export type EvaluatorScreen =
  | {
      kind: 'ask';
      /** 1–255: the request number the evaluator's answer must name. */
      request: number;
      levels: EvaluatorLevels;
      /** How long it asks; it goes back to its welcome screen by itself after that. */
      seconds: number;
      /** How many reason keys to light for a low rating (0–16). */
      reasons: number;
      /** e.g. "A017 请您评价"; cut to the screen. */
      text: string;
    }
  | { kind: 'idle'; text: string };

/** What became of a rating, as the evaluator is told (it thanks the customer or says it is too late). */
export type RatingOutcome = 'recorded' | 'expired' | 'already_rated' | 'refused';

/** Frames an evaluator sends. `press` lets the host drop a retransmitted rating it already took. */
export type EvaluatorMessage =
  | { kind: 'rating'; address: number; request: number; press: number; level: number; reasons: number[] }
  | { kind: 'ack'; address: number };

/** Frames the host sends, as the evaluator reads them. */
export type EvaluatorHostMessage =
  | ({ address: number } & EvaluatorScreen)
  | { kind: 'result'; address: number; request: number; press: number; outcome: RatingOutcome }
  | { kind: 'ping'; address: number };

export interface EvaluatorProtocol {
  /** Registry name, used as `?protocol=NAME` in the device URI. */
  readonly name: string;
  readonly description: string;
  readonly minAddress: number;
  readonly maxAddress: number;
  /** Whether an evaluator acks every screen it is sent; drives retries and per-device health. */
  readonly acks: boolean;

  // host end
  encodeScreen(address: number, screen: EvaluatorScreen): Uint8Array;
  encodeResult(address: number, request: number, press: number, outcome: RatingOutcome): Uint8Array;
  /** A request the evaluator answers without changing anything (health probe). */
  encodePing?(address: number): Uint8Array;
  /** A stream parser for what the evaluators send. */
  createEvaluatorParser(): ByteParser<EvaluatorMessage>;

  // device end (fake evaluator, lab, tests)
  encodeRating(address: number, request: number, press: number, level: number, reasons: number[]): Uint8Array;
  encodeAck(address: number, answered: EvaluatorHostMessage['kind']): Uint8Array;
  /** A stream parser for what the host sends, as the evaluators see it. */
  createHostParser(): ByteParser<EvaluatorHostMessage>;
}

/**
 * "eval-frame": binary frames `STX addr cmd len data… crc16 ETX` with DLE byte stuffing and a
 * CRC-16/MODBUS over addr..data, for evaluator pads (评价器) on an RS-485 line. The host asks
 * (request number, levels, seconds, reason keys, text) and the pad acks; the pad sends a rating
 * naming the request, and the host answers with the result, which the pad waits for (it resends
 * the rating until then). Byte layout: docs/devices/evaluators.md. Both ends live here.
 *
 * Byte stuffing keeps STX and ETX out of the body, so a receiver resynchronises on the next STX
 * whatever garbage came before, and a lost byte costs one frame, not the stream.
 */
import { z } from 'zod';
import { MessageParser, parserOptions } from '../../codec/byte-parser.js';
import { CrcFrameParser, encodeCrcFrame, type CrcFrame } from '../../codec/crc-frame.js';
import { decodeGb, encodeGb2312Limited } from '../../codec/gb-text.js';
import { MAX_REASON_KEYS, type EvaluatorHostMessage, type EvaluatorMessage, type EvaluatorProtocol, type EvaluatorScreen, type RatingOutcome } from '../protocol.js';

export { DLE, ETX, STX } from '../../codec/crc-frame.js';

export const CMD = {
  ask: 0x51,
  idle: 0x52,
  result: 0x53,
  ping: 0x55,
  rate: 0x71,
  ack: 0x06,
} as const;

/** GB2312 bytes an evaluator's screen holds (two lines of 8 Chinese characters). */
export const MAX_TEXT = 32;

const OUTCOME_CODES: Record<RatingOutcome, number> = { recorded: 0, expired: 1, already_rated: 2, refused: 3 };
const OUTCOME_OF_CODE = new Map<number, RatingOutcome>(Object.entries(OUTCOME_CODES).map(([k, v]) => [v, k as RatingOutcome]));
const CMD_OF_KIND: Record<EvaluatorHostMessage['kind'], number> = { ask: CMD.ask, idle: CMD.idle, ping: CMD.ping, result: CMD.result };

export type EvalFrame = CrcFrame;

/** The data lengths each command may carry, [min, max]. */
const LENGTHS = new Map<number, [number, number]>([
  [CMD.ask, [4, 4 + MAX_TEXT]],
  [CMD.idle, [0, MAX_TEXT]],
  [CMD.result, [3, 3]],
  [CMD.ping, [0, 0]],
  [CMD.rate, [5, 5]],
  [CMD.ack, [1, 1]],
]);

/** Largest body (addr..crc, unstuffed) of any command. */
const MAX_BODY = 3 + 4 + MAX_TEXT + 2;

/** A frame with its one-byte length field. */
export function encodeEvalFrame(address: number, command: number, data: Uint8Array = new Uint8Array()): Uint8Array {
  return encodeCrcFrame(1, address, command, data);
}

const evalFrameParserOptions = z
  .object({
    /** Largest unstuffed body (ADDR through CRC) taken as a frame; a longer run is noise. */
    maxBodyBytes: z.number().int().min(5).max(260).default(MAX_BODY),
  })
  .strict();
export type EvalFrameParserOptions = z.input<typeof evalFrameParserOptions>;

/**
 * A Transform stream that splits the bytes of an evaluator line into CRC-checked frames (either
 * direction). STX always starts a frame and ETX ends it, so it resynchronises after any garbage;
 * short, over-long, mis-sized, unknown and CRC-failed frames are dropped and reported.
 * @example
 * import { SerialPort } from 'serialport';
 * const port = new SerialPort({ path: '/dev/ttyS4', baudRate: 9600 });
 * const frames = port.pipe(new EvalFrameParser());
 * frames.on('data', (f: EvalFrame) => console.log(f.address, f.command.toString(16), f.data));
 * frames.on('drop', (d: ParserDrop) => console.log('dropped', d.bytes, 'bytes:', d.reason));
 */
export class EvalFrameParser extends CrcFrameParser {
  constructor(options?: EvalFrameParserOptions) {
    super(1, parserOptions('EvalFrameParser', evalFrameParserOptions, options).maxBodyBytes);
  }

  protected override refuse(frame: EvalFrame): string | undefined {
    const range = LENGTHS.get(frame.command);
    if (!range) return 'unknown command';
    const len = frame.data.length;
    return len < range[0] || len > range[1] ? 'wrong length for its command' : undefined;
  }
}

function reasonBits(reasons: number[]): number {
  let bits = 0;
  for (const r of reasons) if (Number.isInteger(r) && r >= 0 && r < MAX_REASON_KEYS) bits |= 1 << r;
  return bits;
}

function reasonsOf(bits: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < MAX_REASON_KEYS; i++) if (bits & (1 << i)) out.push(i);
  return out;
}

const clampByte = (n: number, min: number, max: number) => Math.max(min, Math.min(max, Math.trunc(n) || min));

function encodeScreen(address: number, screen: EvaluatorScreen): Uint8Array {
  const text = encodeGb2312Limited(screen.text, MAX_TEXT);
  if (screen.kind === 'idle') return encodeEvalFrame(address, CMD.idle, text);
  const head = Uint8Array.of(clampByte(screen.request, 1, 255), screen.levels === 3 ? 3 : 5, clampByte(screen.seconds, 1, 255), clampByte(screen.reasons, 0, MAX_REASON_KEYS));
  return encodeEvalFrame(address, CMD.ask, Buffer.concat([head, text]));
}

/** What an evaluator sends, as the host reads it; the host's own frames echoed on the bus are skipped. */
function toEvaluatorMessage(f: EvalFrame, reject: (reason: string, bytes: Uint8Array) => undefined): EvaluatorMessage | undefined {
  if (f.command === CMD.rate) {
    // The parser checked the length: five bytes.
    const d = f.data;
    if (d[0] === 0 || d[2] === 0) return reject('rating names no request or level', d);
    return { kind: 'rating', address: f.address, request: d[0]!, press: d[1]!, level: d[2]!, reasons: reasonsOf((d[3]! << 8) | d[4]!) };
  }
  if (f.command === CMD.ack) return { kind: 'ack', address: f.address };
  return undefined;
}

/** What the host sends, as an evaluator reads it; the evaluators' own frames are skipped. */
function toHostMessage(f: EvalFrame, reject: (reason: string, bytes: Uint8Array) => undefined): EvaluatorHostMessage | undefined {
  const { address, data } = f;
  switch (f.command) {
    case CMD.ask: {
      const levels = data[1] === 3 ? 3 : data[1] === 5 ? 5 : undefined;
      if (!levels || data[0] === 0) return reject('ask with a bad request or level count', data);
      return { kind: 'ask', address, request: data[0]!, levels, seconds: data[2]!, reasons: Math.min(MAX_REASON_KEYS, data[3]!), text: decodeGb(data.subarray(4)) };
    }
    case CMD.idle:
      return { kind: 'idle', address, text: decodeGb(data) };
    case CMD.result: {
      const outcome = OUTCOME_OF_CODE.get(data[2]!);
      return outcome ? { kind: 'result', address, request: data[0]!, press: data[1]!, outcome } : reject('unknown result code', data);
    }
    case CMD.ping:
      return { kind: 'ping', address };
    default:
      return undefined;
  }
}

export const evalFrameProtocol: EvaluatorProtocol = {
  name: 'eval-frame',
  description: 'binary STX/ETX frames, DLE stuffing, CRC-16/MODBUS; screens acked, ratings answered with a result',
  minAddress: 1,
  maxAddress: 247,
  acks: true,

  encodeScreen,
  encodeResult: (address, request, press, outcome) => encodeEvalFrame(address, CMD.result, Uint8Array.of(request & 0xff, press & 0xff, OUTCOME_CODES[outcome])),
  encodePing: (address) => encodeEvalFrame(address, CMD.ping),
  createEvaluatorParser: () => new MessageParser(new EvalFrameParser(), toEvaluatorMessage),

  encodeRating(address, request, press, level, reasons) {
    const bits = reasonBits(reasons);
    return encodeEvalFrame(address, CMD.rate, Uint8Array.of(request & 0xff, press & 0xff, level & 0xff, bits >> 8, bits & 0xff));
  },
  encodeAck: (address, answered) => encodeEvalFrame(address, CMD.ack, Uint8Array.of(CMD_OF_KIND[answered])),
  createHostParser: () => new MessageParser(new EvalFrameParser(), toHostMessage),
};

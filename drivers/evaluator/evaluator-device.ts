/**
 * Evaluators (评价器) on one serial/RS-485 line: one EvaluatorDevice per port, any number of
 * evaluators on it, each addressed by its counter number. The shared bus pump
 * (bus/addressed-bus.ts) keeps the newest screen per evaluator (a rating request or the welcome
 * screen), sends it, waits for the ack, and sends every screen again after the line comes back.
 *
 * A rating an evaluator sends is answered at once with its result, outside the screen queue: the
 * rating handler (the service) decides whether it is taken. The driver itself drops a rating that
 * names no open request of that evaluator, and a resend of a rating it already answered (same
 * request and press number within the window) gets the same answer again without asking twice.
 * Nothing an evaluator sends can throw into the service.
 */
import { AddressedBus, type AddressedBusOptions, type BusCodec } from '../bus/addressed-bus.js';
import { Listeners } from '../listeners.js';
import type { EvaluatorLevels, EvaluatorMessage, EvaluatorProtocol, EvaluatorScreen, RatingOutcome } from './protocol.js';
import { evaluatorProtocols } from './registry.js';

/** A rating as an evaluator sent it. */
export interface EvaluatorRating {
  address: number;
  request: number;
  /** 1 = least satisfied … levels. */
  level: number;
  levels: EvaluatorLevels;
  /** Reason keys pressed, 0-based. */
  reasons: number[];
}

/** Decides whether a rating is taken; runs synchronously so the evaluator hears the truth. */
export type RatingHandler = (rating: EvaluatorRating) => RatingOutcome;

export interface EvaluatorDeviceOptions extends AddressedBusOptions {
  /** A protocol or its registry name; default "eval-frame". */
  protocol?: EvaluatorProtocol | string;
  /** A rating resent with the same request and press number within this window is a retransmit; default 5000 ms. */
  duplicateWindowMs?: number;
}

function codecOf(protocol: EvaluatorProtocol): BusCodec<EvaluatorScreen, EvaluatorMessage> {
  const ping = protocol.encodePing?.bind(protocol);
  return {
    minAddress: protocol.minAddress,
    maxAddress: protocol.maxAddress,
    acks: protocol.acks,
    encode: (address, screen) => protocol.encodeScreen(address, screen),
    ...(ping ? { encodeProbe: ping } : {}),
    createParser: () => protocol.createEvaluatorParser(),
    replyOf: (message) => (message.kind === 'ack' ? { address: message.address, refused: false } : undefined),
  };
}

export class EvaluatorDevice extends AddressedBus<'evaluator', EvaluatorScreen, EvaluatorMessage> {
  readonly protocol: EvaluatorProtocol;
  readonly #ratings: Listeners<EvaluatorRating & { outcome: RatingOutcome }>;
  readonly #duplicateWindowMs: number;
  readonly #now: () => Date;
  readonly #answered = new Map<number, { request: number; press: number; outcome: RatingOutcome; at: number }>();
  /** The last request each evaluator's rating was recorded for: a second press is told so. */
  readonly #recorded = new Map<number, number>();
  #handler: RatingHandler | undefined;

  constructor(options: EvaluatorDeviceOptions) {
    const protocol = typeof options.protocol === 'object' ? options.protocol : evaluatorProtocols.get(options.protocol);
    super('evaluator', { device: 'evaluator', bus: 'evaluator line' }, codecOf(protocol), options);
    this.protocol = protocol;
    this.#ratings = new Listeners(this.log, 'evaluator rating');
    this.#duplicateWindowMs = options.duplicateWindowMs ?? 5000;
    this.#now = options.now ?? (() => new Date());
  }

  /** Who decides whether a rating is taken (the service). Without one every rating is refused. */
  setRatingHandler(handler: RatingHandler | undefined): void {
    this.#handler = handler;
  }

  /** Every rating that reached the driver, with what it was answered (lab, diagnostics). */
  onRating(listener: (rating: EvaluatorRating & { outcome: RatingOutcome }) => void): () => void {
    return this.#ratings.add(listener);
  }

  /** Asks the customer at `address` for a rating; returns at once, never throws. */
  ask(address: number, ask: Omit<Extract<EvaluatorScreen, { kind: 'ask' }>, 'kind'>): void {
    this.put(address, { kind: 'ask', ...ask });
  }

  /** Shows the welcome screen (ends any request); returns at once, never throws. */
  idle(address: number, text: string): void {
    this.put(address, { kind: 'idle', text });
  }

  /** What the host last gave an evaluator to show. */
  screen(address: number): EvaluatorScreen | undefined {
    return this.latest(address);
  }

  protected override onMessage(message: EvaluatorMessage): void {
    if (message.kind !== 'rating') return;
    const { address, request, press } = message;
    this.heard(address);
    const at = this.#now().getTime();
    const last = this.#answered.get(address);
    if (last && last.request === request && last.press === press && at - last.at < this.#duplicateWindowMs) {
      this.log.debug({ device: this.id, address, request, press }, 'repeated rating answered again');
      this.sendNow(this.protocol.encodeResult(address, request, press, last.outcome), 'evaluator result');
      return;
    }
    const outcome = this.#decide(message);
    this.#answered.set(address, { request, press, outcome, at });
    this.sendNow(this.protocol.encodeResult(address, request, press, outcome), 'evaluator result');
  }

  #decide(message: Extract<EvaluatorMessage, { kind: 'rating' }>): RatingOutcome {
    const { address, request, level, reasons } = message;
    const screen = this.latest(address);
    // Only the request the evaluator was last asked can be answered: a late press, or one for a
    // request the host has since replaced, rates nobody.
    if (screen?.kind !== 'ask' || screen.request !== request) return this.#recorded.get(address) === request ? 'already_rated' : 'expired';
    if (level < 1 || level > screen.levels) return 'refused';
    const rating: EvaluatorRating = { address, request, level, levels: screen.levels, reasons: reasons.filter((r) => r < screen.reasons) };
    let outcome: RatingOutcome = 'refused';
    try {
      outcome = this.#handler ? this.#handler(rating) : 'refused';
    } catch (err) {
      this.log.error({ device: this.id, address, err }, 'evaluator rating handler failed');
    }
    if (outcome === 'recorded') this.#recorded.set(address, request);
    this.#ratings.emit({ ...rating, outcome }, { device: this.id });
    return outcome;
  }
}

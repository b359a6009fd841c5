/**
 * Simulated evaluators (评价器): the device end of an evaluator protocol. Keeps what the host
 * shows on each evaluator (a rating request or the welcome screen) and acks it; rate() sends a
 * rating for the request on screen and resends it until the host answers with the result, as
 * real evaluators do. Used by demo mode's device lab and by tests (on a memory cable or the far
 * end of a pty).
 */
import type { EvaluatorHostMessage, EvaluatorProtocol, EvaluatorScreen, RatingOutcome } from '../evaluator/protocol.js';
import { evaluatorProtocols } from '../evaluator/registry.js';
import type { Logger } from '../logger.js';
import type { Transport } from '../transport/transport.js';
import { FakeBusEnd } from './fake-bus-end.js';

export type FakeEvaluatorScreen = { address: number } & EvaluatorScreen;

export interface FakeEvaluatorEvents {
  /** The host changed what an evaluator shows. */
  screen: [screen: FakeEvaluatorScreen];
  /** The host answered a rating. */
  result: [result: { address: number; request: number; press: number; outcome: RatingOutcome }];
}

export interface FakeEvaluatorOptions {
  /** The device end of the cable (owned: start() opens it, stop() closes it). */
  transport: Transport;
  protocol?: EvaluatorProtocol | string;
  /** Wait for the host's result before resending a rating; default 300 ms. */
  resendMs?: number;
  /** Resends of an unanswered rating; default 3. */
  resends?: number;
  logger?: Logger;
}

export class FakeEvaluator extends FakeBusEnd<EvaluatorHostMessage, FakeEvaluatorEvents> {
  readonly protocol: EvaluatorProtocol;
  readonly screens = new Map<number, FakeEvaluatorScreen>();
  /** The last result per evaluator (what its screen says after a rating: thanks, too late). */
  readonly results = new Map<number, RatingOutcome>();
  readonly #resendMs: number;
  readonly #resends: number;
  readonly #presses = new Map<number, number>();
  readonly #pending = new Map<string, (outcome: RatingOutcome | undefined) => void>();

  constructor(options: FakeEvaluatorOptions) {
    const protocol = typeof options.protocol === 'object' ? options.protocol : evaluatorProtocols.get(options.protocol);
    super(options.transport, () => protocol.createHostParser(), options.logger);
    this.protocol = protocol;
    this.#resendMs = options.resendMs ?? 300;
    this.#resends = options.resends ?? 3;
  }

  override async stop(): Promise<void> {
    for (const settle of this.#pending.values()) settle(undefined);
    await super.stop();
  }

  /** The request an evaluator shows now, if it is asking. */
  asking(address: number): Extract<FakeEvaluatorScreen, { kind: 'ask' }> | undefined {
    const s = this.screens.get(address);
    return s?.kind === 'ask' ? s : undefined;
  }

  /** The bytes of one press (advances that evaluator's press number). */
  ratingFrame(address: number, request: number, level: number, reasons: number[] = []): { press: number; bytes: Uint8Array } {
    const press = ((this.#presses.get(address) ?? -1) + 1) & 0xff;
    this.#presses.set(address, press);
    return { press, bytes: this.protocol.encodeRating(address, request, press, level, reasons) };
  }

  /**
   * The customer presses `level` (and reason keys, 0-based) on evaluator `address`: a rating of
   * the request on screen (or of `request`, to play a press that arrives late). Resolves with the
   * host's answer, or undefined when it never answered; never rejects.
   */
  async rate(address: number, level: number, reasons: number[] = [], request = this.asking(address)?.request ?? 1): Promise<RatingOutcome | undefined> {
    const { press, bytes } = this.ratingFrame(address, request, level, reasons);
    const id = `${address}/${request}/${press}`;
    for (let attempt = 0; attempt <= this.#resends; attempt++) {
      const answered = new Promise<RatingOutcome | undefined>((resolve) => {
        const timer = setTimeout(() => settle(undefined), this.#resendMs);
        const settle = (outcome: RatingOutcome | undefined) => {
          clearTimeout(timer);
          this.#pending.delete(id);
          resolve(outcome);
        };
        this.#pending.set(id, settle);
      });
      try {
        await this.transport.write(bytes);
      } catch (err) {
        this.log.debug({ err }, 'fake evaluator could not send a rating');
      }
      const outcome = await answered;
      if (outcome) return outcome;
    }
    return undefined;
  }

  protected receive(message: EvaluatorHostMessage): void {
    switch (message.kind) {
      case 'result':
        this.results.set(message.address, message.outcome);
        this.#pending.get(`${message.address}/${message.request}/${message.press}`)?.(message.outcome);
        this.emit('result', { address: message.address, request: message.request, press: message.press, outcome: message.outcome });
        return;
      case 'ping':
        this.answer(this.protocol.encodeAck(message.address, 'ping'));
        return;
      default: {
        this.screens.set(message.address, message);
        if (message.kind === 'ask') this.results.delete(message.address);
        this.emit('screen', message);
        this.answer(this.protocol.encodeAck(message.address, message.kind));
      }
    }
  }
}

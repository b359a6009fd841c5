/**
 * The counter evaluator's request (评价请求): when a service completes at a counter, the
 * counter's evaluator (pad or tablet) asks that customer for a rating, for `askSeconds`. It ends
 * when a rating of that ticket arrives (from any channel), when it times out (quietly: the
 * evaluator goes back to its welcome screen, nothing is recorded), when the teller starts serving
 * the next customer, or when the counter closes. The teller console shows it and what came.
 *
 * Requests live in memory: after a restart the evaluator simply does not ask for the services
 * that ended before it; the phone can still rate them. Each request has a number per counter
 * (1–255, as an evaluator pad echoes it) so that a late key press cannot rate the next customer.
 */
import type { FeedbackSettings } from '../../config/feedback-schema.js';
import type { RatingChannel } from '../../core/feedback.js';
import type { BranchEvent } from '../../core/events.js';
import type { BranchService } from '../branch-service.js';
import type { Logger } from '../logger.js';

export type RequestState = 'waiting' | 'rated' | 'expired' | 'ended';

export interface RatingRequest {
  /** 1–255, per counter; an evaluator's answer names it. */
  seq: number;
  ticketId: string;
  number: string;
  serviceCode: string;
  counterId: string;
  staffId?: string;
  askedAt: number;
  expiresAt: number;
  state: RequestState;
  /** What came, once rated (from whichever channel). */
  rating?: { score: number; levels: number; channel: RatingChannel; reasons: string[] };
}

/** Why an evaluator's answer is not taken. */
export type AnswerRefusal = 'expired' | 'already_rated' | 'not_asked';

export class RatingRequests {
  private readonly byCounter = new Map<string, RatingRequest>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly listeners = new Set<(r: RatingRequest) => void>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly service: BranchService,
    private readonly settings: Pick<FeedbackSettings, 'askSeconds'>,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.unsubscribe = this.service.hub.subscribe((e) => this.onEvent(e));
  }

  stop(): void {
    this.unsubscribe?.();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Hears every change of a counter's request (opened, rated, expired, ended). */
  onChange(listener: (r: RatingRequest) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The counter's latest request, its state as of the service's clock. */
  current(counterId: string): RatingRequest | undefined {
    this.expireIfDue(counterId);
    const r = this.byCounter.get(counterId);
    return r ? { ...r } : undefined;
  }

  /** The waiting request an evaluator's answer names, or why the answer is not taken. */
  answerable(counterId: string, seq: number): { request: RatingRequest } | { refused: AnswerRefusal } {
    this.expireIfDue(counterId);
    const r = this.byCounter.get(counterId);
    if (!r || r.seq !== seq) return { refused: 'not_asked' };
    if (r.state === 'waiting') return { request: { ...r } };
    return { refused: r.state === 'rated' ? 'already_rated' : 'expired' };
  }

  private onEvent(e: BranchEvent): void {
    switch (e.type) {
      case 'ticket.completed':
        if (e.data.ticket.status === 'done') this.open(e.data.counterId, e.data.ticket, Date.parse(e.at));
        break;
      case 'feedback.rated': {
        const { rating } = e.data;
        const r = rating.counterId ? this.byCounter.get(rating.counterId) : undefined;
        if (r && r.ticketId === rating.ticketId) {
          this.settle(r, 'rated', { score: rating.score, levels: rating.levels, channel: rating.channel, reasons: rating.reasons });
        }
        break;
      }
      case 'ticket.started':
        this.endWaiting(e.data.counterId);
        break;
      case 'counter.closed':
        this.endWaiting(e.data.counterId);
        break;
      case 'day.closed':
        for (const counterId of this.byCounter.keys()) this.endWaiting(counterId);
        break;
    }
  }

  private open(counterId: string, t: { id: string; number: string; serviceCode: string; staffId?: string }, at: number): void {
    const previous = this.byCounter.get(counterId);
    if (previous?.state === 'waiting') previous.state = 'ended';
    const r: RatingRequest = {
      seq: previous ? (previous.seq % 255) + 1 : 1,
      ticketId: t.id,
      number: t.number,
      serviceCode: t.serviceCode,
      counterId,
      staffId: t.staffId,
      askedAt: at,
      expiresAt: at + this.settings.askSeconds * 1000,
      state: 'waiting',
    };
    this.byCounter.set(counterId, r);
    clearTimeout(this.timers.get(counterId));
    const timer = setTimeout(() => {
      this.timers.delete(counterId);
      if (this.byCounter.get(counterId) === r && r.state === 'waiting') this.settle(r, 'expired');
    }, this.settings.askSeconds * 1000);
    timer.unref();
    this.timers.set(counterId, timer);
    this.emit(r);
  }

  private expireIfDue(counterId: string): void {
    const r = this.byCounter.get(counterId);
    if (r?.state === 'waiting' && this.service.clock() >= r.expiresAt) this.settle(r, 'expired');
  }

  private endWaiting(counterId: string): void {
    const r = this.byCounter.get(counterId);
    if (r?.state === 'waiting') this.settle(r, 'ended');
  }

  private settle(r: RatingRequest, state: RequestState, rating?: RatingRequest['rating']): void {
    r.state = state;
    if (rating) r.rating = rating;
    if (state !== 'waiting') {
      clearTimeout(this.timers.get(r.counterId));
      this.timers.delete(r.counterId);
    }
    this.emit(r);
  }

  private emit(r: RatingRequest): void {
    for (const l of this.listeners) {
      try {
        l({ ...r });
      } catch (err) {
        this.log.error({ err, counter: r.counterId }, 'rating request listener failed');
      }
    }
  }
}

/**
 * The rating command: a customer's rating of a finished service, from any channel (evaluator
 * pad, counter tablet, phone). core/feedback.ts decides whether it is taken; the rating row and
 * its `feedback.rated` event are written together through the branch service's record() (the
 * one write path), where the ratings table's key on the ticket refuses a second rating even if
 * two channels answer at once.
 */
import { DomainError } from '../../common/errors.js';
import type { FeedbackSettings } from '../../config/feedback-schema.js';
import { decideRating, type Rating, type RatingInput, type RatingRules } from '../../core/feedback.js';
import { draft } from '../../core/events.js';
import type { FeedbackStore } from '../../db/feedback-store.js';
import type { BranchService } from '../branch-service.js';

export function ratingRules(settings: FeedbackSettings): RatingRules {
  return { levels: settings.levels, reasons: settings.reasons.map((r) => r.code), acceptMinutes: settings.acceptMinutes };
}

export class RatingCommands {
  constructor(
    private readonly service: BranchService,
    private readonly store: FeedbackStore,
    private readonly settings: FeedbackSettings,
  ) {}

  /** Records the rating of a ticket; throws UNKNOWN_TICKET, RATING_NOT_SERVED, ALREADY_RATED, RATING_CLOSED or RATING_INVALID. */
  rate(ticketId: string, input: RatingInput): Rating {
    const ticket = this.service.ticketRecord(ticketId);
    if (!ticket) throw new DomainError('UNKNOWN_TICKET', 'No such ticket.');
    const rating = decideRating(ticket, this.store.rating(ticketId) !== undefined, input, ratingRules(this.settings), this.service.clock());
    this.service.record([draft('feedback.rated', rating.ratedAt, { rating })], () => this.store.insertRating(rating));
    return rating;
  }

  /** The rating of a ticket, if it has one. */
  ratingOf(ticketId: string): Rating | undefined {
    return this.store.rating(ticketId);
  }
}

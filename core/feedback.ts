/**
 * Satisfaction ratings (评价): the record a rating leaves and the rules that decide whether a
 * rating is taken. Serves the bank's rules 一(五) (confirm every customer's satisfaction after
 * the service) and 二(二) (staff performance built on customer satisfaction).
 *
 * - One rating per ticket, only once its service is done (status `done`), and only within the
 *   accept window after the service ended (a phone can still rate an hour later; a ticket from
 *   last month cannot be rated by whoever finds its id).
 * - The score is always on the 5-point scale. An evaluator that offers 3 levels maps them to
 *   1, 3 and 5, so the mean score of every channel and branch means the same thing.
 * - A rating is tied to the ticket's counter and teller as the ticket records them.
 * Pure: the database's unique key on the ticket is the last line of defence against a second one.
 */
import { z } from 'zod';
import { DomainError } from '../common/errors.js';
import type { Ticket } from './types.js';

export const RATING_CHANNELS = ['pad', 'tablet', 'mobile'] as const;
export const ratingChannelSchema = z.enum(RATING_CHANNELS);
export type RatingChannel = z.infer<typeof ratingChannelSchema>;

export const ratingLevelsSchema = z.union([z.literal(3), z.literal(5)]);
export type RatingLevels = z.infer<typeof ratingLevelsSchema>;

/** A rating as stored and as the `feedback.rated` event carries it. */
export const ratingSchema = z.object({
  ticketId: z.string().min(1),
  number: z.string().min(1),
  serviceCode: z.string().min(1),
  /** The ticket's business day: reports and performance count a rating in the period of its service. */
  businessDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
  counterId: z.string().optional(),
  staffId: z.string().optional(),
  channel: ratingChannelSchema,
  /** 1 (very dissatisfied) … 5 (very satisfied), whatever the device offered. */
  score: z.number().int().min(1).max(5),
  /** How many levels the customer was offered. */
  levels: ratingLevelsSchema,
  /** Reason codes from the branch's list (docs: config `feedback.reasons`); offered for low scores. */
  reasons: z.array(z.string().min(1).max(32)).max(16),
  /** Epoch ms the customer rated. */
  ratedAt: z.number(),
  /** Epoch ms the service ended (the ticket's endedAt). */
  servedAt: z.number(),
  /** The evaluator that took it: a pad line's device id, a tablet's id; absent for phones. */
  deviceId: z.string().optional(),
});
export type Rating = z.infer<typeof ratingSchema>;

/** What the branch file says about ratings (config `feedback`), as the decision needs it. */
export interface RatingRules {
  levels: RatingLevels;
  /** Known reason codes. */
  reasons: readonly string[];
  /** Minutes after the service ended that a rating is still taken. */
  acceptMinutes: number;
}

export interface RatingInput {
  score: number;
  reasons?: readonly string[];
  channel: RatingChannel;
  /** Levels the asking device offered; default the branch's. */
  levels?: RatingLevels;
  deviceId?: string;
}

/** The 5-point score of `level` (1-based) on a device offering `levels`: 3 levels map to 1, 3, 5. */
export function scoreOfLevel(level: number, levels: RatingLevels): number {
  if (!Number.isInteger(level) || level < 1 || level > levels) {
    throw new DomainError('RATING_INVALID', `A rating level is 1 to ${levels}; got ${level}.`);
  }
  return levels === 5 ? level : 1 + (level - 1) * 2;
}

/** The level a 5-point score shows as on a device offering `levels` (for pages that show it back). */
export function levelOfScore(score: number, levels: RatingLevels): number {
  return levels === 5 ? score : Math.min(3, Math.max(1, Math.round((score - 1) / 2) + 1));
}

/**
 * The rating a customer gives `ticket`, or a refusal: RATING_NOT_SERVED (not done),
 * RATING_CLOSED (past the accept window), RATING_INVALID (score or reasons), ALREADY_RATED.
 */
export function decideRating(ticket: Ticket, alreadyRated: boolean, input: RatingInput, rules: RatingRules, now: number): Rating {
  if (ticket.status !== 'done' || ticket.endedAt === undefined) {
    const why = ticket.status === 'transferred' ? 'it was transferred; rate the ticket it continued as' : `it is ${ticket.status}`;
    throw new DomainError('RATING_NOT_SERVED', `Ticket ${ticket.number} cannot be rated yet: ${why}. A rating is taken once the service is done.`, {
      status: ticket.status,
    });
  }
  if (alreadyRated) throw new DomainError('ALREADY_RATED', `Ticket ${ticket.number} has already been rated; each service is rated once.`);
  if (now - ticket.endedAt > rules.acceptMinutes * 60_000) {
    throw new DomainError('RATING_CLOSED', `Ticket ${ticket.number} was served too long ago to be rated here; please tell the branch staff instead.`);
  }
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) {
    throw new DomainError('RATING_INVALID', `A score is a whole number from 1 to 5; got ${input.score}.`);
  }
  const reasons = [...new Set(input.reasons ?? [])];
  const unknown = reasons.filter((r) => !rules.reasons.includes(r));
  if (unknown.length > 0) {
    throw new DomainError('RATING_INVALID', `Unknown reason ${unknown.join(', ')}; the branch's reasons are ${rules.reasons.join(', ')}.`, { unknown });
  }
  return {
    ticketId: ticket.id,
    number: ticket.number,
    serviceCode: ticket.serviceCode,
    businessDay: ticket.businessDay,
    counterId: ticket.counterId,
    staffId: ticket.staffId,
    channel: input.channel,
    score: input.score,
    levels: input.levels ?? rules.levels,
    reasons,
    ratedAt: now,
    servedAt: ticket.endedAt,
    deviceId: input.deviceId,
  };
}

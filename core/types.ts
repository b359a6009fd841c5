/**
 * The queue domain's data. Plain values only: the engine, the database, the API and the
 * event log all speak these shapes. Times are epoch milliseconds inside the domain.
 *
 * The records that are stored, sent and read back (tickets, counter states, number sequences)
 * are zod schemas, and their types are inferred from them: the schema that checks a row read
 * from SQLite or an event from a branch is the type the code is written against, so the two
 * cannot drift apart. The branch configuration's shapes are checked where the configuration
 * file is read (config/schema.ts).
 */
import { z } from 'zod';

export const localizedSchema = z.object({ zh: z.string(), en: z.string() });
export type Localized = z.infer<typeof localizedSchema>;

export const TICKET_STATUSES = ['waiting', 'called', 'serving', 'done', 'no_show', 'cancelled', 'transferred'] as const;
export const ticketStatusSchema = z.enum(TICKET_STATUSES);
export type TicketStatus = z.infer<typeof ticketStatusSchema>;
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['waiting', 'called', 'serving'];

export const skillLevelSchema = z.enum(['primary', 'secondary']);
export type SkillLevel = z.infer<typeof skillLevelSchema>;
export const staffRoleSchema = z.enum(['teller', 'lobby', 'supervisor', 'admin']);
export type StaffRole = z.infer<typeof staffRoleSchema>;
export const channelSchema = z.enum(['kiosk', 'lobby', 'mobile', 'appointment', 'api']);
export type Channel = z.infer<typeof channelSchema>;

export interface ServiceDef {
  code: string;
  prefix: string;
  name: Localized;
  /** Inclusive range of numbers; the width of `to` sets the zero padding (A001). */
  range: { from: number; to: number };
  /** Most tickets a day; undefined means only the range limits it. */
  dailyCap?: number;
  targetWaitMinutes: number;
  typicalServiceMinutes: number;
  selfService: Localized[];
  icon?: string;
  enabled: boolean;
  /**
   * Reserve duty: once this service's longest waiter has waited this long, counters that hold
   * it as secondary serve it ahead of their primary customers still within target. Undefined
   * means the target wait.
   */
  reserveAfterMinutes?: number;
}

export interface CounterDef {
  id: string;
  name: Localized;
  services: { code: string; level: SkillLevel }[];
}

export interface SegmentDef {
  code: string;
  name: Localized;
  /** Priority segments are called before regular ones, within the fairness cap. */
  priority: boolean;
}

export interface OpeningHours {
  /** Index 0 = Sunday … 6 = Saturday, each a list of [open, close) windows in local "HH:MM". */
  weekly: { open: string; close: string }[][];
  /** Local dates (YYYY-MM-DD) the branch is closed. */
  closedDates: string[];
}

/**
 * How a counter weighs its secondary services: `reserve` (the default) serves a secondary line
 * whose longest waiter is past its reserve threshold ahead of primary customers still within
 * target, and serves a service with no open primary counter as primary; `strict` takes a
 * secondary service only when no primary customer waits.
 */
export type TierPolicy = 'reserve' | 'strict';

export interface QueueRules {
  tiers: TierPolicy;
  /** At most this many priority calls in a row at one counter while regular customers wait. */
  fairnessCap: number;
  /** Regular tickets older than their service's target wait are treated as priority. */
  ageing: boolean;
  maxRecalls: number;
  /** How many times a no-show ticket may rejoin the back of the queue (0 disables rejoin). */
  maxRejoins: number;
  /** "Next" while a ticket is still at the counter completes that ticket first. */
  autoCompleteOnNext: boolean;
  pauseReasons: { code: string; name: Localized }[];
}

export interface BranchDef {
  id: string;
  name: Localized;
  timeZone: string;
  /** Local time the ticket numbers reset, "HH:MM"; "00:00" is midnight. */
  dayStartsAt: string;
  hours: OpeningHours;
}

/** One planned shift of a counter: the branch's roster, known ahead (shifts, meal breaks). */
export interface RosterShift {
  counterId: string;
  /** Weekdays the shift runs: 0 = Sunday … 6 = Saturday. */
  weekdays: number[];
  /** Local "HH:MM" the counter opens and closes. */
  open: string;
  close: string;
  breaks: { at: string; minutes: number; reason: string }[];
}

export interface QueueConfig {
  branch: BranchDef;
  services: ServiceDef[];
  counters: CounterDef[];
  segments: SegmentDef[];
  rules: QueueRules;
  roster: RosterShift[];
}

/** Why the engine chose a ticket: kept on the ticket and in the event, for audit. */
export const callReasonSchema = z.object({
  /** primary/secondary: which skill tier the ticket came from. */
  tier: skillLevelSchema,
  /** priority: a priority segment; aged: past its target wait (furthest past first); fifo: plain
   *  order; fairness: a regular ticket taken because the priority streak reached the cap;
   *  reserve: a secondary line past its reserve threshold, before primary customers within target. */
  rule: z.enum(['priority', 'aged', 'fifo', 'fairness', 'reserve']),
  /** A secondary service served as primary because no counter with it as primary was open. */
  covering: z.boolean().optional(),
  /** Tickets of this counter's services that arrived earlier and were passed over. */
  passedOver: z.number().int().nonnegative(),
  text: z.string(),
});
export type CallReason = z.infer<typeof callReasonSchema>;

/**
 * The wait estimate kept with a ticket: the printed range, and the points it was made from
 * (core/estimate.ts), which the estimator learns from and the dashboard measures accuracy
 * with. Those are absent on tickets issued before the estimator kept them.
 */
export const ticketEstimateSchema = z.object({
  minMinutes: z.number(),
  maxMinutes: z.number(),
  /** The estimator's calibrated point estimate, minutes. */
  expectedMinutes: z.number().optional(),
  /** The queue-length baseline (n+1)/(s·μ) at the same moment. */
  baselineMinutes: z.number().optional(),
  /** The delay-history baseline: the wait of the last customer of the service called before. */
  delayBaselineMinutes: z.number().optional(),
  /** The uncalibrated model's minutes (what calibration learns the error of). */
  modelMinutes: z.number().optional(),
});
export type TicketEstimate = z.infer<typeof ticketEstimateSchema>;

const epochMs = z.number();

export const ticketSchema = z.object({
  id: z.string().min(1),
  visitId: z.string(),
  number: z.string().min(1),
  seq: z.number().int(),
  serviceCode: z.string().min(1),
  segment: z.string().min(1),
  channel: channelSchema,
  status: ticketStatusSchema,
  businessDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
  issuedAt: epochMs,
  /** Orders the queue: the visit's first arrival (kept on transfer), or the rejoin time. */
  queuedAt: epochMs,
  ahead: z.number().int().nonnegative(),
  estimate: ticketEstimateSchema.nullable(),
  calledAt: epochMs.optional(),
  startedAt: epochMs.optional(),
  endedAt: epochMs.optional(),
  counterId: z.string().optional(),
  staffId: z.string().optional(),
  recalls: z.number().int().nonnegative(),
  rejoins: z.number().int().nonnegative(),
  callReason: callReasonSchema.optional(),
  transferredFrom: z.string().optional(),
  transferredTo: z.string().optional(),
  endReason: z.string().optional(),
});
export type Ticket = z.infer<typeof ticketSchema>;

export const counterStatusSchema = z.enum(['closed', 'open', 'paused']);
export type CounterStatus = z.infer<typeof counterStatusSchema>;

export const counterStateSchema = z.object({
  id: z.string().min(1),
  status: counterStatusSchema,
  staffId: z.string().optional(),
  pauseReason: z.string().optional(),
  currentTicketId: z.string().optional(),
  /** Priority calls in a row, for the fairness cap. */
  priorityStreak: z.number().int().nonnegative(),
  since: epochMs,
  servedToday: z.number().int().nonnegative(),
  servedDay: z.string().optional(),
});
export type CounterState = z.infer<typeof counterStateSchema>;

export const numberSequenceSchema = z.object({
  serviceCode: z.string().min(1),
  businessDay: z.string(),
  lastSeq: z.number().int(),
  issued: z.number().int().nonnegative(),
});
export type NumberSequence = z.infer<typeof numberSequenceSchema>;

/**
 * The queue domain's data. Plain values only: the engine, the database, the API and the
 * event log all speak these shapes. Times are epoch milliseconds inside the domain.
 */

export type Localized = { zh: string; en: string };

export type TicketStatus = 'waiting' | 'called' | 'serving' | 'done' | 'no_show' | 'cancelled' | 'transferred';
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['waiting', 'called', 'serving'];

export type SkillLevel = 'primary' | 'secondary';
export type StaffRole = 'teller' | 'lobby' | 'supervisor' | 'admin';
export type Channel = 'kiosk' | 'lobby' | 'mobile' | 'appointment' | 'api';

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
export interface CallReason {
  /** primary/secondary: which skill tier the ticket came from. */
  tier: SkillLevel;
  /** priority: a priority segment; aged: past its target wait (furthest past first); fifo: plain
   *  order; fairness: a regular ticket taken because the priority streak reached the cap;
   *  reserve: a secondary line past its reserve threshold, before primary customers within target. */
  rule: 'priority' | 'aged' | 'fifo' | 'fairness' | 'reserve';
  /** A secondary service served as primary because no counter with it as primary was open. */
  covering?: boolean;
  /** Tickets of this counter's services that arrived earlier and were passed over. */
  passedOver: number;
  text: string;
}

export interface Ticket {
  id: string;
  visitId: string;
  number: string;
  seq: number;
  serviceCode: string;
  segment: string;
  channel: Channel;
  status: TicketStatus;
  businessDay: string;
  issuedAt: number;
  /** Orders the queue: the visit's first arrival (kept on transfer), or the rejoin time. */
  queuedAt: number;
  ahead: number;
  /** The printed range and, on tickets the estimator issued, the points it was made from (core/estimate.ts). */
  estimate: { minMinutes: number; maxMinutes: number; expectedMinutes?: number; baselineMinutes?: number; delayBaselineMinutes?: number; modelMinutes?: number } | null;
  calledAt?: number;
  startedAt?: number;
  endedAt?: number;
  counterId?: string;
  staffId?: string;
  recalls: number;
  rejoins: number;
  callReason?: CallReason;
  transferredFrom?: string;
  transferredTo?: string;
  endReason?: string;
}

export type CounterStatus = 'closed' | 'open' | 'paused';

export interface CounterState {
  id: string;
  status: CounterStatus;
  staffId?: string;
  pauseReason?: string;
  currentTicketId?: string;
  /** Priority calls in a row, for the fairness cap. */
  priorityStreak: number;
  since: number;
  servedToday: number;
  servedDay?: string;
}

export interface NumberSequence {
  serviceCode: string;
  businessDay: string;
  lastSeq: number;
  issued: number;
}

/**
 * Every change in the branch is an event in an append-only log. This file is the one
 * definition of those events: the engine emits them, the database stores them as the outbox,
 * the WebSocket stream pushes them and head office ingests them. Schemas are versioned by `v`;
 * a change that is not backwards compatible gets a new version, never a silent edit.
 */
import { z } from 'zod';
import { complaintChannelSchema, complaintKindSchema, informedHowSchema } from './complaints.js';
import { consentMethodSchema } from './consent.js';
import { consentKindSchema } from './customer-file.js';
import { followUpCancelReasonSchema, followUpOutcomeSchema, followUpResultSchema } from './followups.js';
import { ratingSchema } from './feedback.js';
import { callReasonSchema, localizedSchema, ticketSchema } from './types.js';

// Re-exported: head office and older code import the record schemas from here.
export { callReasonSchema, ticketSchema };

export const EVENT_VERSION = 1;


const counterRef = z.object({ counterId: z.string(), staffId: z.string().optional() });

export const deviceStatusSchema = z.object({
  id: z.string(),
  kind: z.string(),
  uri: z.string(),
  state: z.string(),
  detail: z.string().optional(),
  since: z.string(),
});

export const alertSchema = z.object({
  id: z.string(),
  /** One alert per condition at a time: e.g. wait:A, idle:3, device:printer-1:paper_near_end. */
  key: z.string(),
  kind: z.enum(['wait_over_target', 'counter_idle', 'device_offline', 'printer_paper', 'device_fault', 'storage_fault', 'sync_stalled', 'sync_restored', 'complaint_overdue']),
  severity: z.enum(['warning', 'critical']),
  message: localizedSchema,
  raisedAt: z.string(),
  clearedAt: z.string().optional(),
  acknowledgedAt: z.string().optional(),
  acknowledgedBy: z.string().optional(),
});

export const eventDataSchemas = {
  'ticket.issued': z.object({ ticket: ticketSchema }),
  'ticket.called': z.object({ ticket: ticketSchema, counterId: z.string(), staffId: z.string().optional(), reason: callReasonSchema }),
  'ticket.recalled': z.object({ ticket: ticketSchema, counterId: z.string(), staffId: z.string().optional() }),
  'ticket.started': z.object({ ticket: ticketSchema, counterId: z.string(), staffId: z.string().optional() }),
  'ticket.completed': z.object({
    ticket: ticketSchema,
    counterId: z.string(),
    staffId: z.string().optional(),
    /** true when "next" completed it. */
    auto: z.boolean(),
  }),
  'ticket.no_show': z.object({ ticket: ticketSchema, counterId: z.string(), staffId: z.string().optional() }),
  /** A called customer who was not served was put back in the line, at the place they had. */
  'ticket.returned': z.object({ ticket: ticketSchema, counterId: z.string(), staffId: z.string().optional() }),
  'ticket.rejoined': z.object({ ticket: ticketSchema, staffId: z.string().optional() }),
  'ticket.transferred': z.object({
    ticket: ticketSchema,
    to: ticketSchema,
    counterId: z.string().optional(),
    staffId: z.string().optional(),
  }),
  'ticket.cancelled': z.object({ ticket: ticketSchema, reason: z.string(), staffId: z.string().optional() }),
  'ticket.print_failed': z.object({ ticketId: z.string(), number: z.string(), reason: z.string(), deviceId: z.string() }),
  'counter.opened': counterRef,
  /**
   * A pause, with its reason. A system fault (reason `system_fault`, core/faults.ts) may interrupt
   * a service: `ticketId` is then the ticket still at the counter.
   */
  'counter.paused': counterRef.extend({ reason: z.string(), ticketId: z.string().optional() }),
  'counter.resumed': counterRef,
  'counter.closed': counterRef,
  'device.status': z.object({ device: deviceStatusSchema }),
  /**
   * A card or ID reader read a card. Only a short-lived, single-use token (the kiosk passes it
   * with its ticket request), the masked tail and the looked-up segment: never the number or
   * its hash, because the stream is open to every screen on the LAN.
   */
  // A card reader read a card. No number, hash, tail or token: the kiosk claims the read over
  // loopback (POST /api/kiosk/card-read), so nobody else on the LAN can use it.
  'device.card_read': z.object({ deviceId: z.string(), segment: z.string() }),
  'config.applied': z.object({
    hash: z.string(),
    source: z.string(),
    services: z.number().int(),
    counters: z.number().int(),
    /** Who applied it, when a person did (the back office); absent for the file and head office. */
    staffId: z.string().optional(),
    /** What changed against the configuration in force before, one line per field. */
    changes: z.array(z.string()).optional(),
  }),
  // Wrong PINs locked sign-in to an account from one address (the others are not affected).
  'staff.login_locked': z.object({ staffId: z.string(), until: z.number(), address: z.string().optional() }),
  /** A staff account was created or changed in the back office (never the PIN or its hash). */
  'staff.changed': z.object({
    staffId: z.string(),
    action: z.enum(['created', 'updated', 'pin_reset', 'unlocked', 'deactivated', 'reactivated']),
    by: z.string(),
    /** The fields that changed, e.g. "roles: teller → teller, lobby". */
    changes: z.array(z.string()),
  }),
  'day.closed': z.object({ businessDay: z.string(), cancelled: z.number().int() }),
  // Alerts for the lobby manager and supervisor (server/alerts): raised when a condition
  // starts, cleared when it ends, acknowledged by a person.
  'alert.raised': z.object({ alert: alertSchema }),
  /** The condition of an active alert changed (paper near end became paper out): same alert, new severity and text. */
  'alert.changed': z.object({ alert: alertSchema }),
  'alert.cleared': z.object({ alertId: z.string(), key: z.string() }),
  'alert.acknowledged': z.object({ alertId: z.string(), key: z.string(), staffId: z.string() }),
  // Satisfaction ratings (core/feedback.ts): one per ticket, from an evaluator pad, a counter
  // tablet or the customer's phone, tied to the ticket's counter and teller.
  'feedback.rated': z.object({ rating: ratingSchema }),
  // A counter tablet was bound to a counter as its evaluator (by a supervisor), or unbound.
  'feedback.tablet_bound': z.object({ tabletId: z.string(), counterId: z.string(), label: z.string(), staffId: z.string() }),
  'feedback.tablet_revoked': z.object({ tabletId: z.string(), counterId: z.string(), staffId: z.string().optional(), reason: z.string() }),
  /**
   * Complaints and opinions (投诉与意见, core/complaints.ts), follow-up calls (回访,
   * core/followups.ts) and customer files (客户档案, core/customer-file.ts). These events say who
   * did what and when, never the customer's words, contact, notes or card hash: the stream is open
   * to every screen on the LAN. `by` is the staff member who acted; it is absent when the customer
   * acted on their own phone. `complaint.staffId` is the teller a complaint names (staff
   * performance counts it for them, in the period it was recorded; docs/customer-care.md).
   */
  'complaint.recorded': z.object({
    complaint: z.object({
      id: z.string().min(1),
      ref: z.string(),
      kind: complaintKindSchema,
      category: z.string(),
      channel: complaintChannelSchema,
      ticketId: z.string().optional(),
      counterId: z.string().optional(),
      staffId: z.string().optional(),
      ownerId: z.string().optional(),
      dueAt: z.number(),
      /** The customer left a contact, with consent (the contact itself is not here). */
      hasContact: z.boolean(),
    }),
    by: z.string().optional(),
  }),
  'complaint.assigned': z.object({ complaintId: z.string(), ownerId: z.string(), by: z.string() }),
  'complaint.started': z.object({ complaintId: z.string(), ownerId: z.string(), by: z.string() }),
  'complaint.noted': z.object({ complaintId: z.string(), by: z.string() }),
  'complaint.resolved': z.object({ complaintId: z.string(), by: z.string(), customerInformed: z.boolean(), informedHow: informedHowSchema.optional() }),
  'complaint.reopened': z.object({ complaintId: z.string(), by: z.string() }),
  'complaint.closed': z.object({ complaintId: z.string(), by: z.string() }),
  /** The customer's words and contact removed: erasure on request. */
  'complaint.redacted': z.object({ complaintId: z.string(), by: z.string() }),
  'followup.created': z.object({
    followUp: z.object({ id: z.string(), customerId: z.string(), ticketId: z.string(), serviceCode: z.string(), ownerId: z.string().optional(), dueAt: z.number() }),
  }),
  'followup.attempted': z.object({ followUpId: z.string(), outcome: followUpOutcomeSchema, by: z.string(), done: z.boolean(), result: followUpResultSchema.optional() }),
  'followup.assigned': z.object({ followUpId: z.string(), ownerId: z.string(), by: z.string() }),
  'followup.cancelled': z.object({ followUpId: z.string(), reason: followUpCancelReasonSchema, by: z.string().optional() }),
  'customer.file_created': z.object({ customerId: z.string(), by: z.string().optional() }),
  'customer.consent_recorded': z.object({ customerId: z.string(), consent: consentKindSchema, granted: z.boolean(), how: consentMethodSchema, by: z.string().optional() }),
  'customer.do_not_contact': z.object({ customerId: z.string(), set: z.boolean(), how: consentMethodSchema, by: z.string().optional() }),
  /** Which parts changed (names only). */
  'customer.updated': z.object({ customerId: z.string(), fields: z.array(z.enum(['preferences', 'contact'])), by: z.string() }),
  'customer.note_added': z.object({ customerId: z.string(), noteId: z.string(), by: z.string() }),
  'customer.note_removed': z.object({ customerId: z.string(), noteId: z.string(), by: z.string() }),
  'customer.exported': z.object({ customerId: z.string(), by: z.string() }),
  /** The file and what it held are gone: on the customer's request, or when no consent was left. */
  'customer.erased': z.object({
    customerId: z.string(),
    by: z.string().optional(),
    reason: z.enum(['request', 'no_consent']),
    removed: z.object({ visits: z.number().int(), notes: z.number().int(), followUps: z.number().int(), complaints: z.number().int() }),
  }),
  /** The daily retention job: how much it purged that had passed its period (counts only). */
  'customer.retention_purged': z.object({
    files: z.number().int(),
    visits: z.number().int(),
    notes: z.number().int(),
    followUps: z.number().int(),
    complaintContacts: z.number().int(),
  }),
} as const;

export type EventType = keyof typeof eventDataSchemas;
export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;
export const EVENT_TYPES = Object.keys(eventDataSchemas) as EventType[];

/**
 * Streams group events that head office orders independently; each has its own gap-free
 * sequence. Queue events must stay in order among themselves; a burst of device events must
 * not hold them up.
 */
export type StreamName = 'queue' | 'device' | 'config' | 'staff';

export function streamOf(type: EventType): StreamName {
  if (type.startsWith('device.')) return 'device';
  if (type.startsWith('config.')) return 'config';
  if (type.startsWith('staff.')) return 'staff';
  return 'queue';
}

/** An event as the engine produces it, before it has a place in the log. */
export type EventDraft = { [T in EventType]: { type: T; at: number; data: EventData<T> } }[EventType];

/** An event as stored and published: a position in the log, a per-stream sequence, a version. */
export type BranchEvent = {
  [T in EventType]: {
    /** Position in the branch's log; WebSocket clients resume from it. */
    id: number;
    stream: StreamName;
    seq: number;
    type: T;
    v: number;
    /** ISO time. */
    at: string;
    branch: string;
    data: EventData<T>;
  };
}[EventType];

/** The envelope of a stored or sent event; `data` is checked by its type's schema (eventSchema). */
export const branchEventSchema = z.object({
  id: z.number().int().positive(),
  stream: z.enum(['queue', 'device', 'config', 'staff']),
  seq: z.number().int().positive(),
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  v: z.number().int().positive(),
  at: z.string(),
  branch: z.string(),
  data: z.unknown(),
});

/** The data of an event of `type` checked against its schema; issues are reported at `path`. */
function checkData(type: EventType, data: unknown, ctx: z.RefinementCtx, path: PropertyKey[]): EventData<EventType> {
  const r = eventDataSchemas[type].safeParse(data);
  if (r.success) return r.data;
  for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [...path, ...issue.path] });
  return z.NEVER;
}

/**
 * A whole event, envelope and data: what the log holds, the stream sends and head office takes
 * in. Unknown fields are dropped, so an event is exactly what its schema says.
 */
export const eventSchema = branchEventSchema.transform(
  // The schema has checked that `data` fits `type`; TypeScript cannot follow that pairing.
  (env, ctx) => ({ ...env, data: checkData(env.type, env.data, ctx, ['data']) }) as BranchEvent,
);

/**
 * Validates an event received from outside (HQ ingest, a replay file, the log): envelope and
 * data, with the same schemas as eventSchema and the same issues (data's under `data`). Done in
 * two plain steps because that runs about twice as fast as the transform on a busy ingest path.
 */
export function parseEvent(input: unknown): BranchEvent {
  const env = branchEventSchema.parse(input);
  const data = eventDataSchemas[env.type].safeParse(env.data);
  if (!data.success) throw new z.ZodRealError(data.error.issues.map((i) => ({ ...i, path: ['data', ...i.path] })));
  // The data was checked against the schema of its own type; TypeScript cannot follow that pairing.
  return { ...env, data: data.data } as BranchEvent;
}

/** An event draft as its schema has it (unknown fields dropped), or the issues naming each wrong field. */
export function checkDraft(d: EventDraft): { ok: true; draft: EventDraft } | { ok: false; issues: readonly z.core.$ZodIssue[] } {
  const r = eventDataSchemas[d.type].safeParse(d.data);
  // The data was checked against the schema of its own type.
  return r.success ? { ok: true, draft: { type: d.type, at: d.at, data: r.data } as EventDraft } : { ok: false, issues: r.error.issues };
}

export function draft<T extends EventType>(type: T, at: number, data: EventData<T>): EventDraft {
  return { type, at, data } as EventDraft;
}

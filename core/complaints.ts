/**
 * Complaints and opinions (投诉与意见, the bank's rule 一(五)): the record, its lifecycle and who
 * may move it. Pure: the caller passes the time, the ids and the acting staff member, and stores
 * what comes back. The record keeps the customer's words and contact; the events about it
 * (core/events.ts) carry neither, because the event stream is open to every screen on the LAN.
 *
 *   open ──► in_progress ──► resolved ──► closed
 *     └───────────────────────►┘   ◄─┘ reopen (not satisfied)
 */
import { z } from 'zod';
import { DomainError } from '../common/errors.js';
import { consentGivenSchema, type ConsentGiven } from './consent.js';
import { defined } from './defined.js';
import type { StaffRole } from './types.js';

export const COMPLAINT_STATUSES = ['open', 'in_progress', 'resolved', 'closed'] as const;
export const complaintStatusSchema = z.enum(COMPLAINT_STATUSES);
export type ComplaintStatus = z.infer<typeof complaintStatusSchema>;

/** A complaint (投诉) asks for redress; an opinion (意见建议) is a suggestion. Both are owned and closed. */
export const complaintKindSchema = z.enum(['complaint', 'opinion']);
export type ComplaintKind = z.infer<typeof complaintKindSchema>;

/** Where it came in: at a counter, to the lobby manager, on the phone's ticket page, by phone, in writing (意见簿, letters). */
export const complaintChannelSchema = z.enum(['counter', 'lobby', 'mobile', 'phone', 'written', 'other']);
export type ComplaintChannel = z.infer<typeof complaintChannelSchema>;

/** How the customer was told of the resolution. */
export const informedHowSchema = z.enum(['in_person', 'phone', 'sms', 'letter', 'email']);

const historyEntrySchema = z.object({
  at: z.number(),
  /** Staff id; absent for the customer (the phone's page). */
  by: z.string().optional(),
  action: z.enum(['recorded', 'assigned', 'started', 'noted', 'resolved', 'reopened', 'closed', 'redacted', 'contact_purged']),
  text: z.string().optional(),
  ownerId: z.string().optional(),
});
export type ComplaintHistoryEntry = z.infer<typeof historyEntrySchema>;

export const complaintSchema = z.object({
  id: z.string().min(1),
  /** The reference a customer is given: TS-YYYYMMDD-NNN. */
  ref: z.string().min(1),
  kind: complaintKindSchema,
  category: z.string().min(1),
  channel: complaintChannelSchema,
  description: z.string(),
  status: complaintStatusSchema,
  ticketId: z.string().optional(),
  ticketNumber: z.string().optional(),
  counterId: z.string().optional(),
  /** The teller the complaint names (staff performance counts it for them). */
  staffId: z.string().optional(),
  /** The customer file it belongs to (found through the ticket's card read), for export and erasure. */
  customerId: z.string().optional(),
  ownerId: z.string().optional(),
  /** Staff id of whoever recorded it; absent when the customer left it on the phone's page. */
  recordedBy: z.string().optional(),
  recordedAt: z.number(),
  dueAt: z.number(),
  /** Only with the customer's consent to be contacted about this complaint. */
  contact: z.object({ value: z.string().min(1), consent: consentGivenSchema }).optional(),
  resolution: z
    .object({
      text: z.string(),
      at: z.number(),
      by: z.string(),
      customerInformed: z.boolean(),
      informedHow: informedHowSchema.optional(),
    })
    .optional(),
  closedAt: z.number().optional(),
  closedBy: z.string().optional(),
  /** The customer's words were removed at their request (erasure); the facts stay for the statistics. */
  redacted: z.boolean().optional(),
  history: z.array(historyEntrySchema),
});
export type Complaint = z.infer<typeof complaintSchema>;

/** A category of the branch file: its deadline sets the due date; `aboutStaff` links the serving teller. */
export interface ComplaintCategory {
  code: string;
  name: { zh: string; en: string };
  deadlineDays: number;
  aboutStaff: boolean;
}

export interface StaffActor {
  staffId: string;
  roles: readonly StaffRole[];
}

const DAY_MS = 86_400_000;

export const isSupervisor = (a: StaffActor): boolean => a.roles.includes('supervisor') || a.roles.includes('admin');
const isLobbyOrAbove = (a: StaffActor): boolean => isSupervisor(a) || a.roles.includes('lobby');

export const OPEN_STATUSES: readonly ComplaintStatus[] = ['open', 'in_progress'];

/** Past its due date and not yet resolved: the dashboard raises an alert. */
export function isOverdue(c: Pick<Complaint, 'status' | 'dueAt'>, now: number): boolean {
  return OPEN_STATUSES.includes(c.status) && now > c.dueAt;
}

export interface NewComplaint {
  kind: ComplaintKind;
  category: string;
  channel: ComplaintChannel;
  description: string;
  /** The ticket it concerns, as the service knows it. */
  ticket?: { id: string; number: string; counterId?: string; staffId?: string };
  /** A teller named by staff; otherwise the ticket's teller when the category is about staff. */
  staffId?: string;
  customerId?: string;
  ownerId?: string;
  contact?: { value: string; consent: ConsentGiven };
}

/**
 * A new complaint, open, due after its category's deadline. Staff record it (`recorder`), or the
 * customer on the phone's page (no recorder). The owner is the one named, else the recorder; but
 * nobody owns a complaint about themselves, so one a teller records about their own service waits
 * for the lobby manager or supervisor to take it.
 */
export function newComplaint(
  input: NewComplaint,
  ctx: { id: string; ref: string; now: number; categories: readonly ComplaintCategory[]; recorder?: StaffActor },
): Complaint {
  const category = ctx.categories.find((c) => c.code === input.category);
  if (!category) {
    throw new DomainError('UNKNOWN_CATEGORY', `There is no complaint category "${input.category}"; the branch has ${ctx.categories.map((c) => c.code).join(', ')}.`);
  }
  const staffId = input.staffId ?? (category.aboutStaff ? input.ticket?.staffId : undefined);
  if (input.ownerId !== undefined && input.ownerId === staffId) {
    throw new DomainError('OWNER_CONFLICT', `${staffId} is named in this complaint and cannot own it; choose another owner.`);
  }
  const recorderMayOwn = ctx.recorder !== undefined && ctx.recorder.staffId !== staffId;
  const ownerId = input.ownerId ?? (recorderMayOwn ? ctx.recorder!.staffId : undefined);
  return {
    id: ctx.id,
    ref: ctx.ref,
    kind: input.kind,
    category: category.code,
    channel: input.channel,
    description: input.description,
    status: 'open',
    ...defined({
      ticketId: input.ticket?.id,
      ticketNumber: input.ticket?.number,
      counterId: input.ticket?.counterId,
      staffId,
      customerId: input.customerId,
      ownerId,
      recordedBy: ctx.recorder?.staffId,
      contact: input.contact,
    }),
    recordedAt: ctx.now,
    dueAt: ctx.now + Math.round(category.deadlineDays * DAY_MS),
    history: [{ at: ctx.now, action: 'recorded', ...defined({ by: ctx.recorder?.staffId, ownerId }) }],
  };
}

export type ComplaintAction =
  | { kind: 'assign'; ownerId: string }
  | { kind: 'start' }
  | { kind: 'note'; text: string }
  | { kind: 'resolve'; resolution: string; customerInformed: boolean; informedHow?: z.infer<typeof informedHowSchema> }
  | { kind: 'reopen'; reason: string }
  | { kind: 'close' };

function refuse(code: string, message: string): never {
  throw new DomainError(code, message);
}

function requireState(c: Complaint, allowed: readonly ComplaintStatus[], what: string): void {
  if (!allowed.includes(c.status)) {
    refuse('COMPLAINT_STATE', `Complaint ${c.ref} is ${c.status.replace('_', ' ')}; it can be ${what} only when ${allowed.map((s) => s.replace('_', ' ')).join(' or ')}.`);
  }
}

/** The owner, or a supervisor or admin, moves a complaint; the teller it names never does. */
function requireManager(c: Complaint, a: StaffActor, what: string): void {
  if (isSupervisor(a)) return;
  if (c.staffId === a.staffId) refuse('FORBIDDEN', `Complaint ${c.ref} names you; a colleague or the supervisor ${what} it.`);
  if (c.ownerId !== a.staffId) {
    refuse('FORBIDDEN', c.ownerId ? `Complaint ${c.ref} is owned by ${c.ownerId}; only they or a supervisor may ${what} it.` : `Complaint ${c.ref} has no owner yet; the lobby manager or supervisor assigns it first.`);
  }
}

/**
 * The complaint after `action` by `actor` at `now`, or a DomainError saying why not (nothing
 * changes then). Who may: assign, the lobby manager and supervisors; the rest, the owner or a
 * supervisor. Starting an unowned complaint makes the lobby manager or supervisor its owner.
 */
export function actOnComplaint(c: Complaint, action: ComplaintAction, actor: StaffActor, now: number): Complaint {
  const entry = (e: Omit<ComplaintHistoryEntry, 'at' | 'by'>): ComplaintHistoryEntry => ({ at: now, by: actor.staffId, ...e });
  switch (action.kind) {
    case 'assign': {
      if (!isLobbyOrAbove(actor)) refuse('FORBIDDEN', 'Only the lobby manager, a supervisor or an admin assigns complaints.');
      requireState(c, ['open', 'in_progress', 'resolved'], 'assigned');
      if (action.ownerId === c.staffId) refuse('OWNER_CONFLICT', `${action.ownerId} is named in complaint ${c.ref} and cannot own it; choose another owner.`);
      return { ...c, ownerId: action.ownerId, history: [...c.history, entry({ action: 'assigned', ownerId: action.ownerId })] };
    }
    case 'start': {
      requireState(c, ['open'], 'started');
      const takes = c.ownerId === undefined && isLobbyOrAbove(actor) && actor.staffId !== c.staffId;
      if (!takes) requireManager(c, actor, 'start');
      const ownerId = c.ownerId ?? actor.staffId;
      return { ...c, status: 'in_progress', ownerId, history: [...c.history, entry({ action: 'started', ...(takes ? { ownerId } : {}) })] };
    }
    case 'note':
      requireState(c, ['open', 'in_progress', 'resolved'], 'noted');
      requireManager(c, actor, 'add notes to');
      return { ...c, history: [...c.history, entry({ action: 'noted', text: action.text })] };
    case 'resolve':
      requireState(c, ['open', 'in_progress'], 'resolved');
      requireManager(c, actor, 'resolve');
      return {
        ...c,
        status: 'resolved',
        resolution: {
          text: action.resolution,
          at: now,
          by: actor.staffId,
          customerInformed: action.customerInformed,
          ...(action.informedHow ? { informedHow: action.informedHow } : {}),
        },
        history: [...c.history, entry({ action: 'resolved' })],
      };
    case 'reopen': {
      requireState(c, ['resolved'], 'reopened');
      requireManager(c, actor, 'reopen');
      const { resolution: _previous, ...rest } = c;
      return { ...rest, status: 'in_progress', history: [...c.history, entry({ action: 'reopened', text: action.reason })] };
    }
    case 'close':
      requireState(c, ['resolved'], 'closed');
      requireManager(c, actor, 'close');
      return { ...c, status: 'closed', closedAt: now, closedBy: actor.staffId, history: [...c.history, entry({ action: 'closed' })] };
  }
}

/** Which complaints a staff member sees: the lobby manager and supervisors all; a teller those they own or recorded. */
export function maySee(c: Pick<Complaint, 'ownerId' | 'recordedBy'>, a: StaffActor): boolean {
  return isLobbyOrAbove(a) || c.ownerId === a.staffId || c.recordedBy === a.staffId;
}

/**
 * The complaint without the customer's personal data (erasure on request): contact, words and
 * the link to their file go; category, dates, status, ticket and teller stay, so the statistics
 * and staff performance are unchanged.
 */
export function redactComplaint(c: Complaint, now: number, by: string | undefined): Complaint {
  const { contact: _contact, customerId: _customer, ...rest } = c;
  return {
    ...rest,
    description: '',
    ...(c.resolution ? { resolution: { ...c.resolution, text: '' } } : {}),
    redacted: true,
    history: [...c.history.map((h) => (h.text === undefined ? h : { ...h, text: '' })), { at: now, action: 'redacted', ...defined({ by }) }],
  };
}

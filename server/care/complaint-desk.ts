/**
 * The complaint commands (投诉与意见, the bank's rule 一(五)): record, assign, start, note,
 * resolve, reopen, close. core/complaints.ts decides; each change is saved with its event in one
 * transaction through the branch service's record() (the one write path). The events carry who
 * and when, never the customer's words or contact (the stream is open to the LAN).
 */
import { randomUUID } from 'node:crypto';
import { DomainError } from '../../common/errors.js';
import type { CareSettings } from '../../config/care-schema.js';
import {
  actOnComplaint,
  isOverdue,
  maySee,
  newComplaint,
  redactComplaint,
  type Complaint,
  type ComplaintAction,
  type NewComplaint,
  type StaffActor,
} from '../../core/complaints.js';
import { draft, type EventDraft } from '../../core/events.js';
import type { ComplaintFilter, ComplaintStore } from '../../db/complaint-store.js';
import type { Condition } from '../alerts/rules.js';
import type { BranchService } from '../branch-service.js';

/** The ticket by its id, or by its number on today's business day (as staff read it off the slip). */
export type ComplaintInput = Omit<NewComplaint, 'ticket' | 'customerId'> & { ticketId?: string; ticketNumber?: string };

/** Whether a staff id names an active member of staff (owners must). */
export type StaffLookup = (staffId: string) => boolean;

export class ComplaintDesk {
  constructor(
    private readonly service: BranchService,
    private readonly store: ComplaintStore,
    private readonly settings: () => CareSettings,
    private readonly staffExists: StaffLookup,
    /** The customer file a ticket's card read belongs to, if there is one. */
    private readonly customerOfTicket: (ticketId: string) => string | undefined = () => undefined,
  ) {}

  private nextRef(): string {
    const prefix = `TS-${this.service.businessDay.replaceAll('-', '')}-`;
    return `${prefix}${String(this.store.countRefs(prefix) + 1).padStart(3, '0')}`;
  }

  private ticketIdOf(number: string): string {
    const id = this.store.ticketIdByNumber(this.service.businessDay, number.trim().toUpperCase());
    if (!id) throw new DomainError('UNKNOWN_TICKET', `No ticket ${number} was issued today (${this.service.businessDay}).`);
    return id;
  }

  private requireOwner(ownerId: string | undefined): void {
    if (ownerId !== undefined && !this.staffExists(ownerId)) throw new DomainError('UNKNOWN_OWNER', `There is no active member of staff ${ownerId} to own this complaint.`);
  }

  /** A new complaint or opinion; `recorder` absent when the customer leaves it on their phone. */
  record(input: ComplaintInput, recorder?: StaffActor): Complaint {
    const now = this.service.clock();
    let ticket: NewComplaint['ticket'];
    const ticketId = input.ticketId ?? (input.ticketNumber !== undefined ? this.ticketIdOf(input.ticketNumber) : undefined);
    if (ticketId !== undefined) {
      const t = this.service.ticketRecord(ticketId);
      if (!t) throw new DomainError('UNKNOWN_TICKET', `There is no ticket ${ticketId}.`);
      ticket = { id: t.id, number: t.number, ...(t.counterId ? { counterId: t.counterId } : {}), ...(t.staffId ? { staffId: t.staffId } : {}) };
    }
    if (input.staffId !== undefined && !this.staffExists(input.staffId)) throw new DomainError('UNKNOWN_OWNER', `There is no member of staff ${input.staffId}.`);
    this.requireOwner(input.ownerId);
    const customerId = ticket ? this.customerOfTicket(ticket.id) : undefined;
    const { ticketId: _ticketId, ticketNumber: _ticketNumber, ...rest } = input;
    const c = newComplaint(
      { ...rest, ...(ticket ? { ticket } : {}), ...(customerId ? { customerId } : {}) },
      { id: randomUUID(), ref: this.nextRef(), now, categories: this.settings().complaintCategories, ...(recorder ? { recorder } : {}) },
    );
    const facts = {
      id: c.id,
      ref: c.ref,
      kind: c.kind,
      category: c.category,
      channel: c.channel,
      ...(c.ticketId ? { ticketId: c.ticketId } : {}),
      ...(c.counterId ? { counterId: c.counterId } : {}),
      ...(c.staffId ? { staffId: c.staffId } : {}),
      ...(c.ownerId ? { ownerId: c.ownerId } : {}),
      dueAt: c.dueAt,
      hasContact: c.contact !== undefined,
    };
    this.service.record([draft('complaint.recorded', now, { complaint: facts, ...(recorder ? { by: recorder.staffId } : {}) })], () => this.store.save(c));
    return c;
  }

  /** Moves a complaint; throws UNKNOWN_COMPLAINT, FORBIDDEN, COMPLAINT_STATE or OWNER_CONFLICT and changes nothing then. */
  act(id: string, action: ComplaintAction, actor: StaffActor): Complaint {
    const c = this.require(id);
    if (action.kind === 'assign') this.requireOwner(action.ownerId);
    const now = this.service.clock();
    const next = actOnComplaint(c, action, actor, now);
    this.service.record([eventOf(next, action, actor.staffId, now)], () => this.store.save(next));
    return next;
  }

  private require(id: string): Complaint {
    const c = this.store.complaint(id);
    if (!c) throw new DomainError('UNKNOWN_COMPLAINT', `There is no complaint ${id}.`);
    return c;
  }

  /** One complaint, if this member of staff may see it. */
  get(id: string, actor: StaffActor): Complaint {
    const c = this.require(id);
    if (!maySee(c, actor)) throw new DomainError('FORBIDDEN', `Complaint ${c.ref} is handled by ${c.ownerId ?? 'the lobby manager'}; ask them or the supervisor.`);
    return c;
  }

  /** The complaints this member of staff may see: all for the lobby manager and supervisors, a teller's own otherwise. */
  list(actor: StaffActor, filter: Omit<ComplaintFilter, 'involving'>): Complaint[] {
    const all = actor.roles.some((r) => r === 'lobby' || r === 'supervisor' || r === 'admin');
    return this.store.list({ ...filter, ...(all ? {} : { involving: actor.staffId }) });
  }

  /** The dashboard's alerts: one per overdue complaint (cleared when it is resolved). */
  overdueConditions(now: number): Condition[] {
    return this.store.overdue(now).filter((c) => isOverdue(c, now)).map((c) => {
      const hours = Math.floor((now - c.dueAt) / 3_600_000);
      const late = hours >= 24 ? { zh: `${Math.floor(hours / 24)} 天`, en: `${Math.floor(hours / 24)} day(s)` } : { zh: `${hours} 小时`, en: `${hours} h` };
      return {
        key: `complaint:${c.id}`,
        kind: 'complaint_overdue' as const,
        severity: hours >= 24 ? ('critical' as const) : ('warning' as const),
        message: {
          zh: `投诉 ${c.ref} 已超过处理期限 ${late.zh}（负责人：${c.ownerId ?? '未分配'}）`,
          en: `Complaint ${c.ref} is ${late.en} past its deadline (owner: ${c.ownerId ?? 'unassigned'})`,
        },
      };
    });
  }

  /** The complaints linked to one customer file (export). */
  ofCustomer(customerId: string): Complaint[] {
    return this.store.list({ customerId, limit: 10_000 });
  }

  /** Retention: complaints recorded before `before` lose the customer's contact (the rest stays). */
  contactPurge(before: number): { count: number; save: () => void } {
    const now = this.service.clock();
    const purged = this.store.withContactBefore(before).map((c): Complaint => {
      const { contact: _contact, ...rest } = c;
      return { ...rest, history: [...c.history, { at: now, action: 'contact_purged' }] };
    });
    return { count: purged.length, save: () => purged.forEach((c) => this.store.save(c)) };
  }

  /** Erasure: the customer's words and contact removed from their complaints; the drafts to write with the erasure. */
  redactDrafts(customerId: string, by: string | undefined): { drafts: EventDraft[]; save: () => void; count: number } {
    const now = this.service.clock();
    const redacted = this.store.list({ customerId, limit: 10_000 }).map((c) => redactComplaint(c, now, by));
    return {
      drafts: redacted.map((c) => draft('complaint.redacted', now, { complaintId: c.id, by: by ?? 'system' })),
      save: () => redacted.forEach((c) => this.store.save(c)),
      count: redacted.length,
    };
  }
}

function eventOf(c: Complaint, action: ComplaintAction, by: string, now: number): EventDraft {
  const complaintId = c.id;
  switch (action.kind) {
    case 'assign':
      return draft('complaint.assigned', now, { complaintId, ownerId: action.ownerId, by });
    case 'start':
      return draft('complaint.started', now, { complaintId, ownerId: c.ownerId ?? by, by });
    case 'note':
      return draft('complaint.noted', now, { complaintId, by });
    case 'resolve':
      return draft('complaint.resolved', now, { complaintId, by, customerInformed: action.customerInformed, ...(action.informedHow ? { informedHow: action.informedHow } : {}) });
    case 'reopen':
      return draft('complaint.reopened', now, { complaintId, by });
    case 'close':
      return draft('complaint.closed', now, { complaintId, by });
  }
}

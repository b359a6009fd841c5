/**
 * What the unauthenticated LAN may see. The stream, the lobby screen's queue view and a
 * ticket's phone page are open to any machine on the branch LAN (docs/security.md), so their
 * public form carries no segment (which number is a VIP), no staff id, no file path and no
 * staff or alert events; staff connections get the events as they are.
 */
import type { BranchEvent } from './events.js';
import type { Ticket } from './types.js';

/**
 * A ticket as anyone may see it: no segment, no staff id, no visit link, and no call reason
 * (its text says why a ticket went first, e.g. its VIP segment).
 */
export type PublicTicket = Omit<Ticket, 'segment' | 'staffId' | 'visitId' | 'callReason'>;

export function publicTicketRecord(t: Ticket): PublicTicket {
  const { segment: _segment, staffId: _staffId, visitId: _visitId, callReason: _callReason, ...rest } = t;
  return rest;
}

function withoutStaffId<T extends { staffId?: string }>(d: T): Omit<T, 'staffId'> {
  const { staffId: _staffId, ...rest } = d;
  return rest;
}

/**
 * The public form of an event, or undefined when only staff may see it at all (sign-in locks
 * name staff and addresses, account changes name staff; alerts are for the lobby manager and supervisor).
 */
export function publicEvent(e: BranchEvent): unknown {
  switch (e.type) {
    case 'staff.login_locked':
    case 'staff.changed':
    case 'alert.raised':
    case 'alert.cleared':
    case 'alert.acknowledged':
      return undefined;
    case 'config.applied':
      return { ...e, data: { hash: e.data.hash, services: e.data.services, counters: e.data.counters } };
    case 'device.card_read':
      return { ...e, data: { deviceId: e.data.deviceId } };
    case 'ticket.transferred':
      return { ...e, data: { ...withoutStaffId(e.data), ticket: publicTicketRecord(e.data.ticket), to: publicTicketRecord(e.data.to) } };
    case 'ticket.issued':
      return { ...e, data: { ticket: publicTicketRecord(e.data.ticket) } };
    case 'ticket.called':
      return { ...e, data: { ticket: publicTicketRecord(e.data.ticket), counterId: e.data.counterId } };
    case 'ticket.recalled':
    case 'ticket.started':
    case 'ticket.completed':
    case 'ticket.no_show':
    case 'ticket.rejoined':
    case 'ticket.cancelled':
      return { ...e, data: { ...withoutStaffId(e.data), ticket: publicTicketRecord(e.data.ticket) } };
    case 'counter.opened':
    case 'counter.paused':
    case 'counter.resumed':
    case 'counter.closed':
      return { ...e, data: withoutStaffId(e.data) };
    default:
      return e;
  }
}

/** The event as a connection may see it: whole for staff, its public form (or nothing) for others. */
export function eventView(e: BranchEvent, staff: boolean): unknown {
  return staff ? e : publicEvent(e);
}

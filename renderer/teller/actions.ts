/**
 * The counter actions of the teller console: label, keyboard shortcut, API path, and when each
 * makes sense. The server decides in the end; this only keeps pointless buttons disabled.
 */
import type { CallReason, Ticket, TicketStatus } from '../../core/types.js';

export type ActionId = 'next' | 'recall' | 'start' | 'complete' | 'no-show' | 'put-back' | 'transfer' | 'pause' | 'resume';

export interface CounterTicket {
  id: string;
  number: string;
  serviceCode: string;
  segment: string;
  status: TicketStatus;
  recalls: number;
  waitedSeconds: number;
  callReason?: CallReason;
}

export interface ActionState {
  status: 'open' | 'paused' | 'closed';
  ticket: CounterTicket | null;
}

export interface ActionDef {
  id: ActionId;
  zh: string;
  en: string;
  /** Key shown on the button; pressed anywhere outside a text field. */
  key: string;
  /** Needs a choice first (service, pause reason). */
  choose?: 'service' | 'reason';
  enabled(s: ActionState): boolean;
}

const at = (s: ActionState, ...statuses: TicketStatus[]) => s.ticket !== null && statuses.includes(s.ticket.status);

export const ACTIONS: ActionDef[] = [
  { id: 'next', zh: '叫下一位', en: 'Call next', key: 'N', enabled: (s) => s.status === 'open' },
  { id: 'recall', zh: '重呼', en: 'Recall', key: 'R', enabled: (s) => at(s, 'called') },
  { id: 'start', zh: '开始办理', en: 'Start', key: 'S', enabled: (s) => at(s, 'called') },
  { id: 'complete', zh: '办结', en: 'Complete', key: 'C', enabled: (s) => at(s, 'called', 'serving') },
  { id: 'no-show', zh: '过号', en: 'No-show', key: 'X', enabled: (s) => at(s, 'called') },
  { id: 'put-back', zh: '放回队列', en: 'Put back in line', key: 'B', enabled: (s) => at(s, 'called') },
  { id: 'transfer', zh: '转移', en: 'Transfer', key: 'T', choose: 'service', enabled: (s) => at(s, 'called', 'serving') },
  { id: 'pause', zh: '暂停', en: 'Pause', key: 'P', choose: 'reason', enabled: (s) => s.status === 'open' && s.ticket === null },
  { id: 'resume', zh: '恢复', en: 'Resume', key: 'U', enabled: (s) => s.status === 'paused' },
];

/** A ticket from a stream event, as the counter endpoint would show it. */
export function ticketFromEvent(t: Ticket): CounterTicket {
  return {
    id: t.id,
    number: t.number,
    serviceCode: t.serviceCode,
    segment: t.segment,
    status: t.status,
    recalls: t.recalls,
    waitedSeconds: Math.max(0, Math.round(((t.calledAt ?? Date.now()) - t.queuedAt) / 1000)),
    callReason: t.callReason,
  };
}

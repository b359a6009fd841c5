/**
 * What the teller console shows of its counter (open, paused or closed; the ticket at it; why it
 * is paused) and how it changes: from the events of /api/stream (a call pad at the same counter,
 * a supervisor closing it) and from the answers to the console's own actions. Pure functions of
 * the state, so they are tested without a page; the console only holds the state.
 */
import type { BranchEvent } from '../../core/events.js';
import { ticketFromEvent, type ActionId, type ActionState, type CounterTicket } from './actions.js';

export interface CounterView extends ActionState {
  pauseReason?: string;
}

/** The answer of POST /api/counters/:counter/:action (null: 204, nobody waiting). */
export type ActionAnswer = { ticket?: CounterTicket; counter?: { status: CounterView['status']; pauseReason?: string } } | null;

/** The counter an event is about, when it is about one. */
function counterOf(e: BranchEvent): string | undefined {
  return 'counterId' in e.data ? e.data.counterId : undefined;
}

/** The state after an event; the same object when the event does not concern this counter. */
export function applyEvent(state: CounterView, e: BranchEvent, counterId: string): CounterView {
  if (counterOf(e) !== counterId) return state;
  switch (e.type) {
    case 'ticket.called':
    case 'ticket.recalled':
    case 'ticket.started':
      return { ...state, ticket: ticketFromEvent(e.data.ticket) };
    case 'ticket.completed':
    case 'ticket.no_show':
    case 'ticket.returned':
    case 'ticket.transferred':
      return state.ticket?.id === e.data.ticket.id ? { ...state, ticket: null } : state;
    case 'counter.paused':
      return { ...state, status: 'paused', pauseReason: e.data.reason };
    case 'counter.resumed':
    case 'counter.opened':
      return { ...state, status: 'open', pauseReason: undefined };
    case 'counter.closed':
      return { ...state, status: 'closed', ticket: null, pauseReason: undefined };
    default:
      return state;
  }
}

/** Whether an event may change the waiting counts (the console then reloads them). */
export function changesWaiting(e: BranchEvent): boolean {
  return /^(ticket|counter|day)\./.test(e.type);
}

/** The state after the service answered one of the console's actions. */
export function applyAnswer(state: CounterView, action: ActionId, answer: ActionAnswer): CounterView {
  switch (action) {
    case 'next':
      return { ...state, ticket: answer?.ticket ?? null };
    case 'recall':
    case 'start':
      return answer?.ticket ? { ...state, ticket: answer.ticket } : state;
    case 'complete':
    case 'no-show':
    case 'put-back':
    case 'transfer':
      return { ...state, ticket: null };
    case 'pause':
    case 'resume':
      return answer?.counter ? { ...state, status: answer.counter.status, pauseReason: answer.counter.pauseReason } : state;
  }
}

/** What to tell the teller after an answer, beyond what the screen shows. */
export function answerNote(action: ActionId, answer: ActionAnswer): string | undefined {
  if (action === 'next' && !answer?.ticket) return '暂无等候客户 · Nobody is waiting';
  if (action === 'transfer' && answer?.ticket) return `已转为 ${answer.ticket.number} · Transferred as ${answer.ticket.number}`;
  if (action === 'put-back' && answer?.ticket) return `${answer.ticket.number} 已放回队列，保留原来的位置 · ${answer.ticket.number} is back in line at the place it had`;
  return undefined;
}

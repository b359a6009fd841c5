/**
 * Follow-up calls (回访, the bank's rule 一(六)): after given services (loans and wealth products by
 * default) a task to call the customer, due some days later, only for a customer who agreed to
 * follow-up calls, left a phone number and did not ask not to be contacted. Staff record each
 * attempt; a task ends reached, declined, at a wrong number, unreachable after the configured
 * attempts, or cancelled when the customer withdraws consent or asks not to be contacted. Pure.
 */
import { z } from 'zod';
import { DomainError } from '../common/errors.js';
import { isSupervisor, type StaffActor } from './complaints.js';
import { mayFollowUp, type CustomerFile } from './customer-file.js';
import { defined } from './defined.js';

export const followUpStatusSchema = z.enum(['open', 'done', 'cancelled']);
export type FollowUpStatus = z.infer<typeof followUpStatusSchema>;

/** What one call came to. */
export const followUpOutcomeSchema = z.enum(['reached', 'no_answer', 'wrong_number', 'declined']);
export type FollowUpOutcome = z.infer<typeof followUpOutcomeSchema>;

/** How a task ended: an outcome, or unreachable after the attempts the branch allows. */
export const followUpResultSchema = z.enum(['reached', 'wrong_number', 'declined', 'unreachable']);

export const followUpCancelReasonSchema = z.enum(['consent_withdrawn', 'do_not_contact', 'by_staff']);
export type FollowUpCancelReason = z.infer<typeof followUpCancelReasonSchema>;

export const followUpSchema = z.object({
  id: z.string().min(1),
  customerId: z.string().min(1),
  ticketId: z.string().min(1),
  visitId: z.string(),
  serviceCode: z.string(),
  /** Who makes the call: the teller who served, unless reassigned. */
  ownerId: z.string().optional(),
  status: followUpStatusSchema,
  createdAt: z.number(),
  dueAt: z.number(),
  closedAt: z.number().optional(),
  result: followUpResultSchema.optional(),
  cancelReason: followUpCancelReasonSchema.optional(),
  attempts: z.array(z.object({ at: z.number(), by: z.string(), outcome: followUpOutcomeSchema, note: z.string().optional() })),
});
export type FollowUp = z.infer<typeof followUpSchema>;

export interface FollowUpRule {
  services: readonly string[];
  afterDays: number;
}

const DAY_MS = 86_400_000;

/** The first rule that covers the service, if any. */
export function ruleFor(rules: readonly FollowUpRule[], serviceCode: string): FollowUpRule | undefined {
  return rules.find((r) => r.services.includes(serviceCode));
}

/**
 * The follow-up a completed service calls for, or undefined: no rule for the service, or the
 * customer may not be called (no consent, no phone, do-not-contact).
 */
export function planFollowUp(
  ticket: { id: string; visitId: string; serviceCode: string; staffId?: string; endedAt?: number },
  file: CustomerFile | undefined,
  rules: readonly FollowUpRule[],
  ctx: { id: string; now: number },
): FollowUp | undefined {
  const rule = ruleFor(rules, ticket.serviceCode);
  if (!rule || !mayFollowUp(file)) return undefined;
  const servedAt = ticket.endedAt ?? ctx.now;
  return {
    id: ctx.id,
    customerId: file.id,
    ticketId: ticket.id,
    visitId: ticket.visitId,
    serviceCode: ticket.serviceCode,
    ...defined({ ownerId: ticket.staffId }),
    status: 'open',
    createdAt: ctx.now,
    dueAt: servedAt + Math.round(rule.afterDays * DAY_MS),
    attempts: [],
  };
}

function requireOpen(f: FollowUp): void {
  if (f.status !== 'open') throw new DomainError('FOLLOWUP_CLOSED', `This follow-up is already ${f.status === 'done' ? 'done' : 'cancelled'}.`);
}

/** The owner or a supervisor works a task; an unowned one, the lobby manager too. */
function requireWorker(f: FollowUp, a: StaffActor): void {
  if (isSupervisor(a) || f.ownerId === a.staffId) return;
  if (f.ownerId === undefined && a.roles.includes('lobby')) return;
  throw new DomainError('FORBIDDEN', f.ownerId ? `This follow-up is ${f.ownerId}'s; only they or a supervisor record its calls.` : 'This follow-up has no owner; a supervisor assigns it.');
}

/** Records one call. No answer keeps the task open until `maxAttempts` calls went unanswered. */
export function recordAttempt(
  f: FollowUp,
  attempt: { outcome: FollowUpOutcome; note?: string },
  actor: StaffActor,
  now: number,
  maxAttempts: number,
): FollowUp {
  requireOpen(f);
  requireWorker(f, actor);
  const attempts = [...f.attempts, { at: now, by: actor.staffId, outcome: attempt.outcome, ...defined({ note: attempt.note }) }];
  if (attempt.outcome === 'no_answer') {
    const unanswered = attempts.filter((a) => a.outcome === 'no_answer').length;
    if (unanswered < maxAttempts) return { ...f, attempts };
    return { ...f, attempts, status: 'done', closedAt: now, result: 'unreachable' };
  }
  return { ...f, attempts, status: 'done', closedAt: now, result: attempt.outcome };
}

export function assignFollowUp(f: FollowUp, ownerId: string, actor: StaffActor): FollowUp {
  requireOpen(f);
  if (!isSupervisor(actor) && !actor.roles.includes('lobby')) throw new DomainError('FORBIDDEN', 'Only the lobby manager, a supervisor or an admin assigns follow-ups.');
  return { ...f, ownerId };
}

export function cancelFollowUp(f: FollowUp, reason: FollowUpCancelReason, now: number): FollowUp {
  requireOpen(f);
  return { ...f, status: 'cancelled', closedAt: now, cancelReason: reason };
}

/** Where an open task stands: not yet due, due (the call is to be made), or a day and more late. */
export type FollowUpTiming = 'upcoming' | 'due' | 'overdue';

export function followUpTiming(f: Pick<FollowUp, 'dueAt'>, now: number): FollowUpTiming {
  if (now < f.dueAt) return 'upcoming';
  return now - f.dueAt < DAY_MS ? 'due' : 'overdue';
}

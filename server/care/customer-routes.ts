/**
 * HTTP routes of customer files and follow-up calls (docs/api.md, "Customer files and
 * follow-ups"). Staff only; a file is reached through the ticket that carried the customer's card
 * read (the card's number and hash never leave the service):
 * - POST /api/tickets/:id/customer/consent, …/do-not-contact: what the customer agreed to.
 * - GET /api/counters/:counter/customer: the customer panel of that counter's teller: whether
 *   the ticket came with a card read, the file's consents, and only with the history consent
 *   the preferences, notes and visits.
 * - PUT /api/customers/:id/preferences, POST /api/customers/:id/notes, DELETE …/notes/:note.
 * - GET /api/customers/:id/export and POST /api/customers/:id/erase: supervisors, on request.
 * - POST /api/care/retention/run: admins run the daily job now.
 * - GET /api/followups, POST /api/followups/:id/attempt, POST /api/followups/:id/assign.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import type { StaffActor } from '../../core/complaints.js';
import { consentMethodSchema } from '../../core/consent.js';
import { phoneSchema, preferencesSchema, type CustomerFile } from '../../core/customer-file.js';
import { followUpOutcomeSchema, followUpTiming, type FollowUp } from '../../core/followups.js';
import { requireCounterAccess, requireRole, type Auth, type Principal } from '../auth.js';
import type { BranchService } from '../branch-service.js';
import { parseInput } from '../http/validate.js';
import type { CustomerDesk } from './customer-desk.js';

const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'is not an id') });
const noteParams = idParams.extend({ note: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'is not a note id') });
const counterParams = z.object({ counter: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'is not a counter id') });
const consentBody = z
  .object({ history: z.boolean().optional(), followUp: z.boolean().optional(), marketing: z.boolean().optional(), how: consentMethodSchema, phone: phoneSchema.optional() })
  .strict()
  .refine((b) => b.history !== undefined || b.followUp !== undefined || b.marketing !== undefined, 'name at least one consent: history, followUp or marketing');
const dncBody = z.object({ set: z.boolean(), how: consentMethodSchema }).strict();
const noteBody = z.object({ text: z.string().trim().min(1).max(1000) }).strict();
const attemptBody = z.object({ outcome: followUpOutcomeSchema, note: z.string().trim().max(500).optional() }).strict();
const assignBody = z.object({ ownerId: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'is not a staff id') }).strict();
const eraseBody = z.object({ confirm: z.literal(true, 'confirm the erasure with "confirm": true') }).strict();

const iso = (t: number) => new Date(t).toISOString();

/** A file's consents as staff see them: granted or withdrawn, when, how and by whom. */
function consentsView(f: CustomerFile) {
  const consent = (c: CustomerFile['consents']['history']) => (c ? { granted: c.granted, at: iso(c.at), how: c.how, by: c.by } : null);
  return { history: consent(f.consents.history), followUp: consent(f.consents.followUp), marketing: consent(f.consents.marketing) };
}

/** A file as staff see it: masked, with consents; never the hash. */
export function fileView(f: CustomerFile | null) {
  if (!f) return { file: null };
  return {
    file: {
      id: f.id,
      identityKind: f.identityKind,
      maskedTail: f.maskedTail,
      consents: consentsView(f),
      doNotContact: f.doNotContact?.set === true,
      phone: f.contact?.phone,
      preferences: f.preferences,
      lastSeenAt: iso(f.lastSeenAt),
    },
  };
}

const followUpView = (f: FollowUp & { phone?: string; maskedTail?: string }, now: number) => ({
  ...f,
  ...(f.status === 'open' ? { timing: followUpTiming(f, now) } : {}),
  createdAt: iso(f.createdAt),
  dueAt: iso(f.dueAt),
  closedAt: f.closedAt === undefined ? undefined : iso(f.closedAt),
  attempts: f.attempts.map((a) => ({ ...a, at: iso(a.at) })),
});

export function registerCustomerRoutes(app: FastifyInstance, deps: { service: BranchService; auth: Auth; desk: CustomerDesk }): void {
  const { service, auth, desk } = deps;
  const staff = (req: FastifyRequest): Principal => {
    const p = auth.authenticate(req.headers.authorization, service.clock());
    requireRole(p, 'teller', 'lobby', 'supervisor', 'admin');
    return p;
  };
  const actorOf = (p: Principal): StaffActor => ({ staffId: p.staff.id, roles: p.staff.roles });

  app.post('/api/tickets/:id/customer/consent', async (req) => {
    const p = staff(req);
    const { id } = parseInput(idParams, req.params, 'ticket id');
    const b = parseInput(consentBody, req.body);
    const change = { ...(b.history !== undefined ? { history: b.history } : {}), ...(b.followUp !== undefined ? { followUp: b.followUp } : {}), ...(b.marketing !== undefined ? { marketing: b.marketing } : {}) };
    return fileView(desk.consent(id, change, b.how, p.staff.id, b.phone));
  });

  app.post('/api/tickets/:id/customer/do-not-contact', async (req) => {
    const p = staff(req);
    const { id } = parseInput(idParams, req.params, 'ticket id');
    const b = parseInput(dncBody, req.body);
    return fileView(desk.doNotContact(id, b.set, b.how, p.staff.id));
  });

  app.get('/api/counters/:counter/customer', async (req) => {
    const p = staff(req);
    const { counter } = parseInput(counterParams, req.params, 'counter');
    if (!service.queueConfig.counters.some((c) => c.id === counter)) throw new DomainError('UNKNOWN_COUNTER', `There is no counter ${counter}.`);
    requireCounterAccess(p, counter, service.counterState(counter));
    const ticketId = service.counterState(counter).currentTicketId;
    const ticket = ticketId ? service.ticketRecord(ticketId) : undefined;
    if (!ticket) return { ticket: null, identified: false, consents: null, doNotContact: false, customer: null };
    const { identified, file, history } = desk.counterView(ticket.id);
    return {
      ticket: { id: ticket.id, number: ticket.number },
      identified,
      consents: file ? consentsView(file) : null,
      doNotContact: file?.doNotContact?.set === true,
      customer: history
        ? {
            ...history,
            notes: history.notes.map((n) => ({ ...n, at: iso(n.at) })),
            recentVisits: history.recentVisits.map((v) => ({ ...v, at: iso(v.at) })),
          }
        : null,
    };
  });

  app.put('/api/customers/:id/preferences', async (req) => {
    const p = staff(req);
    const { id } = parseInput(idParams, req.params, 'customer id');
    return fileView(desk.setPreferences(id, parseInput(preferencesSchema, req.body), p.staff.id));
  });

  app.post('/api/customers/:id/notes', async (req, reply) => {
    const p = staff(req);
    const { id } = parseInput(idParams, req.params, 'customer id');
    const n = desk.addNote(id, parseInput(noteBody, req.body).text, p.staff.id);
    return reply.code(201).send({ ...n, at: new Date(n.at).toISOString() });
  });

  app.delete('/api/customers/:id/notes/:note', async (req, reply) => {
    const p = staff(req);
    const { id, note } = parseInput(noteParams, req.params, 'path');
    desk.removeNote(id, note, p.staff.id);
    return reply.code(204).send();
  });

  app.get('/api/customers/:id/export', async (req) => {
    const p = staff(req);
    requireRole(p, 'supervisor', 'admin');
    const { id } = parseInput(idParams, req.params, 'customer id');
    return desk.export(id, p.staff.id);
  });

  app.post('/api/customers/:id/erase', async (req) => {
    const p = staff(req);
    requireRole(p, 'supervisor', 'admin');
    const { id } = parseInput(idParams, req.params, 'customer id');
    parseInput(eraseBody, req.body);
    desk.erase(id, p.staff.id, 'request');
    return { erased: id };
  });

  app.post('/api/care/retention/run', async (req) => {
    requireRole(staff(req), 'admin');
    return desk.purgeExpired();
  });

  app.get('/api/followups', async (req) => {
    const actor = actorOf(staff(req));
    const now = service.clock();
    return desk
      .followUps(actor)
      .sort((a, b) => a.dueAt - b.dueAt)
      .map((f) => followUpView(f, now));
  });

  app.post('/api/followups/:id/attempt', async (req) => {
    const p = staff(req);
    const { id } = parseInput(idParams, req.params, 'follow-up id');
    const b = parseInput(attemptBody, req.body);
    return followUpView(desk.attempt(id, b.outcome, b.note, actorOf(p)), service.clock());
  });

  app.post('/api/followups/:id/assign', async (req) => {
    const p = staff(req);
    const { id } = parseInput(idParams, req.params, 'follow-up id');
    const b = parseInput(assignBody, req.body);
    if (!auth.listStaff().some((s) => s.id === b.ownerId && s.active)) throw new DomainError('UNKNOWN_OWNER', `There is no active member of staff ${b.ownerId}.`);
    return followUpView(desk.assign(id, b.ownerId, actorOf(p)), service.clock());
  });
}

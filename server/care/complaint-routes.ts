/**
 * HTTP routes of complaints and opinions (docs/api.md, "Complaints"):
 * - GET /api/complaints/categories (public): the categories the phone's page and staff choose from.
 * - POST /api/tickets/:id/complaint (public, rate limited): the customer's own, from the ticket page;
 *   the ticket id is the capability, as for the rating.
 * - POST /api/complaints (staff): recorded by a teller, the lobby manager or a supervisor.
 * - GET /api/complaints, GET /api/complaints/:id: the lobby manager and supervisors see all, a
 *   teller those they own or recorded.
 * - POST /api/complaints/:id/{assign,start,note,resolve,reopen,close}: core/complaints.ts says who may.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import type { CareSettings } from '../../config/care-schema.js';
import {
  complaintChannelSchema,
  complaintKindSchema,
  complaintStatusSchema,
  informedHowSchema,
  isOverdue,
  type Complaint,
  type ComplaintAction,
  type StaffActor,
} from '../../core/complaints.js';
import { consentMethodSchema } from '../../core/consent.js';
import { requireRole, type Auth, type Principal } from '../auth.js';
import type { BranchService } from '../branch-service.js';
import { RateLimiter } from '../http/rate-limit.js';
import { parseInput } from '../http/validate.js';
import type { ComplaintDesk } from './complaint-desk.js';

// A customer leaves one or two; a script on the guest Wi-Fi cannot fill the book.
const COMPLAINTS_PER_MINUTE_PER_ADDRESS = 5;

const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'is not an id') });
const staffId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'is not a staff id');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const contactValue = z.string().trim().min(3).max(80);

const staffBody = z
  .object({
    kind: complaintKindSchema.default('complaint'),
    category: z.string().min(1).max(32),
    channel: complaintChannelSchema,
    description: text(2000),
    ticketId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'is not a ticket id').optional(),
    /** Or today's ticket number, as on the slip (e.g. B012). */
    ticketNumber: z.string().regex(/^[A-Za-z]{1,3}\d{1,4}$/, 'is not a ticket number such as B012').optional(),
    staffId: staffId.optional(),
    ownerId: staffId.optional(),
    /** Only with the customer's consent to be contacted about this complaint, and how it was given. */
    contact: z.object({ value: contactValue, consent: z.object({ how: consentMethodSchema }).strict() }).strict().optional(),
  })
  .strict();

const customerBody = z
  .object({
    kind: complaintKindSchema.default('complaint'),
    category: z.string().min(1).max(32),
    description: text(1000),
    contact: contactValue.optional(),
    /** The customer ticked "you may contact me about this"; a contact without it is refused. */
    contactConsent: z.boolean().default(false),
  })
  .strict();

const listQuery = z
  .object({
    status: z
      .string()
      .transform((s) => s.split(','))
      .pipe(z.array(complaintStatusSchema))
      .optional(),
    overdue: z.enum(['true', 'false']).optional(),
  })
  .strict();

const actionBodies = {
  assign: z.object({ ownerId: staffId }).strict(),
  start: z.object({}).strict(),
  note: z.object({ text: text(2000) }).strict(),
  resolve: z.object({ resolution: text(2000), customerInformed: z.boolean(), informedHow: informedHowSchema.optional() }).strict(),
  reopen: z.object({ reason: text(1000) }).strict(),
  close: z.object({}).strict(),
} as const;
const actionParams = idParams.extend({ action: z.enum(['assign', 'start', 'note', 'resolve', 'reopen', 'close']) });

export function complaintView(c: Complaint, now: number) {
  const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
  return {
    id: c.id,
    ref: c.ref,
    kind: c.kind,
    category: c.category,
    channel: c.channel,
    description: c.description,
    status: c.status,
    overdue: isOverdue(c, now),
    ticketId: c.ticketId,
    ticketNumber: c.ticketNumber,
    counterId: c.counterId,
    staffId: c.staffId,
    ownerId: c.ownerId,
    recordedBy: c.recordedBy,
    recordedAt: iso(c.recordedAt),
    dueAt: iso(c.dueAt),
    contact: c.contact ? { value: c.contact.value, consent: { at: iso(c.contact.consent.at), how: c.contact.consent.how, by: c.contact.consent.by } } : undefined,
    resolution: c.resolution ? { ...c.resolution, at: iso(c.resolution.at) } : undefined,
    closedAt: iso(c.closedAt),
    closedBy: c.closedBy,
    redacted: c.redacted,
    history: c.history.map((h) => ({ ...h, at: iso(h.at) })),
  };
}

export function registerComplaintRoutes(app: FastifyInstance, deps: { service: BranchService; auth: Auth; desk: ComplaintDesk; settings: () => CareSettings }): void {
  const { service, auth, desk } = deps;
  const now = () => service.clock();
  const limiter = new RateLimiter(COMPLAINTS_PER_MINUTE_PER_ADDRESS);
  const staff = (req: FastifyRequest): Principal => auth.authenticate(req.headers.authorization, now());
  const actorOf = (p: Principal): StaffActor => ({ staffId: p.staff.id, roles: p.staff.roles });

  app.get('/api/complaints/categories', async () => deps.settings().complaintCategories.map((c) => ({ code: c.code, name: c.name, deadlineDays: c.deadlineDays })));

  app.post('/api/tickets/:id/complaint', async (req, reply) => {
    const wait = limiter.take(req.ip, now());
    if (wait > 0) {
      reply.header('Retry-After', String(wait));
      throw new DomainError('RATE_LIMITED', `Too many opinions from this device; try again in ${wait} s.`);
    }
    const { id } = parseInput(idParams, req.params, 'ticket id');
    const body = parseInput(customerBody, req.body);
    if (body.contact !== undefined && !body.contactConsent) {
      throw new DomainError('CONTACT_REQUIRED', 'Tick “you may contact me about this” to leave a contact, or leave the contact empty.');
    }
    const c = desk.record({
      kind: body.kind,
      category: body.category,
      channel: 'mobile',
      description: body.description,
      ticketId: id,
      ...(body.contact ? { contact: { value: body.contact, consent: { at: now(), how: 'mobile' } } } : {}),
    });
    // The customer gets the reference and the due date, nothing of the staff handling it.
    return reply.code(201).send({ ref: c.ref, kind: c.kind, dueAt: new Date(c.dueAt).toISOString() });
  });

  app.post('/api/complaints', async (req, reply) => {
    const p = staff(req);
    requireRole(p, 'teller', 'lobby', 'supervisor', 'admin');
    const body = parseInput(staffBody, req.body);
    const { contact, ...rest } = body;
    const c = desk.record(
      { ...rest, ...(contact ? { contact: { value: contact.value, consent: { at: now(), how: contact.consent.how, by: p.staff.id } } } : {}) },
      actorOf(p),
    );
    return reply.code(201).send(complaintView(c, now()));
  });

  app.get('/api/complaints', async (req) => {
    const p = staff(req);
    requireRole(p, 'teller', 'lobby', 'supervisor', 'admin');
    const q = parseInput(listQuery, req.query, 'query');
    const t = now();
    const rows = desk.list(actorOf(p), q.status ? { statuses: q.status } : {}).map((c) => complaintView(c, t));
    return q.overdue === undefined ? rows : rows.filter((c) => c.overdue === (q.overdue === 'true'));
  });

  app.get('/api/complaints/:id', async (req) => {
    const p = staff(req);
    const { id } = parseInput(idParams, req.params, 'complaint id');
    return complaintView(desk.get(id, actorOf(p)), now());
  });

  app.post('/api/complaints/:id/:action', async (req) => {
    const p = staff(req);
    requireRole(p, 'teller', 'lobby', 'supervisor', 'admin');
    const { id, action } = parseInput(actionParams, req.params, 'path');
    const a = actionOf(action, req.body);
    return complaintView(desk.act(id, a, actorOf(p)), now());
  });
}

function actionOf(action: keyof typeof actionBodies, raw: unknown): ComplaintAction {
  switch (action) {
    case 'assign':
      return { kind: 'assign', ...parseInput(actionBodies.assign, raw) };
    case 'start':
      parseInput(actionBodies.start, raw);
      return { kind: 'start' };
    case 'note':
      return { kind: 'note', ...parseInput(actionBodies.note, raw) };
    case 'resolve': {
      const b = parseInput(actionBodies.resolve, raw);
      return { kind: 'resolve', resolution: b.resolution, customerInformed: b.customerInformed, ...(b.informedHow ? { informedHow: b.informedHow } : {}) };
    }
    case 'reopen':
      return { kind: 'reopen', ...parseInput(actionBodies.reopen, raw) };
    case 'close':
      parseInput(actionBodies.close, raw);
      return { kind: 'close' };
  }
}

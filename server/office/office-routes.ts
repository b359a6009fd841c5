/**
 * The back office's endpoints (the /office page), added to the LAN API:
 * - GET  /api/tickets?number=A001&date=YYYY-MM-DD   staff: the tickets with that number that day
 * - POST /api/tickets/:id/move { serviceCode }       lobby, supervisor, admin: a waiting ticket to another service
 * - GET  /api/staff, POST /api/staff, PATCH /api/staff/:id, POST /api/staff/:id/pin,
 *        POST /api/staff/:id/unlock                  supervisor, admin (server/office/staff-admin.ts says who may change whom)
 * - GET  /api/office/config, PUT /api/office/config  supervisor, admin: the configuration in force and its edit
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireRole, type Auth, type Principal } from '../auth.js';
import type { BranchService } from '../branch-service.js';
import { parseInput } from '../http/validate.js';
import type { BranchConfiguration } from './branch-configuration.js';
import type { StaffAdmin } from './staff-admin.js';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a calendar date');

const lookupQuery = z
  .object({
    number: z
      .string()
      .trim()
      .transform((s) => s.toUpperCase())
      .pipe(z.string().regex(/^[A-Z]{1,2}\d{1,4}$/, 'must be a ticket number such as A001')),
    date: isoDate.optional(),
  })
  .strict();

const ticketParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'is not a ticket id') });
const staffParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'is not a staff id') });
const moveBody = z.object({ serviceCode: z.string().min(1).max(32) }).strict();
const roles = z.array(z.enum(['teller', 'lobby', 'supervisor', 'admin'])).min(1, 'needs at least one role');
const counters = z.array(z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'is not a counter id')).max(100);
// Length beyond six and strength are the PIN policy's (server/pin-policy.ts): WEAK_PIN says why.
const pin = z.string().regex(/^\d{6,12}$/, 'must be 6 to 12 digits');
const staffBody = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, - or _'),
    name: z.string().trim().min(1).max(80),
    roles,
    counters: counters.default([]),
    pin,
    active: z.boolean().default(true),
  })
  .strict();
const staffPatch = z
  .object({ name: z.string().trim().min(1).max(80).optional(), roles: roles.optional(), counters: counters.optional(), active: z.boolean().optional() })
  .strict();
const pinBody = z.object({ pin }).strict();
const configBody = z.object({ config: z.unknown(), baseHash: z.string().min(1).max(64) }).strict();

export interface OfficeRouteDeps {
  service: BranchService;
  auth: Auth;
  staff: StaffAdmin;
  configuration: BranchConfiguration;
}

export function registerOfficeRoutes(app: FastifyInstance, deps: OfficeRouteDeps): void {
  const { service, auth, staff } = deps;
  const now = () => service.clock();
  const signedIn = (req: FastifyRequest, ...allowed: Parameters<typeof requireRole>[1][]): Principal => {
    const p = auth.authenticate(req.headers.authorization, now());
    if (allowed.length) requireRole(p, ...allowed);
    return p;
  };
  const names = () => new Map(staff.list(now()).map((s) => [s.id, s.name]));

  app.get('/api/tickets', async (req) => {
    signedIn(req);
    const q = parseInput(lookupQuery, req.query, 'query');
    const who = names();
    return service.findTickets(q.number, q.date).map((t) => ({ ...t, staffName: t.staffId ? who.get(t.staffId) : undefined }));
  });

  app.post('/api/tickets/:id/move', async (req, reply) => {
    const p = signedIn(req, 'lobby', 'supervisor', 'admin');
    const { id } = parseInput(ticketParams, req.params, 'ticket id');
    const { serviceCode } = parseInput(moveBody, req.body);
    const answer = service.move(id, serviceCode, { staffId: p.staff.id });
    return reply.code(answer.status).send(answer.body);
  });

  app.get('/api/staff', async (req) => {
    signedIn(req, 'supervisor', 'admin');
    return staff.list(now());
  });

  app.post('/api/staff', async (req, reply) => {
    const p = signedIn(req, 'supervisor', 'admin');
    const body = parseInput(staffBody, req.body);
    // If-None-Match: * creates only: an existing account is never replaced by mistake.
    const view = await staff.save(body, p, { mustBeNew: req.headers['if-none-match'] === '*' });
    return reply.code(201).send({ id: view.id, name: view.name, roles: view.roles, counters: view.counters, active: view.active });
  });

  app.patch('/api/staff/:id', async (req) => {
    const p = signedIn(req, 'supervisor', 'admin');
    const { id } = parseInput(staffParams, req.params, 'staff id');
    return staff.update(id, parseInput(staffPatch, req.body), p);
  });

  app.post('/api/staff/:id/pin', async (req) => {
    const p = signedIn(req, 'supervisor', 'admin');
    const { id } = parseInput(staffParams, req.params, 'staff id');
    return staff.resetPin(id, parseInput(pinBody, req.body).pin, p);
  });

  app.post('/api/staff/:id/unlock', async (req) => {
    const p = signedIn(req, 'supervisor', 'admin');
    const { id } = parseInput(staffParams, req.params, 'staff id');
    return staff.unlock(id, p);
  });

  app.get('/api/office/config', async (req) => {
    signedIn(req, 'supervisor', 'admin');
    const cur = deps.configuration.current();
    const who = names();
    return { ...cur, history: cur.history.map((h) => ({ ...h, appliedAt: new Date(h.appliedAt).toISOString(), staffName: h.staffId ? who.get(h.staffId) : undefined })) };
  });

  app.put('/api/office/config', async (req) => {
    const p = signedIn(req, 'supervisor', 'admin');
    const body = parseInput(configBody, req.body);
    return deps.configuration.edit(body.config, body.baseHash, p.staff.id);
  });
}

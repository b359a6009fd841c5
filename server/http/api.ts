/**
 * The LAN API (DESIGN §5). Shapes here are a contract with programs outside this repo:
 * add fields freely, never rename or remove one.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import { hasRole, holdsCounter, requireCounterAccess, requireMayOpen, requireRole, type Auth, type Principal } from '../auth.js';
import type { Actor, Answer, BranchService, IdempotencyOptions } from '../branch-service.js';
import { clientAddress } from './client-address.js';
import { KIOSK_KEY_HEADER, type TicketAdmission } from '../kiosk/kiosk-devices.js';
import { parseInput } from './validate.js';

export interface DeviceLister {
  list(): unknown[];
}

/**
 * What POST /api/tickets needs from the kiosk side (server/kiosk): card identity tokens and
 * the ticket printer. Absent in tools that run the API without devices.
 */
export interface TicketHooks {
  /** The segment a card read's token stands for; throws a DomainError when expired or already used. */
  identity(token: string, requestKey: string | undefined): string;
  /** The ticket from this token is committed: the token takes no other request's ticket. */
  identityUsed(token: string, requestKey: string | undefined, ticketId: string): void;
  /** Prints a newly issued ticket (once per ticket, so a retried request does not print twice). */
  print(ticketId: string): Promise<{ status: 'printed' | 'failed' | 'skipped'; reason?: string }>;
}

export interface ApiDeps {
  service: BranchService;
  kiosk?: TicketHooks;
  auth: Auth;
  devices: DeviceLister;
  version: string;
  /** Who may take a ticket without a staff sign-in, and how many (server/kiosk/kiosk-devices.ts). */
  admission: TicketAdmission;
  startedAt: number;
  /** Whether the database can still be written (server/storage-watch.ts). */
  storage?: { health(): { writable: boolean } };
}

const idempotencyKey = z.string().regex(/^[A-Za-z0-9_.:-]{8,100}$/, 'must be 8–100 letters, digits or _.:-');

const ticketBody = z
  .object({
    serviceCode: z.string().min(1).max(32),
    segment: z.string().min(1).max(32).optional(),
    channel: z.enum(['kiosk', 'lobby', 'mobile', 'appointment', 'api']).optional(),
    /** Print the ticket and answer with the outcome (the kiosk sends it). */
    print: z.boolean().optional(),
    /** From a card read (POST /api/kiosk/identity or a device.card_read event): sets the segment. */
    identityToken: z.string().regex(/^idt_[A-Za-z0-9_-]{10,64}$/, 'is not an identity token').optional(),
  })
  .strict();

const loginBody = z
  .object({
    staffId: z.string().min(1).max(40),
    pin: z.string().min(1).max(40),
    counter: z.string().min(1).max(16).optional(),
  })
  .strict();

const transferBody = z.object({ serviceCode: z.string().min(1).max(32) }).strict();
const pauseBody = z.object({ reason: z.string().min(1).max(40) }).strict();
const cancelBody = z.object({ reason: z.string().min(1).max(200).optional() }).strict();
const counterParams = z.object({ counter: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'is not a counter id') });
const ticketParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'is not a ticket id') });
const eventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
const issuedBody = z.looseObject({ id: z.string() });

// Segments a customer may choose at the kiosk without staff: the rest come from a staff member or a card lookup.
const SELF_SERVICE_SEGMENTS = new Set(['regular', 'priority']);

function send(reply: FastifyReply, answer: Answer): FastifyReply {
  if (answer.status === 204) return reply.code(204).send();
  return reply.code(answer.status).send(answer.body);
}

export function registerApi(app: FastifyInstance, deps: ApiDeps): void {
  const { service, auth } = deps;
  const now = () => service.clock();

  const principal = (req: FastifyRequest): Principal => auth.authenticate(req.headers.authorization, now());
  const optionalPrincipal = (req: FastifyRequest): Principal | undefined =>
    req.headers.authorization ? principal(req) : undefined;
  const idem = (req: FastifyRequest, staffId: string) => {
    const raw = req.headers['idempotency-key'];
    if (raw === undefined) return undefined;
    return { key: parseInput(idempotencyKey, raw, 'Idempotency-Key header'), staffId };
  };
  const actor = (p: Principal): Actor => ({ staffId: p.staff.id });

  app.get('/api/health', async (_req, reply) => {
    const h = service.health();
    // A service that can no longer save (its database files changed) is not healthy: 503.
    const storage = deps.storage?.health() ?? { writable: true };
    if (!storage.writable) reply.code(503);
    return {
      status: storage.writable ? 'ok' : 'degraded',
      branch: service.branchId,
      version: deps.version,
      businessDay: h.businessDay,
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
      waiting: h.waiting,
      lastEventId: h.lastEventId,
      storage,
    };
  });

  app.get('/api/config', async () => {
    const c = service.queueConfig;
    return {
      branch: { id: c.branch.id, name: c.branch.name, timeZone: c.branch.timeZone },
      services: c.services.map((s) => ({ code: s.code, prefix: s.prefix, name: s.name, icon: s.icon, selfService: s.selfService, targetWaitMinutes: s.targetWaitMinutes })),
      counters: c.counters,
      segments: c.segments,
      pauseReasons: c.rules.pauseReasons,
      rules: { maxRecalls: c.rules.maxRecalls, maxRejoins: c.rules.maxRejoins },
    };
  });

  app.get('/api/services', async () => service.servicesView());

  app.post('/api/tickets', async (req, reply) => {
    const body = parseInput(ticketBody, req.body);
    const p = optionalPrincipal(req);
    let source: string | undefined;
    if (!p) {
      const key = req.headers[KIOSK_KEY_HEADER];
      const admitted = deps.admission.admit(clientAddress(req.ip), typeof key === 'string' ? key : undefined, now());
      if ('refused' in admitted) {
        if (admitted.retryAfter !== undefined) reply.header('Retry-After', String(admitted.retryAfter));
        throw admitted.refused;
      }
      source = admitted.source;
      if (body.segment && !SELF_SERVICE_SEGMENTS.has(body.segment)) {
        throw new DomainError('FORBIDDEN', `Segment "${body.segment}" is set by staff or a card, not chosen at the kiosk.`);
      }
    } else if (body.segment && !SELF_SERVICE_SEGMENTS.has(body.segment) && !hasRole(p, 'lobby', 'supervisor', 'admin')) {
      // Who is a VIP is the lobby staff's call (or a card's), not the counter's.
      throw new DomainError('FORBIDDEN', `Segment "${body.segment}" is given by lobby staff, supervisors or a card; ${p.staff.id} is ${p.staff.roles.join(', ')}.`);
    }
    const channel = body.channel ?? (p ? 'lobby' : 'kiosk');
    const idemOpts = idem(req, p?.staff.id ?? source ?? `ip:${req.ip}`);
    let segment = body.segment;
    if (body.identityToken) {
      if (!deps.kiosk) throw new DomainError('NO_CARD_READERS', 'This service reads no cards; leave out identityToken.');
      // A card's segment (e.g. VIP) wins; a regular card keeps what the customer chose (priority help).
      const fromCard = deps.kiosk.identity(body.identityToken, idemOpts?.key);
      if (fromCard !== 'regular') segment = fromCard;
    }
    let answer = service.issue({ serviceCode: body.serviceCode, segment, channel }, idemOpts);
    if (answer.status === 201 && body.identityToken) deps.kiosk?.identityUsed(body.identityToken, idemOpts?.key, issuedBody.parse(answer.body).id);
    if (answer.status === 201 && body.print) {
      // The answer may be a replay read back from the database: take the id through a schema.
      const issued = issuedBody.parse(answer.body);
      const print = deps.kiosk ? await deps.kiosk.print(issued.id) : { status: 'skipped' as const, reason: 'no ticket printer on this service' };
      answer = { status: 201, body: { ...issued, print } };
    }
    return send(reply, answer);
  });

  app.get('/api/tickets/:id', async (req) => service.ticketPage(parseInput(ticketParams, req.params, 'ticket id').id));

  app.post('/api/tickets/:id/rejoin', async (req, reply) => {
    const p = principal(req);
    requireRole(p, 'teller', 'lobby', 'supervisor', 'admin');
    const { id } = parseInput(ticketParams, req.params, 'ticket id');
    return send(reply, service.rejoin(id, actor(p), idem(req, p.staff.id)));
  });

  app.post('/api/tickets/:id/cancel', async (req, reply) => {
    const p = principal(req);
    requireRole(p, 'lobby', 'supervisor', 'admin');
    const { id } = parseInput(ticketParams, req.params, 'ticket id');
    const body = parseInput(cancelBody, req.body);
    return send(reply, service.cancel(id, body.reason ?? 'cancelled_by_staff', actor(p)));
  });

  app.get('/api/queue', async (req) => service.queueView(optionalPrincipal(req) !== undefined));

  app.get('/api/devices', async () => deps.devices.list());

  // ---------------------------------------------------------------- staff

  app.post('/api/auth/login', async (req) => {
    const body = parseInput(loginBody, req.body);
    const { token, staff, expiresAt } = await auth.login(body.staffId, body.pin, clientAddress(req.ip), now());
    let counter: string | null = null;
    if (body.counter) {
      const p = auth.authenticate(`Bearer ${token}`, now());
      try {
        openCounter(p, body.counter);
        counter = body.counter;
      } catch (e) {
        auth.logout(p);
        throw e;
      }
    }
    return { token, staffId: staff.id, name: staff.name, roles: staff.roles, counters: staff.counters, counter, expiresAt: new Date(expiresAt).toISOString() };
  });

  app.post('/api/auth/logout', async (req, reply) => {
    const p = principal(req);
    auth.logout(p);
    return reply.code(204).send();
  });

  app.get('/api/auth/me', async (req) => {
    const p = principal(req);
    return { staffId: p.staff.id, name: p.staff.name, roles: p.staff.roles, counters: p.staff.counters, counter: p.session.counterId };
  });

  app.get('/api/events', async (req) => {
    requireRole(principal(req), 'lobby', 'supervisor', 'admin');
    const q = parseInput(eventsQuery, req.query, 'query');
    return service.eventsAfter(q.after, q.limit);
  });

  // ---------------------------------------------------------------- counters

  /**
   * The counter access check against the counter's holder now. A session whose counter was
   * closed or handed on forgets it, so the teller can open another.
   */
  function atCounter(p: Principal, counterId: string): void {
    const state = service.counterState(counterId);
    try {
      requireCounterAccess(p, counterId, state);
    } catch (e) {
      if (p.session.counterId === counterId && !holdsCounter(p, state)) auth.setCounter(p, null);
      throw e;
    }
  }

  function openCounter(p: Principal, counterId: string) {
    requireMayOpen(p, counterId);
    const current = p.session.counterId;
    if (current && current !== counterId && !hasRole(p, 'supervisor', 'admin') && holdsCounter(p, service.counterState(current))) {
      throw new DomainError('FORBIDDEN', `You are signed in at counter ${p.session.counterId}; close it before opening ${counterId}.`);
    }
    const answer = service.openCounter(counterId, actor(p));
    auth.setCounter(p, counterId);
    return answer;
  }

  app.get('/api/counters', async (req) => service.queueView(optionalPrincipal(req) !== undefined).counters);

  app.post('/api/counters/:counter/open', async (req, reply) => {
    const p = principal(req);
    const { counter } = parseInput(counterParams, req.params, 'counter');
    return send(reply, openCounter(p, counter));
  });

  app.post('/api/counters/:counter/close', async (req, reply) => {
    const p = principal(req);
    const { counter } = parseInput(counterParams, req.params, 'counter');
    atCounter(p, counter);
    const answer = service.closeCounter(counter, actor(p));
    if (p.session.counterId === counter) auth.setCounter(p, null);
    return send(reply, answer);
  });

  // The counter's ticket actions: staff at that counter; a retry with the same Idempotency-Key acts once.
  type TicketAction = (counter: string, p: Principal, body: unknown, idem: IdempotencyOptions | undefined) => Answer;
  const ticketAction = (name: string, run: TicketAction) => {
    app.post(`/api/counters/:counter/${name}`, async (req, reply) => {
      const p = principal(req);
      const { counter } = parseInput(counterParams, req.params, 'counter');
      atCounter(p, counter);
      return send(reply, run(counter, p, req.body, idem(req, p.staff.id)));
    });
  };

  ticketAction('next', (c, p, _b, i) => service.callNext(c, actor(p), i));
  ticketAction('recall', (c, p, _b, i) => service.recall(c, actor(p), i));
  ticketAction('start', (c, p, _b, i) => service.start(c, actor(p), i));
  ticketAction('complete', (c, p, _b, i) => service.complete(c, actor(p), i));
  ticketAction('no-show', (c, p, _b, i) => service.noShow(c, actor(p), i));
  ticketAction('transfer', (c, p, b, i) => service.transfer(c, parseInput(transferBody, b).serviceCode, actor(p), i));
  ticketAction('put-back', (c, p, _b, i) => service.putBack(c, actor(p), i));

  app.post('/api/counters/:counter/pause', async (req, reply) => {
    const p = principal(req);
    const { counter } = parseInput(counterParams, req.params, 'counter');
    atCounter(p, counter);
    const { reason } = parseInput(pauseBody, req.body);
    return send(reply, service.pause(counter, reason, actor(p), idem(req, p.staff.id)));
  });

  app.post('/api/counters/:counter/resume', async (req, reply) => {
    const p = principal(req);
    const { counter } = parseInput(counterParams, req.params, 'counter');
    atCounter(p, counter);
    return send(reply, service.resume(counter, actor(p), idem(req, p.staff.id)));
  });
}

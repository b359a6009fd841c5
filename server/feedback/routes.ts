/**
 * HTTP routes of ratings and staff performance (docs/api.md, "Ratings and performance"):
 * - POST /api/tickets/:id/rating (DESIGN §5): the customer's rating; the ticket id is the
 *   capability. GET /api/tickets/:id/rating: whether it can still be rated (the phone page).
 * - GET /api/feedback/settings: levels, labels, reasons and where to send opinions (public).
 * - GET /api/counters/:counter/rating: the counter's rating request and what came (its teller).
 * - Counter tablets: POST/GET /api/evaluator/tablets, POST …/:id/revoke (supervisors);
 *   GET /api/evaluator/state and POST /api/evaluator/rating (the bound tablet's token).
 * - GET /api/performance (DESIGN §5): supervisors see every teller, a teller only their own row;
 *   `format=csv` for a spreadsheet.
 * - Demo mode only, /api/lab/evaluators/*: the simulated evaluator pads for the device lab.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import { levelLabels, type FeedbackSettings } from '../../config/feedback-schema.js';
import { MAX_REASON_KEYS } from '../../drivers/evaluator/protocol.js';
import { hasRole, requireCounterAccess, requireRole, type Auth, type Principal } from '../auth.js';
import type { BranchService } from '../branch-service.js';
import { RateLimiter } from '../http/rate-limit.js';
import { parseInput } from '../http/validate.js';
import { toCsv } from '../insights/reports.js';
import type { Feedback } from './index.js';
import { PERFORMANCE_CSV_COLUMNS, performanceCsvValues } from './performance.js';
import type { RatingRequest } from './rating-requests.js';

// Customers on the guest Wi-Fi often share one address: generous, but a script cannot flood.
const RATINGS_PER_MINUTE_PER_ADDRESS = 60;

const ticketParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'is not a ticket id') });
const counterParams = z.object({ counter: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'is not a counter id') });
const tabletParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'is not a tablet id') });
const reasonsField = z.array(z.string().min(1).max(32)).max(16).optional();
const ratingBody = z
  .object({
    score: z.number().int().min(1).max(5),
    reasons: reasonsField,
    channel: z.enum(['pad', 'tablet', 'mobile']).optional(),
  })
  .strict();
const tabletRatingBody = z.object({ request: z.number().int().min(1).max(255), score: z.number().int().min(1).max(5), reasons: reasonsField }).strict();
const bindBody = z.object({ counterId: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'is not a counter id'), label: z.string().min(1).max(60).optional() }).strict();
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((s) => new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a calendar date');
const performanceQuery = z
  .object({ period: z.enum(['day', 'week', 'month']).default('day'), date: isoDate.optional(), format: z.enum(['json', 'csv']).default('json') })
  .strict();
const labRateBody = z
  .object({ level: z.number().int().min(1).max(5), reasons: z.array(z.number().int().min(0).max(MAX_REASON_KEYS - 1)).max(MAX_REASON_KEYS).default([]), late: z.boolean().default(false) })
  .strict();
const cableParams = z.object({ device: z.string().min(1).max(200), action: z.enum(['unplug', 'plug']) });

export function registerFeedbackRoutes(
  app: FastifyInstance,
  deps: { service: BranchService; auth: Auth; feedback: Feedback; settings: FeedbackSettings; demo: boolean },
): void {
  const { service, auth, feedback, settings } = deps;
  const now = () => service.clock();
  const limiter = new RateLimiter(RATINGS_PER_MINUTE_PER_ADDRESS);
  const staff = (req: FastifyRequest): Principal => auth.authenticate(req.headers.authorization, now());

  const requestView = (r: RatingRequest | undefined, withTicket: boolean) =>
    r
      ? {
          seq: r.seq,
          ...(withTicket ? { ticketId: r.ticketId } : {}),
          number: r.number,
          serviceCode: r.serviceCode,
          state: r.state,
          askedAt: new Date(r.askedAt).toISOString(),
          expiresAt: new Date(r.expiresAt).toISOString(),
          expiresInSeconds: r.state === 'waiting' ? Math.max(0, Math.ceil((r.expiresAt - now()) / 1000)) : 0,
          rating: r.rating ?? null,
        }
      : null;

  const publicSettings = () => ({
    levels: settings.levels,
    labels: levelLabels(settings),
    lowScoreAtMost: settings.lowScoreAtMost,
    askSeconds: settings.askSeconds,
    reasons: settings.reasons,
    opinionChannels: settings.opinionChannels,
  });

  app.get('/api/feedback/settings', async () => publicSettings());

  app.post('/api/tickets/:id/rating', async (req, reply) => {
    const wait = limiter.take(req.ip, now());
    if (wait > 0) {
      reply.header('Retry-After', String(wait));
      throw new DomainError('RATING_RATE_LIMITED', `Too many ratings from this device; try again in ${wait} s.`);
    }
    const { id } = parseInput(ticketParams, req.params, 'ticket id');
    const body = parseInput(ratingBody, req.body);
    if (req.headers.authorization) {
      // A customer rates their service; a signed-in member of staff (say, the teller) does not.
      let p: Principal | undefined;
      try {
        p = staff(req);
      } catch {
        p = undefined;
      }
      if (p) throw new DomainError('FORBIDDEN', 'Staff cannot rate a service: the customer rates it on the evaluator, the counter tablet or their phone.');
    }
    const r = feedback.ratings.rate(id, { score: body.score, reasons: body.reasons, channel: body.channel ?? 'mobile' });
    return reply.code(201).send({ ticketId: r.ticketId, number: r.number, score: r.score, levels: r.levels, reasons: r.reasons, channel: r.channel, ratedAt: new Date(r.ratedAt).toISOString() });
  });

  app.get('/api/tickets/:id/rating', async (req) => {
    const { id } = parseInput(ticketParams, req.params, 'ticket id');
    const t = service.ticketRecord(id);
    if (!t) throw new DomainError('UNKNOWN_TICKET', 'No such ticket.');
    const r = feedback.ratings.ratingOf(id);
    const open = t.status === 'done' && t.endedAt !== undefined && now() - t.endedAt <= settings.acceptMinutes * 60_000;
    return {
      rated: r !== undefined,
      rating: r ? { score: r.score, levels: r.levels, reasons: r.reasons, channel: r.channel } : null,
      canRate: r === undefined && open,
      why: r ? 'rated' : t.status !== 'done' ? 'not_served' : open ? null : 'closed',
    };
  });

  app.get('/api/counters/:counter/rating', async (req) => {
    const p = staff(req);
    const { counter } = parseInput(counterParams, req.params, 'counter');
    if (!service.queueConfig.counters.some((c) => c.id === counter)) throw new DomainError('UNKNOWN_COUNTER', `There is no counter ${counter}.`);
    requireCounterAccess(p, counter, service.counterState(counter));
    return { request: requestView(feedback.requests.current(counter), true) };
  });

  // ---------------------------------------------------------------- counter tablets

  app.post('/api/evaluator/tablets', async (req, reply) => {
    const p = staff(req);
    requireRole(p, 'supervisor', 'admin');
    const body = parseInput(bindBody, req.body);
    const bound = feedback.tablets.bind(body.counterId, body.label ?? `Counter ${body.counterId} tablet`, p.staff.id);
    return reply.code(201).send(bound);
  });

  app.get('/api/evaluator/tablets', async (req) => {
    requireRole(staff(req), 'supervisor', 'admin');
    return feedback.tablets.list();
  });

  app.post('/api/evaluator/tablets/:id/revoke', async (req) => {
    const p = staff(req);
    requireRole(p, 'supervisor', 'admin');
    const { id } = parseInput(tabletParams, req.params, 'tablet id');
    return { revoked: feedback.tablets.revoke(id, p.staff.id) };
  });

  app.get('/api/evaluator/state', async (req) => {
    const tablet = feedback.tablets.authenticate(req.headers.authorization);
    const counter = service.queueConfig.counters.find((c) => c.id === tablet.counterId);
    return {
      tablet: { id: tablet.id, label: tablet.label, counterId: tablet.counterId },
      counter: counter ? { id: counter.id, name: counter.name } : { id: tablet.counterId, name: { zh: tablet.counterId, en: tablet.counterId } },
      request: requestView(feedback.requests.current(tablet.counterId), false),
      settings: publicSettings(),
    };
  });

  app.post('/api/evaluator/rating', async (req, reply) => {
    const tablet = feedback.tablets.authenticate(req.headers.authorization);
    const body = parseInput(tabletRatingBody, req.body);
    const answer = feedback.requests.answerable(tablet.counterId, body.request);
    if ('refused' in answer) {
      if (answer.refused === 'already_rated') throw new DomainError('ALREADY_RATED', 'This service has already been rated. Thank you.');
      throw new DomainError('RATING_EXPIRED', 'The rating request has ended; please ask the staff if you want to give your opinion.');
    }
    const r = feedback.ratings.rate(answer.request.ticketId, { score: body.score, reasons: body.reasons, channel: 'tablet', levels: settings.levels, deviceId: tablet.id });
    return reply.code(201).send({ number: r.number, score: r.score, levels: r.levels, reasons: r.reasons, channel: r.channel });
  });

  // ---------------------------------------------------------------- performance

  app.get('/api/performance', async (req, reply: FastifyReply) => {
    const p = staff(req);
    const all = hasRole(p, 'supervisor', 'admin');
    if (!all && !hasRole(p, 'teller')) throw new DomainError('FORBIDDEN', 'Performance figures are for supervisors, and for each teller their own.');
    const q = parseInput(performanceQuery, req.query, 'query');
    // Every active teller has a row, so a teller with nothing in the period still gets theirs.
    const rows = feedback.performance(q.period, q.date ?? service.businessDay).filter((r) => all || r.staffId === p.staff.id);
    if (q.format === 'csv') {
      const from = rows[0]?.from ?? q.date ?? service.businessDay;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="performance-${service.branchId}-${q.period}-${from}.csv"`)
        .send(toCsv(PERFORMANCE_CSV_COLUMNS, rows.map(performanceCsvValues)));
    }
    return rows;
  });

  if (!deps.demo) return;

  // ---------------------------------------------------------------- device lab (demo mode)

  app.get('/api/lab/evaluators', async () => ({
    levels: settings.levels,
    labels: levelLabels(settings),
    reasons: settings.reasons,
    counters: service.queueConfig.counters.map((c) => {
      const pad = feedback.pads.padOf(c.id);
      const fake = pad?.line.opened.sim?.fake;
      return {
        counterId: c.id,
        device: pad ? { id: pad.line.opened.device.id, address: pad.address, simulated: fake !== undefined } : null,
        screen: pad ? (fake?.screens.get(pad.address) ?? null) : null,
        result: pad ? (fake?.results.get(pad.address) ?? null) : null,
        request: requestView(feedback.requests.current(c.id), false),
      };
    }),
    lines: feedback.pads.lines.map((l) => ({
      id: l.opened.device.id,
      simulated: Boolean(l.opened.sim),
      plugged: l.opened.sim?.cable.plugged ?? null,
      state: l.opened.device.status().state,
    })),
  }));

  const simPad = (counter: string) => {
    const pad = feedback.pads.padOf(counter);
    if (!pad) throw new DomainError('NO_EVALUATOR', `Counter ${counter} has no evaluator pad.`);
    const fake = pad.line.opened.sim?.fake;
    if (!fake) throw new DomainError('NOT_SIMULATED', `The evaluator of counter ${counter} is a real device; press its keys at the counter.`);
    return { fake, address: pad.address };
  };

  app.post('/api/lab/evaluators/:counter/rate', async (req) => {
    const { counter } = parseInput(counterParams, req.params, 'counter');
    const body = parseInput(labRateBody, req.body);
    const { fake, address } = simPad(counter);
    // Through the simulated pad and its cable, so the lab exercises the real driver path. `late`
    // plays a press for the request before the one on screen (a pad that missed the new one).
    const asking = fake.asking(address)?.request;
    const request = body.late ? ((asking ?? 1) + 253) % 255 + 1 : asking;
    return { outcome: (await fake.rate(address, body.level, body.reasons, request)) ?? 'no_answer' };
  });

  app.post('/api/lab/evaluators/:counter/noise', async (req) => {
    const { counter } = parseInput(counterParams, req.params, 'counter');
    const { fake } = simPad(counter);
    await fake.sendRaw(Uint8Array.from([0x02, 0xff, 0x10, 0x71, 0x05, 0x03, 0x55, 0xaa, 0x02, 0x03, 0x00]));
    return { sent: 11 };
  });

  app.post('/api/lab/evaluators/cables/:device/:action', async (req) => {
    const { device, action } = parseInput(cableParams, req.params, 'path');
    const line = feedback.pads.lines.find((l) => l.opened.device.id === device);
    if (!line) throw new DomainError('UNKNOWN_DEVICE', `No evaluator line ${device}.`);
    if (!line.opened.sim) throw new DomainError('NOT_SIMULATED', `${device} is a real device; unplug its cable by hand.`);
    if (action === 'unplug') line.opened.sim.cable.unplug();
    else line.opened.sim.cable.plugIn();
    return { id: device, plugged: line.opened.sim.cable.plugged };
  });
}

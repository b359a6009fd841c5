/**
 * Faults at the counter (the bank's rule 一(四)):
 * - POST /api/counters/:counter/fault: the teller marks a system fault. The counter is paused
 *   with the reason `system_fault`, also in the middle of a service (the customer stays at the
 *   counter); `…/resume` ends it. Same rights as the other counter actions.
 * - GET /api/faults: counters with a fault and the new waits of their services, for the lobby
 *   screen and the phones of waiting customers (fault-notices.ts). Public.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FAULT_PAUSE_REASON } from '../../core/faults.js';
import { requireCounterAccess, type Auth } from '../auth.js';
import type { BranchService } from '../branch-service.js';
import { parseInput } from '../http/validate.js';
import { faultNotices } from './fault-notices.js';

const counterParams = z.object({ counter: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'is not a counter id') });
const idempotencyKey = z.string().regex(/^[A-Za-z0-9_.:-]{8,100}$/, 'must be 8–100 letters, digits or _.:-');

export function registerFaultRoutes(app: FastifyInstance, deps: { service: BranchService; auth: Auth }): void {
  const { service, auth } = deps;

  app.get('/api/faults', async () => faultNotices(service));

  app.post('/api/counters/:counter/fault', async (req, reply) => {
    const p = auth.authenticate(req.headers.authorization, service.clock());
    const { counter } = parseInput(counterParams, req.params, 'counter');
    requireCounterAccess(p, counter, service.counterState(counter));
    const raw = req.headers['idempotency-key'];
    const idem = raw === undefined ? undefined : { key: parseInput(idempotencyKey, raw, 'Idempotency-Key header'), staffId: p.staff.id };
    const answer = service.pause(counter, FAULT_PAUSE_REASON, { staffId: p.staff.id }, idem);
    return reply.code(answer.status).send(answer.body);
  });
}

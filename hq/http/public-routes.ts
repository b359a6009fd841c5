/**
 * What anyone may call: health, and the public ticket page's data. A ticket id (a random UUID
 * printed in the customer's QR code) is the capability; the answer carries the number, service,
 * position and counter only, and nothing once the ticket's business day is over.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import { parseInput } from '../../server/http/validate.js';
import { publicTicketSchema } from '../../sync/protocol.js';
import type { HqStore } from '../storage/hq-store.js';

const ticketParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'is not a ticket id') });

export function registerPublicRoutes(app: FastifyInstance, deps: { store: HqStore; version: string; now?: () => number }): void {
  const now = deps.now ?? Date.now;

  app.get('/api/health', async () => ({ status: 'ok', role: 'hq', version: deps.version, database: deps.store.db.kind }));

  app.get('/api/tickets/:id', async (req, reply) => {
    const { id } = parseInput(ticketParams, req.params, 'ticket id');
    const t = await deps.store.liveTicket(id);
    if (!t) throw new DomainError('UNKNOWN_TICKET', 'No such ticket.');
    if (t.expiresAt.getTime() <= now()) throw new DomainError('TICKET_DAY_OVER', "This ticket's business day is over.");
    const view = publicTicketSchema.safeParse(t.view);
    if (!view.success) throw new DomainError('UNKNOWN_TICKET', 'No such ticket.');
    reply.header('cache-control', 'no-store');
    return view.data;
  });
}

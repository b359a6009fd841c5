/**
 * POST /api/tickets/:id/print: a reprint by lobby staff (the customer lost the ticket, or the
 * printer failed and has been fixed), or by the teller who transferred the customer to it. Answers 200 with the print outcome; a failed reprint is
 * recorded like any failed print.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import { hasRole, requireRole, type Auth } from '../auth.js';
import type { BranchService } from '../branch-service.js';
import { parseInput } from '../http/validate.js';
import type { TicketPrinting } from './ticket-printing.js';

const ticketParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'is not a ticket id') });

// A reprint of a finished ticket would only confuse the queue.
const REPRINTABLE = new Set(['waiting', 'called', 'serving']);

export function registerPrintRoutes(app: FastifyInstance, deps: { service: BranchService; auth: Auth; printing: TicketPrinting }): void {
  const { service, auth, printing } = deps;
  app.post('/api/tickets/:id/print', async (req) => {
    const p = auth.authenticate(req.headers.authorization, service.clock());
    const { id } = parseInput(ticketParams, req.params, 'ticket id');
    // A teller prints the new ticket of a customer they transferred from their counter.
    const from = hasRole(p, 'teller') && !hasRole(p, 'lobby', 'supervisor', 'admin') ? service.staffTicketById(id).transferredFrom : undefined;
    if (!from || !p.session.counterId || service.staffTicketById(from.id).counterId !== p.session.counterId) requireRole(p, 'lobby', 'supervisor', 'admin');
    const view = service.ticketView(id);
    if (!REPRINTABLE.has(view.status)) {
      throw new DomainError('TICKET_NOT_ACTIVE', `Ticket ${view.number} is ${view.status}; only a waiting or called ticket is reprinted.`);
    }
    const print = await printing.reprint(id);
    return { id: view.id, number: view.number, print };
  });
}

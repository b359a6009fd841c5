/**
 * GET /api/faults: counters paused for a system fault and the new waits of their services, for
 * the lobby screen and the phones of waiting customers (server/faults/fault-notices.ts). Public.
 */
import type { FastifyInstance } from 'fastify';
import type { BranchService } from '../branch-service.js';
import { faultNotices } from './fault-notices.js';

export function registerFaultRoutes(app: FastifyInstance, deps: { service: BranchService }): void {
  app.get('/api/faults', async () => faultNotices(deps.service));
}

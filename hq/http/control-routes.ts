/** The command line's way into a running server (loopback and the control secret only). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../../server/http/validate.js';
import type { HqStore } from '../storage/hq-store.js';
import { enrollmentRequestSchema } from './operator-routes.js';
import { requireControl } from './principals.js';

export function registerControlRoutes(app: FastifyInstance, deps: { store: HqStore; secret: string }): void {
  const { store, secret } = deps;
  app.post('/api/control/enroll', async (req) => {
    requireControl(secret, req);
    const body = parseInput(enrollmentRequestSchema, req.body);
    const { code, expiresAt } = await store.createEnrollmentCode(body.branch, body.region, body.ttlHours);
    return { branch: body.branch, code, expiresAt: expiresAt.toISOString() };
  });
  app.post('/api/control/operator-token', async (req) => {
    requireControl(secret, req);
    const body = parseInput(z.object({ label: z.string().min(1).max(100).default('operator') }).strict(), req.body);
    return { token: await store.createOperatorToken(body.label) };
  });
  app.post('/api/control/revoke', async (req) => {
    requireControl(secret, req);
    const body = parseInput(z.object({ branch: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/) }).strict(), req.body);
    return { branch: body.branch, revoked: await store.revokeBranch(body.branch) };
  });
}

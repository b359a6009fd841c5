/**
 * POST /api/kiosk/identity: the kiosk page posts the card number a keyboard-wedge reader typed
 * (the page has no key to hash it) and gets back only `{ identityToken, maskedTail, segment }`.
 * The number is neither stored nor logged, and errors never echo it. Rate limited per address so
 * the endpoint cannot be used to test many numbers against the VIP ranges.
 * POST /api/kiosk/card-read: the kiosk claims the latest read of a hardware reader.
 * Both answer only the kiosk's own addresses (config security.kioskAddresses, loopback by
 * default): an identity token is a VIP pass for one ticket and must not be had from elsewhere.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import { RateLimiter } from '../http/rate-limit.js';
import { parseInput } from '../http/validate.js';
import type { CardIdentity } from './card-identity.js';

const identityBody = z.object({ pan: z.string().regex(/^\d{12,19}$/, 'must be the card number, 12 to 19 digits') }).strict();

export function registerIdentityRoutes(
  app: FastifyInstance,
  deps: { identity: CardIdentity; clock: () => number; kioskAddresses: string[]; perMinute?: number },
): void {
  const limiter = new RateLimiter(deps.perMinute ?? 30);
  const kiosk = new Set(deps.kioskAddresses);
  const kioskOnly = (ip: string) => {
    if (!kiosk.has(ip)) throw new DomainError('KIOSK_ONLY', 'Card reads are taken only by the kiosk itself (security.kioskAddresses).');
  };
  app.post('/api/kiosk/card-read', async (req, reply) => {
    kioskOnly(req.ip);
    const g = deps.identity.claimReaderRead();
    if (!g) return reply.code(204).send();
    return { identityToken: g.identityToken, maskedTail: g.maskedTail, segment: g.segment, expiresAt: g.expiresAt };
  });
  app.post('/api/kiosk/identity', async (req) => {
    kioskOnly(req.ip);
    const wait = limiter.take(req.ip, deps.clock());
    if (wait > 0) throw new DomainError('RATE_LIMITED', `Too many card reads from this device; try again in ${wait} s.`);
    const { pan } = parseInput(identityBody, req.body);
    const g = deps.identity.identifyPan(pan);
    return { identityToken: g.identityToken, maskedTail: g.maskedTail, segment: g.segment, expiresAt: g.expiresAt };
  });
}

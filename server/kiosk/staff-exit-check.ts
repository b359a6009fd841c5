/**
 * POST /api/kiosk/staff-exit `{ staffId, pin }`: the kiosk shell's hidden staff exit asks the
 * branch service whether a supervisor (or admin) entered their PIN. No session is opened; a
 * wrong PIN counts towards the account's lockout like a sign-in, and the endpoint answers only
 * the kiosk's own addresses (security.kioskAddresses), rate limited per address.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import type { Auth } from '../auth.js';
import { addressSet, clientAddress } from '../http/client-address.js';
import { RateLimiter } from '../http/rate-limit.js';
import { parseInput } from '../http/validate.js';
import type { Logger } from '../logger.js';

const staffExitBody = z
  .object({
    staffId: z.string().min(1).max(40),
    pin: z.string().min(1).max(40),
  })
  .strict();

export function registerStaffExitCheck(
  app: FastifyInstance,
  deps: { auth: Auth; clock: () => number; kioskAddresses: string[]; log: Logger; perMinute?: number },
): void {
  const limiter = new RateLimiter(deps.perMinute ?? 10);
  const kiosk = addressSet(deps.kioskAddresses);
  app.post('/api/kiosk/staff-exit', async (req) => {
    const address = clientAddress(req.ip);
    if (!kiosk.has(address)) throw new DomainError('KIOSK_ONLY', 'The staff exit is checked only for the kiosk itself (security.kioskAddresses).');
    const wait = limiter.take(address, deps.clock());
    if (wait > 0) throw new DomainError('RATE_LIMITED', `Too many tries; try again in ${wait} s.`);
    const body = parseInput(staffExitBody, req.body);
    const staff = await deps.auth.checkPin(body.staffId, body.pin, address, deps.clock());
    if (!staff.roles.some((r) => r === 'supervisor' || r === 'admin')) {
      deps.log.warn({ staffId: staff.id }, 'kiosk staff exit refused: not a supervisor');
      throw new DomainError('NOT_SUPERVISOR', `${staff.id} is not a supervisor: the kiosk's staff menu needs a supervisor's PIN.`);
    }
    deps.log.info({ staffId: staff.id }, 'kiosk staff menu unlocked');
    return { staffId: staff.id, name: staff.name, roles: staff.roles };
  });
}

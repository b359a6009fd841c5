/**
 * Kiosk device keys. A kiosk that takes tickets without a staff sign-in identifies itself with a
 * key issued when a supervisor enrols it (shown once; only its hash is kept), so the ticket limit
 * counts per kiosk rather than per address: extra addresses on the LAN no longer multiply it.
 *
 * Who may take a ticket without signing in (TicketAdmission):
 * - a request with `X-Kiosk-Key`: an enrolled, unrevoked kiosk, limited per kiosk; a wrong or
 *   revoked key is refused (401 KIOSK_KEY_INVALID), never treated as keyless;
 * - a request without a key: the kiosk's own addresses (security.kioskAddresses) and, unless
 *   security.requireKioskKey is set, any address, limited per address;
 * - all of them together are limited per branch (security.limits.ticketsPerMinutePerBranch).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import type { KioskDeviceRecord, KioskDeviceStore } from '../../db/kiosk-device-store.js';
import { requireRole, type Auth } from '../auth.js';
import { RateLimiter } from '../http/rate-limit.js';
import { parseInput } from '../http/validate.js';
import type { Logger } from '../logger.js';

export const KIOSK_KEY_HEADER = 'x-kiosk-key';
const KEY_PREFIX = 'kk_';
const keyPattern = /^kk_[A-Za-z0-9_-]{43}$/;

function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export class KioskDevices {
  constructor(private readonly store: KioskDeviceStore) {}

  /** Enrols a kiosk (or re-keys one); the key is returned once and never stored. */
  enroll(id: string, name: string, by: string, now: number): { id: string; name: string; key: string } {
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    this.store.enroll({ id, name, keyHash: keyHash(key), at: now, by });
    return { id, name, key };
  }

  revoke(id: string, now: number): void {
    if (!this.store.get(id)) throw new DomainError('UNKNOWN_KIOSK', `There is no enrolled kiosk ${id}.`);
    this.store.revoke(id, now);
  }

  list(): Omit<KioskDeviceRecord, 'keyHash'>[] {
    return this.store.list().map(({ keyHash: _hash, ...rest }) => rest);
  }

  /** The enrolled kiosk behind a key, or a 401. */
  identify(key: string): KioskDeviceRecord {
    const d = keyPattern.test(key) ? this.store.byKeyHash(keyHash(key)) : undefined;
    if (!d || d.revokedAt !== undefined) {
      throw new DomainError('KIOSK_KEY_INVALID', 'This kiosk key is not enrolled at this branch or was revoked; ask a supervisor to enrol the kiosk again.');
    }
    return d;
  }
}

export interface AdmissionLimits {
  perSource: number;
  perBranch: number;
  requireKioskKey: boolean;
}

export type Admission = { source: string } | { refused: DomainError; retryAfter?: number };

/** Decides whether a ticket request without a staff sign-in is taken, and counts it. */
export class TicketAdmission {
  private readonly perSource: RateLimiter;
  private readonly perBranch: RateLimiter;

  constructor(
    private readonly devices: KioskDevices,
    private readonly kioskAddresses: Set<string>,
    private limits: AdmissionLimits,
  ) {
    this.perSource = new RateLimiter(limits.perSource);
    this.perBranch = new RateLimiter(limits.perBranch);
  }

  update(limits: AdmissionLimits): void {
    this.limits = limits;
    this.perSource.setLimit(limits.perSource);
    this.perBranch.setLimit(limits.perBranch);
  }

  admit(address: string, key: string | undefined, now: number): Admission {
    let source: string;
    if (key !== undefined) {
      source = `kiosk:${this.devices.identify(key).id}`;
    } else if (this.limits.requireKioskKey && !this.kioskAddresses.has(address)) {
      return { refused: new DomainError('KIOSK_KEY_REQUIRED', `Tickets are taken at an enrolled kiosk (${KIOSK_KEY_HEADER} header) or by signed-in staff.`) };
    } else {
      source = `ip:${address}`;
    }
    const wait = this.perSource.take(source, now);
    if (wait > 0) return { refused: new DomainError('RATE_LIMITED', `Too many tickets from this kiosk; try again in ${wait} s.`), retryAfter: wait };
    const branchWait = this.perBranch.take('branch', now);
    if (branchWait > 0) {
      return { refused: new DomainError('RATE_LIMITED', `The branch's kiosks are issuing too many tickets at once; try again in ${branchWait} s.`), retryAfter: branchWait };
    }
    return { source };
  }
}

const enrolBody = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, - or _'),
    name: z.string().min(1).max(80),
  })
  .strict();
const kioskParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'is not a kiosk id') });

/** Enrolment by supervisors and admins: POST /api/kiosk-devices, GET it, revoke. */
export function registerKioskDeviceRoutes(app: FastifyInstance, deps: { devices: KioskDevices; auth: Auth; clock: () => number; log: Logger }): void {
  const supervisor = (header: string | undefined) => {
    const p = deps.auth.authenticate(header, deps.clock());
    requireRole(p, 'supervisor', 'admin');
    return p;
  };
  app.get('/api/kiosk-devices', async (req) => {
    supervisor(req.headers.authorization);
    return deps.devices.list();
  });
  app.post('/api/kiosk-devices', async (req, reply) => {
    const p = supervisor(req.headers.authorization);
    const body = parseInput(enrolBody, req.body);
    const enrolled = deps.devices.enroll(body.id, body.name, p.staff.id, deps.clock());
    deps.log.warn({ kioskId: body.id, by: p.staff.id }, 'kiosk enrolled (a new key; any earlier key of it no longer works)');
    return reply.code(201).send(enrolled);
  });
  app.post('/api/kiosk-devices/:id/revoke', async (req) => {
    const p = supervisor(req.headers.authorization);
    const { id } = parseInput(kioskParams, req.params, 'kiosk id');
    deps.devices.revoke(id, deps.clock());
    deps.log.warn({ kioskId: id, by: p.staff.id }, 'kiosk key revoked');
    return { id, revoked: true };
  });
}

/**
 * Who is asking head office: a branch (its credential), an operator (an operator token) or the
 * local command line (the control secret in the data folder, over loopback only). A branch's
 * identity comes from its credential alone, never from a body or a path.
 */
import type { FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { DomainError } from '../../common/errors.js';
import { bearer, CREDENTIAL_PREFIX, OPERATOR_PREFIX } from '../secrets.js';
import type { HqStore } from '../storage/hq-store.js';

export const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export async function requireBranch(store: HqStore, req: FastifyRequest): Promise<string> {
  const token = bearer(req.headers.authorization);
  if (!token) throw new DomainError('CREDENTIAL_REQUIRED', 'Send the branch credential as "Authorization: Bearer …".');
  const check = await store.checkCredential(token);
  if (check.kind === 'revoked') throw new DomainError('CREDENTIAL_REVOKED', `This credential of branch "${check.branch}" has been revoked; enroll the branch again with a new code.`);
  if (check.kind === 'unknown') throw new DomainError('CREDENTIAL_UNKNOWN', 'Head office does not know this credential.');
  return check.branch;
}

export async function requireOperator(store: HqStore, req: FastifyRequest): Promise<string> {
  const token = bearer(req.headers.authorization);
  if (!token) throw new DomainError('OPERATOR_TOKEN_REQUIRED', 'Sign in with an operator token (npm run hq -- operator-token).');
  if (token.startsWith(CREDENTIAL_PREFIX)) throw new DomainError('OPERATOR_ONLY', 'Branch credentials cannot use head-office operator endpoints.');
  const op = token.startsWith(OPERATOR_PREFIX) ? await store.operator(token) : undefined;
  if (!op) throw new DomainError('OPERATOR_TOKEN_INVALID', 'This operator token is not valid (unknown or revoked).');
  return op.label;
}

export function requireControl(secret: string, req: FastifyRequest): void {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) throw new DomainError('CONTROL_LOOPBACK_ONLY', 'Control requests are accepted from this machine only.');
  const token = bearer(req.headers.authorization) ?? '';
  const a = Buffer.from(token);
  const b = Buffer.from(secret);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new DomainError('CONTROL_SECRET_INVALID', 'The control secret does not match this server.');
}

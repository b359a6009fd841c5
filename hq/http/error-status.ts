/**
 * Head office's error codes as HTTP statuses: the one place they become statuses, beside the
 * branch service's table (server/http/error-status.ts), which covers the codes both share.
 */
import { httpStatusOf } from '../../server/http/error-status.js';

const HQ_STATUS: Readonly<Record<string, number>> = {
  BAD_BATCH: 400,
  BAD_EVENT: 400,
  CONFIG_INVALID: 400,
  CREDENTIAL_REQUIRED: 401,
  CREDENTIAL_UNKNOWN: 401,
  CREDENTIAL_REVOKED: 401,
  OPERATOR_TOKEN_REQUIRED: 401,
  OPERATOR_TOKEN_INVALID: 401,
  CONTROL_SECRET_INVALID: 401,
  BRANCH_MISMATCH: 403,
  OPERATOR_ONLY: 403,
  CONTROL_LOOPBACK_ONLY: 403,
  ENROLL_CODE_UNKNOWN: 403,
  UNKNOWN_BRANCH: 404,
  UNKNOWN_CONFIG_VERSION: 404,
  ENROLL_CODE_USED: 409,
  ENROLL_BRANCH_MISMATCH: 409,
  ENROLL_CODE_EXPIRED: 410,
  TICKET_DAY_OVER: 410,
  OVERLOADED: 429,
  HQ_ROW_INVALID: 500,
  DB_TOO_NEW: 500,
};

export function hqStatusOf(code: string): number | undefined {
  return HQ_STATUS[code] ?? httpStatusOf(code);
}

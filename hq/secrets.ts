/**
 * Secrets head office hands out: branch credentials, operator tokens and enrollment codes.
 * Only their SHA-256 is stored. Credentials and tokens carry 192 random bits; an enrollment code
 * is typed by a person, so it is shorter (60 bits in 12 characters of an unambiguous alphabet),
 * single use, short lived, and its exchange is rate limited.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';

export const CREDENTIAL_PREFIX = 'hqb_';
export const OPERATOR_PREFIX = 'hqo_';

// Crockford's base32: no I, L, O or U, so a code read aloud or off paper is typed right.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function newCredential(): string {
  return CREDENTIAL_PREFIX + randomBytes(24).toString('base64url');
}

export function newOperatorToken(): string {
  return OPERATOR_PREFIX + randomBytes(24).toString('base64url');
}

export function newEnrollmentCode(): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/** The code as stored: upper case, separators dropped, look-alike letters mapped. */
export function normalizeEnrollmentCode(code: string): string {
  return code
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
}

export function bearer(header: string | undefined): string | undefined {
  const m = header ? /^Bearer\s+(\S{1,200})$/i.exec(header) : null;
  return m?.[1];
}

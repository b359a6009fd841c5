/**
 * Turns a card read into the only form of it the product keeps: a keyed hash (for segment lookup
 * and linking repeat visits), a masked tail (for staff screens and receipts) and, for bank cards,
 * the 6-digit BIN (the issuer's range, not personal data).
 *
 * HMAC-SHA256 with a branch secret key rather than a plain hash: card and ID numbers are short and
 * structured, so an unkeyed hash could be reversed by trying every number.
 */
import { createHmac } from 'node:crypto';
import { DomainError } from '../common/errors.js';
import type { CardRead } from '../drivers/cardreader/card-read.js';

export type IdentityKind = 'card' | 'id';

export interface Identity {
  kind: IdentityKind;
  /** HMAC-SHA256(key, domain + number) as 64 lowercase hex characters. */
  hash: string;
  /** '•••• 1111' for a card, '••••••••••••••123X' for an ID number: the last 4 only. */
  maskedTail: string;
  /** First 6 digits of a card number, for BIN-range lookup; cards only. */
  bin?: string;
}

export const MIN_KEY_BYTES = 16;
const MASK = '\u2022';

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length < MIN_KEY_BYTES) {
    throw new DomainError('IDENTITY_KEY_INVALID', `the identity key must be at least ${MIN_KEY_BYTES} random bytes`);
  }
}

/** Hash input per kind, so the same digits as a card and as an ID can never collide. */
function keyedHash(key: Uint8Array, kind: IdentityKind, value: string): string {
  return createHmac('sha256', key).update(`branch-queue/identity/v1/${kind}:${value}`, 'utf8').digest('hex');
}

function normalisePan(pan: string): string {
  const digits = pan.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) throw new DomainError('CARD_NUMBER_INVALID', 'card number must be 12 to 19 digits');
  return digits;
}

function normaliseIdNumber(id: string): string {
  const v = id.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(v)) throw new DomainError('ID_NUMBER_INVALID', 'ID number must be 17 digits and a digit or X');
  return v;
}

/**
 * Derives the identity. Throws a DomainError (never echoing the number) when the read holds no
 * usable number or the key is too short.
 */
export function deriveIdentity(read: CardRead, key: Uint8Array): Identity {
  checkKey(key);
  if (read.source === 'magstripe') {
    if (read.pan === undefined) throw new DomainError('CARD_NUMBER_INVALID', 'card read has no card number');
    const pan = normalisePan(read.pan);
    return {
      kind: 'card',
      hash: keyedHash(key, 'card', pan),
      maskedTail: `${MASK.repeat(4)} ${pan.slice(-4)}`,
      bin: pan.slice(0, 6),
    };
  }
  if (read.idNumber === undefined) throw new DomainError('ID_NUMBER_INVALID', 'ID card read has no ID number');
  const id = normaliseIdNumber(read.idNumber);
  return {
    kind: 'id',
    hash: keyedHash(key, 'id', id),
    maskedTail: MASK.repeat(id.length - 4) + id.slice(-4),
  };
}

/**
 * Hash of a number as deriveIdentity would compute it, for building `vipIdHashes` lists from
 * a bank's records with the same key (an offline tool, never the kiosk).
 */
export function identityHash(kind: IdentityKind, number: string, key: Uint8Array): string {
  checkKey(key);
  return keyedHash(key, kind, kind === 'card' ? normalisePan(number) : normaliseIdNumber(number));
}

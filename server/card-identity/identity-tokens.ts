/**
 * Short-lived identity tokens: how the kiosk page refers to "the card just swiped" without ever
 * holding its number or hash. A token names a segment and a masked tail, lives in memory only,
 * expires after a couple of minutes and gets at most one ticket.
 */
import { randomBytes } from 'node:crypto';
import { DomainError } from '../../common/errors.js';

export interface IdentityGrant {
  identityToken: string;
  maskedTail: string;
  segment: string;
  /** ISO time. */
  expiresAt: string;
}

interface Entry {
  maskedTail: string;
  segment: string;
  expiresAt: number;
  /** The request (idempotency key) that used it; a retry of that request may use it again. */
  usedBy?: string;
}

export const IDENTITY_TOKEN_TTL_MS = 120_000;
const MAX_TOKENS = 1000;

export class IdentityTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: () => number,
    private readonly ttlMs = IDENTITY_TOKEN_TTL_MS,
  ) {}

  grant(maskedTail: string, segment: string): IdentityGrant {
    const now = this.clock();
    this.sweep(now);
    const identityToken = `idt_${randomBytes(18).toString('base64url')}`;
    const expiresAt = now + this.ttlMs;
    this.entries.set(identityToken, { maskedTail, segment, expiresAt });
    return { identityToken, maskedTail, segment, expiresAt: new Date(expiresAt).toISOString() };
  }

  /**
   * The segment a ticket request may take from this token. Throws when the token is unknown,
   * expired, or already gave a ticket to a different request.
   */
  check(token: string, requestKey: string | undefined): { segment: string; maskedTail: string } {
    const e = this.entries.get(token);
    if (!e || e.expiresAt <= this.clock()) {
      throw new DomainError('IDENTITY_EXPIRED', 'The card read has expired or is unknown; swipe the card again.');
    }
    if (e.usedBy !== undefined && (requestKey === undefined || e.usedBy !== requestKey)) {
      throw new DomainError('IDENTITY_USED', 'This card read already took a ticket; swipe the card again for another.');
    }
    return { segment: e.segment, maskedTail: e.maskedTail };
  }

  /** Called once the ticket is committed. */
  markUsed(token: string, requestKey: string | undefined): void {
    const e = this.entries.get(token);
    if (e) e.usedBy = requestKey ?? `used:${randomBytes(8).toString('hex')}`;
  }

  private sweep(now: number): void {
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
    // A flood of swipes must not grow memory: the oldest grants go first.
    while (this.entries.size >= MAX_TOKENS) this.entries.delete(this.entries.keys().next().value!);
  }
}

/**
 * Counter tablets as evaluators (评价平板). The LAN is not trusted, and a tablet's ratings count
 * in a teller's performance, so binding one is a supervisor's act: a supervisor (or admin) signs
 * in on the tablet once and binds it to a counter; the tablet gets its own token, scoped to that
 * counter and to rating only (it reads that counter's request and rates it, nothing else), and
 * the supervisor's session is ended on the tablet. A teller cannot bind one, so nobody rates
 * their own service from a second browser. Binding a tablet to a counter unbinds the one there
 * before; a supervisor can unbind any. Each bind and unbind is an event with who and when.
 * Only a hash of the token is stored.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DomainError } from '../../common/errors.js';
import { draft, type EventDraft } from '../../core/events.js';
import type { FeedbackStore, TabletRecord } from '../../db/feedback-store.js';
import type { BranchService } from '../branch-service.js';

const TOKEN_PREFIX = 'ctb_';
const TOKEN_PATTERN = /^Bearer\s+(ctb_[A-Za-z0-9_-]{43})$/;
// last_seen_at is written at most this often per tablet (it is polled every few seconds).
const TOUCH_EVERY_MS = 60_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface TabletView {
  id: string;
  counterId: string;
  label: string;
  boundBy: string;
  boundAt: string;
  lastSeenAt?: string;
}

function view(t: TabletRecord): TabletView {
  return {
    id: t.id,
    counterId: t.counterId,
    label: t.label,
    boundBy: t.boundBy,
    boundAt: new Date(t.boundAt).toISOString(),
    lastSeenAt: t.lastSeenAt ? new Date(t.lastSeenAt).toISOString() : undefined,
  };
}

export class CounterTablets {
  constructor(
    private readonly service: BranchService,
    private readonly store: FeedbackStore,
  ) {}

  /** Binds a new tablet to a counter; the token is returned once and never stored. */
  bind(counterId: string, label: string, staffId: string): { tablet: TabletView; token: string; replaced: string[] } {
    if (!this.service.queueConfig.counters.some((c) => c.id === counterId)) throw new DomainError('UNKNOWN_COUNTER', `There is no counter ${counterId}.`);
    const now = this.service.clock();
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const tablet: TabletRecord = { id: randomUUID(), tokenHash: hashToken(token), counterId, label, boundBy: staffId, boundAt: now };
    const replaced = this.store.activeTablets().filter((t) => t.counterId === counterId);
    const events: EventDraft[] = [
      ...replaced.map((t) => draft('feedback.tablet_revoked', now, { tabletId: t.id, counterId, staffId, reason: 'replaced' })),
      draft('feedback.tablet_bound', now, { tabletId: tablet.id, counterId, label, staffId }),
    ];
    this.service.record(events, () => {
      for (const t of replaced) this.store.revokeTablet(t.id, now);
      this.store.insertTablet(tablet);
    });
    return { tablet: view(tablet), token, replaced: replaced.map((t) => t.id) };
  }

  revoke(id: string, staffId: string): TabletView {
    const t = this.store.tablet(id);
    if (!t || t.revokedAt !== undefined) throw new DomainError('UNKNOWN_TABLET', `No bound tablet ${id}.`);
    const now = this.service.clock();
    this.service.record([draft('feedback.tablet_revoked', now, { tabletId: id, counterId: t.counterId, staffId, reason: 'unbound' })], () => {
      this.store.revokeTablet(id, now);
    });
    return view(t);
  }

  list(): TabletView[] {
    return this.store.activeTablets().map(view);
  }

  /** The bound tablet behind an Authorization header, or a 401. */
  authenticate(header: string | undefined): TabletRecord {
    const m = TOKEN_PATTERN.exec(header ?? '');
    if (!m) throw new DomainError('UNAUTHENTICATED', 'This needs a counter tablet token: bind the tablet to its counter first (a supervisor signs in on it).');
    const t = this.store.tabletByTokenHash(hashToken(m[1]!));
    if (!t || t.revokedAt !== undefined) throw new DomainError('UNAUTHENTICATED', 'This tablet is no longer bound to a counter; a supervisor must bind it again.');
    const now = this.service.clock();
    if (t.lastSeenAt === undefined || now - t.lastSeenAt >= TOUCH_EVERY_MS) this.store.touchTablet(t.id, now);
    return t;
  }
}

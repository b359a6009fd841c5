/**
 * Typed reads and writes for ratings, counter tablets and the audited events that staff
 * performance and the day's report read by time. Writes of ratings and tablets run inside the
 * branch service's record() (the one write path), so a row and its event commit together.
 * Every row read back is checked by its schema (db/rows.ts).
 */
import { z } from 'zod';
import { DomainError } from '../common/errors.js';
import { ratingSchema, type Rating } from '../core/feedback.js';
import { eventSchema, type BranchEvent, type EventType } from '../core/events.js';
import { skillLevelSchema, ticketStatusSchema } from '../core/types.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './open-database.js';
import { jsonColumn, optionalColumn, rowReader, type RowErrorReporter } from './rows.js';

export interface TabletRecord {
  id: string;
  tokenHash: string;
  counterId: string;
  label: string;
  boundBy: string;
  boundAt: number;
  revokedAt?: number;
  lastSeenAt?: number;
}

/** The event types the audit index covers (db/migrations.ts, version 4): keep the two in step. */
export const AUDITED_EVENTS = ['ticket.called', 'counter.paused', 'counter.resumed', 'counter.closed', 'complaint.recorded'] as const satisfies readonly EventType[];
export type AuditedEvent = (typeof AUDITED_EVENTS)[number];
// The index's own condition, repeated in each query so SQLite can use the partial index.
const AUDIT_CONDITION = `type IN (${AUDITED_EVENTS.map((t) => `'${t}'`).join(', ')})`;

const ratingRow = z.object({ ticket_id: z.string(), data: jsonColumn(ratingSchema) }).transform((r): Rating => r.data);
const tabletRow = z
  .object({
    id: z.string(),
    token_hash: z.string(),
    counter_id: z.string(),
    label: z.string(),
    bound_by: z.string(),
    bound_at: z.number(),
    revoked_at: optionalColumn(z.number()),
    last_seen_at: optionalColumn(z.number()),
  })
  .transform(
    (r): TabletRecord => ({
      id: r.id,
      tokenHash: r.token_hash,
      counterId: r.counter_id,
      label: r.label,
      boundBy: r.bound_by,
      boundAt: r.bound_at,
      revokedAt: r.revoked_at,
      lastSeenAt: r.last_seen_at,
    }),
  );
const eventRow = z.looseObject({ data: jsonColumn(z.unknown()) }).pipe(eventSchema);
const nullableNumber = z.number().nullable();
const nullableString = z.string().nullable();

/** A finished ticket as staff performance reads it (only the fields it needs: a month is read at once). */
export const servedFactSchema = z.object({
  id: z.string(),
  serviceCode: z.string(),
  status: ticketStatusSchema,
  issuedAt: z.number(),
  calledAt: nullableNumber,
  startedAt: nullableNumber,
  endedAt: nullableNumber,
  counterId: nullableString,
  staffId: nullableString,
});
export type ServedFact = z.infer<typeof servedFactSchema>;

/** A call as staff performance audits it: who called, and why that ticket. */
export const callFactSchema = z
  .object({ id: z.number().int(), staffId: optionalColumn(z.string()), tier: skillLevelSchema, rule: z.string(), passedOver: z.number().int().nonnegative() })
  .transform((r) => ({ staffId: r.staffId, reason: { tier: r.tier, rule: r.rule, passedOver: r.passedOver } }));
export type CallFact = z.infer<typeof callFactSchema>;

const complaintFactSchema = z.object({ id: z.number().int(), staffId: optionalColumn(z.string()) }).transform((r) => ({ staffId: r.staffId }));

export interface FeedbackStore {
  rating(ticketId: string): Rating | undefined;
  /**
   * Stores a rating; call inside the service's record(). Throws ALREADY_RATED when the ticket
   * has one, which rolls the transaction (and its event) back.
   */
  insertRating(r: Rating): void;
  /** Ratings of tickets whose business day is in [fromDay, toDay]. */
  ratingsOfDays(fromDay: string, toDay: string): Rating[];
  tablet(id: string): TabletRecord | undefined;
  tabletByTokenHash(tokenHash: string): TabletRecord | undefined;
  /** Tablets not revoked. */
  activeTablets(): TabletRecord[];
  insertTablet(t: TabletRecord): void;
  revokeTablet(id: string, at: number): boolean;
  /** When a tablet was last heard from (not an event: it changes every few seconds). */
  touchTablet(id: string, at: number): void;
  /** Audited events of the given types from `fromIso` (inclusive) to `toIso` (exclusive), in log order. */
  auditEvents(types: readonly AuditedEvent[], fromIso: string, toIso: string): BranchEvent[];
  /** Tickets done on business days [fromDay, toDay]. */
  servedFacts(fromDay: string, toDay: string): ServedFact[];
  /** Calls (ticket.called) from `fromIso` to `toIso` with who called and the reason. */
  callFacts(fromIso: string, toIso: string): CallFact[];
  /** Complaints recorded from `fromIso` to `toIso`, with the teller each names. */
  complaintFacts(fromIso: string, toIso: string): { staffId?: string }[];
}

export function createFeedbackStore(db: Db, opts: { reportRowError?: RowErrorReporter } = {}): FeedbackStore {
  const rows = rowReader(opts.reportRowError);
  const stmt = {
    rating: db.prepare('SELECT ticket_id, data FROM ratings WHERE ticket_id = ?'),
    insertRating: db.prepare(
      `INSERT INTO ratings (ticket_id, business_day, staff_id, counter_id, score, channel, rated_at, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id) DO NOTHING`,
    ),
    ratingsOfDays: db.prepare('SELECT ticket_id, data FROM ratings WHERE business_day BETWEEN ? AND ? ORDER BY rated_at'),
    tablet: db.prepare('SELECT * FROM counter_tablets WHERE id = ?'),
    tabletByHash: db.prepare('SELECT * FROM counter_tablets WHERE token_hash = ?'),
    activeTablets: db.prepare('SELECT * FROM counter_tablets WHERE revoked_at IS NULL ORDER BY counter_id, bound_at'),
    insertTablet: db.prepare(
      'INSERT INTO counter_tablets (id, token_hash, counter_id, label, bound_by, bound_at, revoked_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)',
    ),
    revokeTablet: db.prepare('UPDATE counter_tablets SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    touchTablet: db.prepare('UPDATE counter_tablets SET last_seen_at = ? WHERE id = ?'),
    // Only the fields performance needs: each json_extract parses the ticket's JSON again.
    served: db.prepare(
      `SELECT id, service_code AS serviceCode, status, issued_at AS issuedAt,
         json_extract(data, '$.calledAt') AS calledAt, json_extract(data, '$.startedAt') AS startedAt,
         json_extract(data, '$.endedAt') AS endedAt, json_extract(data, '$.counterId') AS counterId,
         json_extract(data, '$.staffId') AS staffId
       FROM tickets WHERE business_day BETWEEN ? AND ? AND status = 'done' ORDER BY issued_at`,
    ),
    calls: db.prepare(
      `SELECT id, json_extract(data, '$.staffId') AS staffId, json_extract(data, '$.reason.tier') AS tier,
         json_extract(data, '$.reason.rule') AS rule, json_extract(data, '$.reason.passedOver') AS passedOver
       FROM events WHERE ${AUDIT_CONDITION} AND type = 'ticket.called' AND at >= ? AND at < ? ORDER BY id`,
    ),
    complaints: db.prepare(
      `SELECT id, json_extract(data, '$.complaint.staffId') AS staffId
       FROM events WHERE ${AUDIT_CONDITION} AND type = 'complaint.recorded' AND at >= ? AND at < ? ORDER BY id`,
    ),
  };
  const auditQueries = new Map<string, Statement<unknown[]>>();
  const auditQuery = (types: readonly AuditedEvent[]) => {
    const key = types.join(',');
    let q = auditQueries.get(key);
    if (!q) {
      q = db.prepare<unknown[]>(
        `SELECT id, stream, seq, type, v, at, data, ? AS branch FROM events
         WHERE ${AUDIT_CONDITION} AND type IN (${types.map(() => '?').join(', ')}) AND at >= ? AND at < ? ORDER BY id`,
      );
      auditQueries.set(key, q);
    }
    return q;
  };
  const branchId = () => {
    const r = db.prepare("SELECT value FROM meta WHERE key = 'branch_id'").get();
    return rows.one(z.object({ value: z.string() }).optional(), 'meta', ['key'], r)?.value ?? '';
  };

  return {
    rating(ticketId) {
      const r = stmt.rating.get(ticketId);
      return r === undefined ? undefined : rows.one(ratingRow, 'ratings', ['ticket_id'], r);
    },
    insertRating(r) {
      const info = stmt.insertRating.run(r.ticketId, r.businessDay, r.staffId ?? null, r.counterId ?? null, r.score, r.channel, r.ratedAt, JSON.stringify(r));
      if (info.changes === 0) throw new DomainError('ALREADY_RATED', `Ticket ${r.number} has already been rated; each service is rated once.`);
    },
    ratingsOfDays: (from, to) => rows.all(ratingRow, 'ratings', ['ticket_id'], stmt.ratingsOfDays.all(from, to)),
    tablet(id) {
      const r = stmt.tablet.get(id);
      return r === undefined ? undefined : rows.one(tabletRow, 'counter_tablets', ['id'], r);
    },
    tabletByTokenHash(hash) {
      const r = stmt.tabletByHash.get(hash);
      // Named by its id: the key column is a token's hash, which is not for logs.
      return r === undefined ? undefined : rows.one(tabletRow, 'counter_tablets', ['id'], r);
    },
    activeTablets: () => rows.all(tabletRow, 'counter_tablets', ['id'], stmt.activeTablets.all()),
    insertTablet: (t) => void stmt.insertTablet.run(t.id, t.tokenHash, t.counterId, t.label, t.boundBy, t.boundAt),
    revokeTablet: (id, at) => stmt.revokeTablet.run(at, id).changes > 0,
    touchTablet: (id, at) => void stmt.touchTablet.run(at, id),
    servedFacts: (from, to) => rows.all(servedFactSchema, 'tickets', ['id'], stmt.served.all(from, to)),
    callFacts: (from, to) => rows.all(callFactSchema, 'events', ['id'], stmt.calls.all(from, to)),
    complaintFacts: (from, to) => rows.all(complaintFactSchema, 'events', ['id'], stmt.complaints.all(from, to)),
    auditEvents(types, fromIso, toIso) {
      if (types.length === 0) return [];
      const params: unknown[] = [branchId(), ...types, fromIso, toIso];
      return rows.all(eventRow, 'events', ['id'], auditQuery(types).all(...params));
    },
  };
}

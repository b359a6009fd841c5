/**
 * Typed reads and writes of customer files, their visits and staff notes, the tickets' card
 * reads, and follow-up tasks (core/customer-file.ts, core/followups.ts). Writes run inside the
 * branch service's record(), so a change and its event commit together; every row read back is
 * checked by its schema (db/rows.ts). Keys are the keyed hash of a card or ID, never its number.
 */
import { z } from 'zod';
import { customerFileSchema, type CustomerFile, type CustomerIdentity } from '../core/customer-file.js';
import { followUpSchema, type FollowUp } from '../core/followups.js';
import type { Db } from './open-database.js';
import { jsonColumn, rowReader, type RowErrorReporter } from './rows.js';

export const customerNoteSchema = z.object({ id: z.string(), customerId: z.string(), at: z.number(), by: z.string(), text: z.string() });
export type CustomerNote = z.infer<typeof customerNoteSchema>;

const fileRow = z.object({ id: z.string(), data: jsonColumn(customerFileSchema) }).transform((r): CustomerFile => r.data);
const noteRow = z.object({ id: z.string(), data: jsonColumn(customerNoteSchema) }).transform((r): CustomerNote => r.data);
const followUpRow = z.object({ id: z.string(), data: jsonColumn(followUpSchema) }).transform((r): FollowUp => r.data);
const identityRow = z
  .object({ ticket_id: z.string(), identity_hash: z.string().regex(/^[0-9a-f]{64}$/), identity_kind: z.enum(['card', 'id']), masked_tail: z.string() })
  .transform((r): CustomerIdentity => ({ kind: r.identity_kind, hash: r.identity_hash, maskedTail: r.masked_tail }));
const visitRow = z.object({ ticket_id: z.string(), at: z.number() });
const countRow = z.object({ n: z.number().int() });

export interface CustomerStore {
  fileByHash(hash: string): CustomerFile | undefined;
  file(id: string): CustomerFile | undefined;
  saveFile(f: CustomerFile, hash: string): void;
  /** Updates a file already stored (its key does not change). */
  updateFile(f: CustomerFile): void;
  /** Deletes the file with its visits, notes and follow-ups; answers how many of each went. */
  deleteFile(id: string): { visits: number; notes: number; followUps: number };
  /** What the retention job would purge at `before` (read before the deletion, for its event). */
  retentionCounts(before: number): { files: number; visits: number; notes: number; followUps: number };
  /** How much one file holds. */
  counts(id: string): { visits: number; notes: number; followUps: number };
  /** Files not seen since before `before`. */
  filesSeenBefore(before: number): CustomerFile[];
  ticketIdentity(ticketId: string): CustomerIdentity | undefined;
  saveTicketIdentity(ticketId: string, who: CustomerIdentity, at: number): void;
  /** Card reads of tickets older than `before` (the link is needed only while the visit lasts). */
  purgeTicketIdentities(before: number): number;
  addVisit(customerId: string, ticketId: string, at: number): void;
  visits(customerId: string): { ticketId: string; at: number }[];
  dropHistory(customerId: string): { visits: number; notes: number };
  purgeVisits(before: number): number;
  addNote(n: CustomerNote): void;
  notes(customerId: string): CustomerNote[];
  removeNote(id: string): CustomerNote | undefined;
  purgeNotes(before: number): number;
  followUp(id: string): FollowUp | undefined;
  saveFollowUp(f: FollowUp): void;
  followUps(filter: { status?: FollowUp['status']; ownerId?: string; customerId?: string }): FollowUp[];
}

export function createCustomerStore(db: Db, opts: { reportRowError?: RowErrorReporter } = {}): CustomerStore {
  const rows = rowReader(opts.reportRowError);
  const s = {
    byHash: db.prepare('SELECT id, data FROM customers WHERE identity_hash = ?'),
    byId: db.prepare('SELECT id, data FROM customers WHERE id = ?'),
    save: db.prepare(
      `INSERT INTO customers (id, identity_hash, last_seen_at, data) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at, data = excluded.data`,
    ),
    delete: db.prepare('DELETE FROM customers WHERE id = ?'),
    update: db.prepare('UPDATE customers SET last_seen_at = ?, data = ? WHERE id = ?'),
    seenBefore: db.prepare('SELECT id, data FROM customers WHERE last_seen_at < ? ORDER BY last_seen_at'),
    identity: db.prepare('SELECT ticket_id, identity_hash, identity_kind, masked_tail FROM ticket_identities WHERE ticket_id = ?'),
    saveIdentity: db.prepare('INSERT OR IGNORE INTO ticket_identities (ticket_id, identity_hash, identity_kind, masked_tail, at) VALUES (?, ?, ?, ?, ?)'),
    purgeIdentities: db.prepare('DELETE FROM ticket_identities WHERE at < ?'),
    addVisit: db.prepare('INSERT OR IGNORE INTO customer_visits (customer_id, ticket_id, at) VALUES (?, ?, ?)'),
    visits: db.prepare('SELECT ticket_id, at FROM customer_visits WHERE customer_id = ? ORDER BY at DESC'),
    dropVisits: db.prepare('DELETE FROM customer_visits WHERE customer_id = ?'),
    purgeVisits: db.prepare('DELETE FROM customer_visits WHERE at < ?'),
    addNote: db.prepare('INSERT INTO customer_notes (id, customer_id, at, data) VALUES (?, ?, ?, ?)'),
    notes: db.prepare('SELECT id, data FROM customer_notes WHERE customer_id = ? ORDER BY at DESC'),
    note: db.prepare('SELECT id, data FROM customer_notes WHERE id = ?'),
    removeNote: db.prepare('DELETE FROM customer_notes WHERE id = ?'),
    dropNotes: db.prepare('DELETE FROM customer_notes WHERE customer_id = ?'),
    purgeNotes: db.prepare('DELETE FROM customer_notes WHERE at < ?'),
    followUp: db.prepare('SELECT id, data FROM followups WHERE id = ?'),
    saveFollowUp: db.prepare(
      `INSERT INTO followups (id, customer_id, ticket_id, status, owner_id, due_at, data) VALUES (@id, @customer, @ticket, @status, @owner, @due, @data)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, owner_id = excluded.owner_id, data = excluded.data`,
    ),
    dropFollowUps: db.prepare('DELETE FROM followups WHERE customer_id = ?'),
    retention: db.prepare(
      `SELECT (SELECT count(*) FROM customers WHERE last_seen_at < @b) AS files,
         (SELECT count(*) FROM customer_visits WHERE at < @b OR customer_id IN (SELECT id FROM customers WHERE last_seen_at < @b)) AS visits,
         (SELECT count(*) FROM customer_notes WHERE at < @b OR customer_id IN (SELECT id FROM customers WHERE last_seen_at < @b)) AS notes,
         (SELECT count(*) FROM followups WHERE customer_id IN (SELECT id FROM customers WHERE last_seen_at < @b)) AS followUps`,
    ),
    countVisits: db.prepare('SELECT count(*) AS n FROM customer_visits WHERE customer_id = ?'),
    countNotes: db.prepare('SELECT count(*) AS n FROM customer_notes WHERE customer_id = ?'),
    countFollowUps: db.prepare('SELECT count(*) AS n FROM followups WHERE customer_id = ?'),
  };
  const one = <T>(schema: z.ZodType<T>, table: string, key: string[], r: unknown): T | undefined => (r === undefined ? undefined : rows.one(schema, table, key, r));
  const count = (stmt: { get(...a: unknown[]): unknown }, id: string) => rows.one(countRow, 'customers', ['id'], stmt.get(id)).n;

  return {
    fileByHash: (hash) => one(fileRow, 'customers', ['id'], s.byHash.get(hash)),
    file: (id) => one(fileRow, 'customers', ['id'], s.byId.get(id)),
    saveFile: (f, hash) => void s.save.run(f.id, hash, f.lastSeenAt, JSON.stringify(f)),
    updateFile: (f) => void s.update.run(f.lastSeenAt, JSON.stringify(f), f.id),
    retentionCounts: (b) =>
      rows.one(z.object({ files: z.number().int(), visits: z.number().int(), notes: z.number().int(), followUps: z.number().int() }), 'customers', [], s.retention.get({ b })),
    counts: (id) => ({ visits: count(s.countVisits, id), notes: count(s.countNotes, id), followUps: count(s.countFollowUps, id) }),
    deleteFile(id) {
      const removed = { visits: count(s.countVisits, id), notes: count(s.countNotes, id), followUps: count(s.countFollowUps, id) };
      s.dropVisits.run(id);
      s.dropNotes.run(id);
      s.dropFollowUps.run(id);
      s.delete.run(id);
      return removed;
    },
    filesSeenBefore: (before) => rows.all(fileRow, 'customers', ['id'], s.seenBefore.all(before)),
    ticketIdentity: (ticketId) => one(identityRow, 'ticket_identities', ['ticket_id'], s.identity.get(ticketId)),
    saveTicketIdentity: (ticketId, who, at) => void s.saveIdentity.run(ticketId, who.hash, who.kind, who.maskedTail, at),
    purgeTicketIdentities: (before) => s.purgeIdentities.run(before).changes,
    addVisit: (customerId, ticketId, at) => void s.addVisit.run(customerId, ticketId, at),
    visits: (customerId) => rows.all(visitRow, 'customer_visits', ['ticket_id'], s.visits.all(customerId)).map((v) => ({ ticketId: v.ticket_id, at: v.at })),
    dropHistory: (customerId) => ({ visits: s.dropVisits.run(customerId).changes, notes: s.dropNotes.run(customerId).changes }),
    purgeVisits: (before) => s.purgeVisits.run(before).changes,
    addNote: (n) => void s.addNote.run(n.id, n.customerId, n.at, JSON.stringify(n)),
    notes: (customerId) => rows.all(noteRow, 'customer_notes', ['id'], s.notes.all(customerId)),
    removeNote(id) {
      const n = one(noteRow, 'customer_notes', ['id'], s.note.get(id));
      if (n) s.removeNote.run(id);
      return n;
    },
    purgeNotes: (before) => s.purgeNotes.run(before).changes,
    followUp: (id) => one(followUpRow, 'followups', ['id'], s.followUp.get(id)),
    saveFollowUp: (f) =>
      void s.saveFollowUp.run({ id: f.id, customer: f.customerId, ticket: f.ticketId, status: f.status, owner: f.ownerId ?? null, due: f.dueAt, data: JSON.stringify(f) }),
    followUps(f) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, v: string | undefined) => {
        if (v === undefined) return;
        where.push(sql);
        params.push(v);
      };
      add('status = ?', f.status);
      add('owner_id = ?', f.ownerId);
      add('customer_id = ?', f.customerId);
      const sql = `SELECT id, data FROM followups ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY due_at LIMIT 1000`;
      return rows.all(followUpRow, 'followups', ['id'], db.prepare(sql).all(...params));
    },
  };
}

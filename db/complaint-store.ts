/**
 * Typed reads and writes of complaints (core/complaints.ts). Writes run inside the branch
 * service's record() (the one write path), so a complaint and its event commit together. Every
 * row read back is checked by its schema (db/rows.ts).
 */
import { z } from 'zod';
import { complaintSchema, type Complaint, type ComplaintStatus } from '../core/complaints.js';
import type { Db } from './open-database.js';
import { jsonColumn, rowReader, type RowErrorReporter } from './rows.js';

const complaintRow = z.object({ id: z.string(), data: jsonColumn(complaintSchema) }).transform((r): Complaint => r.data);

export interface ComplaintFilter {
  statuses?: readonly ComplaintStatus[];
  /** Only those this staff member owns or recorded (a teller's view). */
  involving?: string;
  customerId?: string;
  limit?: number;
}

export interface ComplaintStore {
  complaint(id: string): Complaint | undefined;
  /** Inserts or replaces the complaint (its columns follow the record). */
  save(c: Complaint): void;
  list(filter: ComplaintFilter): Complaint[];
  /** Open or in progress and due before `at`. */
  overdue(at: number): Complaint[];
  /** How many references start with `prefix` (the day's sequence). */
  countRefs(prefix: string): number;
  /** Complaints with a contact, recorded before `before` (the retention job). */
  withContactBefore(before: number): Complaint[];
  /** The ticket with this number on this business day (staff name a complaint's ticket by its number). */
  ticketIdByNumber(businessDay: string, number: string): string | undefined;
}

export function createComplaintStore(db: Db, opts: { reportRowError?: RowErrorReporter } = {}): ComplaintStore {
  const rows = rowReader(opts.reportRowError);
  const stmt = {
    one: db.prepare('SELECT id, data FROM complaints WHERE id = ?'),
    save: db.prepare(
      `INSERT INTO complaints (id, ref, status, owner_id, staff_id, recorded_by, customer_id, ticket_id, recorded_at, due_at, has_contact, data)
       VALUES (@id, @ref, @status, @owner, @staff, @recordedBy, @customer, @ticket, @recordedAt, @dueAt, @hasContact, @data)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, owner_id = excluded.owner_id, customer_id = excluded.customer_id,
         has_contact = excluded.has_contact, data = excluded.data`,
    ),
    overdue: db.prepare(`SELECT id, data FROM complaints WHERE status IN ('open', 'in_progress') AND due_at < ? ORDER BY due_at`),
    countRefs: db.prepare('SELECT count(*) AS n FROM complaints WHERE ref LIKE ? ESCAPE \'\\\''),
    ticketByNumber: db.prepare('SELECT id FROM tickets WHERE business_day = ? AND number = ? ORDER BY issued_at DESC LIMIT 1'),
    withContact: db.prepare('SELECT id, data FROM complaints WHERE has_contact = 1 AND recorded_at < ? ORDER BY recorded_at'),
  };
  const all = (raw: unknown[]) => rows.all(complaintRow, 'complaints', ['id'], raw);

  return {
    complaint(id) {
      const r = stmt.one.get(id);
      return r === undefined ? undefined : rows.one(complaintRow, 'complaints', ['id'], r);
    },
    save(c) {
      stmt.save.run({
        id: c.id,
        ref: c.ref,
        status: c.status,
        owner: c.ownerId ?? null,
        staff: c.staffId ?? null,
        recordedBy: c.recordedBy ?? null,
        customer: c.customerId ?? null,
        ticket: c.ticketId ?? null,
        recordedAt: c.recordedAt,
        dueAt: c.dueAt,
        hasContact: c.contact ? 1 : 0,
        data: JSON.stringify(c),
      });
    },
    list(f) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (f.statuses && f.statuses.length > 0) {
        where.push(`status IN (${f.statuses.map(() => '?').join(', ')})`);
        params.push(...f.statuses);
      }
      if (f.involving !== undefined) {
        where.push('(owner_id = ? OR recorded_by = ?)');
        params.push(f.involving, f.involving);
      }
      if (f.customerId !== undefined) {
        where.push('customer_id = ?');
        params.push(f.customerId);
      }
      const sql = `SELECT id, data FROM complaints ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY recorded_at DESC LIMIT ?`;
      return all(db.prepare(sql).all(...params, f.limit ?? 500));
    },
    overdue: (at) => all(stmt.overdue.all(at)),
    countRefs(prefix) {
      const escaped = prefix.replace(/[\\%_]/g, (m) => `\\${m}`);
      return rows.one(z.object({ n: z.number().int() }), 'complaints', [], stmt.countRefs.get(`${escaped}%`)).n;
    },
    withContactBefore: (before) => all(stmt.withContact.all(before)),
    ticketIdByNumber(day, number) {
      const r = stmt.ticketByNumber.get(day, number);
      return r === undefined ? undefined : rows.one(z.object({ id: z.string() }), 'tickets', ['id'], r).id;
    },
  };
}

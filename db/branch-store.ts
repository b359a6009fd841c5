/**
 * Every database call of the branch service goes through this one typed interface.
 * A state change and its events are written in one transaction (`commit`), so the log,
 * which doubles as head office's outbox, never disagrees with the tickets.
 */
import { z } from 'zod';
import { DomainError } from '../common/errors.js';
import { describeIssues } from '../common/zod-issues.js';
import type { Outcome, EngineSnapshot } from '../core/engine.js';
import { checkDraft, EVENT_VERSION, eventSchema, streamOf, type BranchEvent, type EventDraft, type StreamName } from '../core/events.js';
import { ACTIVE_STATUSES, counterStateSchema, staffRoleSchema, ticketSchema, type NumberSequence, type StaffRole, type Ticket } from '../core/types.js';
import { archiveEventBatch, type ArchiveBatch } from './event-archive.js';
import type { Db } from './open-database.js';
import { flagColumn, jsonColumn, rowReader, type RowErrorReporter } from './rows.js';
import { WriteGuard, type StorageProblem } from './write-guard.js';

export interface StaffRecord {
  id: string;
  name: string;
  roles: StaffRole[];
  counters: string[];
  pinHash: string;
  active: boolean;
}

export interface SessionRecord {
  tokenHash: string;
  staffId: string;
  counterId: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface IdempotentAnswer {
  key: string;
  staffId: string;
  status: number;
  body: string;
  createdAt: number;
}

/**
 * Every read goes through a schema (db/rows.ts): a damaged row is a DB_ROW_INVALID error naming
 * the table, key and field. Appended events are checked against their schema before they are
 * written (see writeEvents).
 */
export interface BranchStore {
  loadSnapshot(businessDay: string): EngineSnapshot;
  /** The latest business day that has issued a number, if any. */
  latestBusinessDay(): string | undefined;
  /** Writes the outcome's changes and events atomically; returns the events as stored. */
  commit(outcome: Outcome, branchId: string, idempotent?: IdempotentAnswer): BranchEvent[];
  /** Appends events; `alongside` writes the rows of the same change in the same transaction. */
  appendEvents(drafts: EventDraft[], branchId: string, alongside?: () => void): BranchEvent[];
  eventsAfter(afterId: number, limit: number): BranchEvent[];
  /** Events with `afterId < id <= uptoId`, in log order. */
  eventsBetween(afterId: number, uptoId: number): BranchEvent[];
  /**
   * Renumbers a stream's events from `fromSeq` on so that the first becomes `newFromSeq` (the
   * uploader does this when head office already holds those numbers from before a restore), and
   * the stream's next event follows them. One transaction.
   */
  resequenceStream(stream: StreamName, fromSeq: number, newFromSeq: number): number;
  lastEventId(): number;
  /** The id of the newest event of this type, if any (e.g. the latest day.closed). */
  latestEventIdOfType(type: BranchEvent['type']): number | undefined;
  /**
   * The highest sequence of `stream` that head office has acknowledged holding without gaps
   * (0 when it has acknowledged nothing). The uploader sets it from HQ's answers; the event
   * archive removes nothing above it.
   */
  syncAcked(stream: StreamName): number;
  setSyncAcked(stream: StreamName, seq: number): void;
  /** Moves one batch of old events that head office holds into the archive files (db/event-archive.ts). */
  archiveEvents(opts: { dir: string; beforeIso: string; limit: number }): ArchiveBatch;
  ticket(id: string): Ticket | undefined;
  ticketsOfDay(businessDay: string): Ticket[];
  /** The tickets with this number on a business day (one, or none; several only across a changed prefix). */
  ticketsByNumber(businessDay: string, number: string): Ticket[];
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  staff(id: string): StaffRecord | undefined;
  listStaff(): StaffRecord[];
  upsertStaff(s: StaffRecord): void;
  /** Changes an account's name, roles, counters, PIN hash or active flag. */
  updateStaff(s: StaffRecord): void;
  createSession(s: SessionRecord): void;
  session(tokenHash: string): SessionRecord | undefined;
  setSessionCounter(tokenHash: string, counterId: string | null): void;
  deleteSession(tokenHash: string): void;
  deleteExpiredSessions(now: number): number;
  idempotentAnswer(key: string): IdempotentAnswer | undefined;
  deleteIdempotentBefore(time: number): number;
  /** Set once the database files changed under the service; writes are refused from then on. */
  storageProblem(): StorageProblem | undefined;
  /** Checks now that the database files are still the ones opened (a timer calls it). */
  checkStorage(): StorageProblem | undefined;
  /**
   * Copies the WAL into the database file if something was written and nothing for `idleMs`
   * (a timer calls it): checkpoints run between requests, not inside a commit. Returns whether it ran.
   */
  checkpointWhenIdle(idleMs: number): boolean;
  /**
   * Group commit (decision record 0002): the commits that follow `beginBatch` join one
   * transaction, each as a savepoint of its own, and `commitBatch` makes all of them durable
   * with one fsync.
   */
  beginBatch(): void;
  /** Whether a batch is open. SQLite ends one by itself when a write fails on a full disk or an I/O error. */
  inBatch(): boolean;
  commitBatch(): void;
  /** Rolls an open batch back and re-reads what the store keeps in memory (the event streams' heads). */
  abandonBatch(): void;
  close(): void;
}

/** Meta key of the highest sequence of a stream that head office has acknowledged. */
export function syncAckedKey(stream: StreamName): string {
  return `sync.acked.${stream}`;
}

// The rows as SQLite returns them, checked and turned into records (db/rows.ts).
const ticketRow = z.object({ id: z.string(), data: jsonColumn(ticketSchema) }).transform((r): Ticket => r.data);
const counterRow = z.object({ id: z.string(), data: jsonColumn(counterStateSchema) }).transform((r) => r.data);
const sequenceRow = z
  .object({ business_day: z.string(), service_code: z.string(), last_seq: z.number().int(), issued: z.number().int().nonnegative() })
  .transform((r): NumberSequence => ({ businessDay: r.business_day, serviceCode: r.service_code, lastSeq: r.last_seq, issued: r.issued }));
const staffRow = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: jsonColumn(z.array(staffRoleSchema)),
    counters: jsonColumn(z.array(z.string())),
    pin_hash: z.string(),
    active: flagColumn,
  })
  .transform(
    (r): StaffRecord => ({
      id: r.id,
      name: r.name,
      roles: r.roles,
      counters: r.counters,
      pinHash: r.pin_hash,
      active: r.active,
    }),
  );
const sessionRow = z
  .object({ token_hash: z.string(), staff_id: z.string(), counter_id: z.string().nullable(), created_at: z.number(), expires_at: z.number() })
  .transform((r): SessionRecord => ({ tokenHash: r.token_hash, staffId: r.staff_id, counterId: r.counter_id, createdAt: r.created_at, expiresAt: r.expires_at }));
const idempotencyRow = z
  .object({ key: z.string(), staff_id: z.string(), status: z.number().int(), body: z.string(), created_at: z.number() })
  .transform((r): IdempotentAnswer => ({ key: r.key, staffId: r.staff_id, status: r.status, body: r.body, createdAt: r.created_at }));
// An event row: its JSON data parsed, then the whole event checked by its type's schema. The
// branch id is not a column (one database, one branch): the query selects it as a parameter.
const eventRow = z.looseObject({ data: jsonColumn(z.unknown()) }).pipe(eventSchema);
const metaRow = z.object({ value: z.string() });
const dayRow = z.object({ day: z.string().nullable() });
const idRow = z.object({ id: z.number().int() });
const headRow = z.object({ stream: z.string(), seq: z.number().int() });
const maxSeqRow = z.object({ seq: z.number().int().nullable() });
const seqFloorRow = z.object({ key: z.string(), value: z.coerce.number().int() });

export interface BranchStoreOptions {
  /** Where a row that fails its schema is reported (logged) before the read throws. */
  reportRowError?: RowErrorReporter;
  /** The database files changed under the service: it has stopped taking writes (write-guard.ts). */
  onStorageHalt?(p: StorageProblem): void;
}

/** Every write goes through the guard: refused while the files are not the ones opened, or locked. */
function guarded(store: BranchStore, guard: WriteGuard): BranchStore {
  const w =
    <A extends unknown[], R>(f: (...args: A) => R, files: 'both' | 'before' | 'batched' = 'batched') =>
    (...args: A): R =>
      guard.write(() => f(...args), files);
  return {
    ...store,
    commit: w(store.commit),
    appendEvents: w(store.appendEvents),
    setMeta: w(store.setMeta),
    upsertStaff: w(store.upsertStaff),
    updateStaff: w(store.updateStaff),
    resequenceStream: w(store.resequenceStream),
    createSession: w(store.createSession),
    setSessionCounter: w(store.setSessionCounter),
    deleteSession: w(store.deleteSession),
    deleteExpiredSessions: w(store.deleteExpiredSessions),
    deleteIdempotentBefore: w(store.deleteIdempotentBefore),
    setSyncAcked: w(store.setSyncAcked),
    archiveEvents: w(store.archiveEvents),
    // A batch is begun and committed only while the files are the ones opened: the check runs
    // before BEGIN, and before and after COMMIT; the writes between rely on the COMMIT's check.
    beginBatch: w(store.beginBatch, 'before'),
    commitBatch: w(store.commitBatch, 'both'),
    storageProblem: () => guard.problem,
    checkStorage: () => guard.check(),
    checkpointWhenIdle: (idleMs) => guard.checkpointWhenIdle(idleMs),
  };
}

export function createBranchStore(db: Db, opts: BranchStoreOptions = {}): BranchStore {
  const rows = rowReader(opts.reportRowError);
  const guard = new WriteGuard(db, { onHalt: opts.onStorageHalt });
  const stmt = {
    // Today's tickets, and the latest earlier day's (whose unfinished tickets the engine then closes).
    ticketsOfDays: db.prepare('SELECT id, data FROM tickets WHERE business_day IN (?, ?)'),
    counters: db.prepare('SELECT id, data FROM counters'),
    sequences: db.prepare('SELECT * FROM number_sequences WHERE business_day = ?'),
    latestDay: db.prepare('SELECT MAX(business_day) AS day FROM number_sequences'),
    upsertTicket: db.prepare(
      `INSERT INTO tickets (id, business_day, service_code, seq, number, status, issued_at, data)
       VALUES (@id, @businessDay, @serviceCode, @seq, @number, @status, @issuedAt, @data)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data`,
    ),
    upsertCounter: db.prepare('INSERT INTO counters (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data'),
    upsertSeq: db.prepare(
      `INSERT INTO number_sequences (business_day, service_code, last_seq, issued) VALUES (?, ?, ?, ?)
       ON CONFLICT (business_day, service_code) DO UPDATE SET last_seq = excluded.last_seq, issued = excluded.issued`,
    ),
    insertEvent: db.prepare('INSERT INTO events (stream, seq, type, v, at, data) VALUES (?, ?, ?, ?, ?, ?)'),
    streamHeads: db.prepare('SELECT stream, MAX(seq) AS seq FROM events GROUP BY stream'),
    streamHead: db.prepare('SELECT MAX(seq) AS seq FROM events WHERE stream = ?'),
    seqFloors: db.prepare("SELECT key, value FROM meta WHERE key LIKE 'seq_floor.%'"),
    seqNegate: db.prepare('UPDATE events SET seq = -(seq + ?) WHERE stream = ? AND seq >= ?'),
    seqRestore: db.prepare('UPDATE events SET seq = -seq WHERE stream = ? AND seq < 0'),
    eventsAfter: db.prepare('SELECT id, stream, seq, type, v, at, data, ? AS branch FROM events WHERE id > ? ORDER BY id LIMIT ?'),
    eventsBetween: db.prepare('SELECT id, stream, seq, type, v, at, data, ? AS branch FROM events WHERE id > ? AND id <= ? ORDER BY id'),
    lastEventId: db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM events'),
    latestOfType: db.prepare('SELECT id FROM events WHERE type = ? ORDER BY id DESC LIMIT 1'),
    ticket: db.prepare('SELECT id, data FROM tickets WHERE id = ?'),
    ticketsOfDay: db.prepare('SELECT id, data FROM tickets WHERE business_day = ? ORDER BY issued_at'),
    // The day narrows the search through the (business_day, service_code, seq) index.
    ticketsByNumber: db.prepare('SELECT id, data FROM tickets WHERE business_day = ? AND number = ? ORDER BY issued_at'),
    getMeta: db.prepare('SELECT key, value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    staff: db.prepare('SELECT * FROM staff WHERE id = ?'),
    listStaff: db.prepare('SELECT * FROM staff ORDER BY id'),
    upsertStaff: db.prepare(
      `INSERT INTO staff (id, name, roles, counters, pin_hash, active) VALUES (@id, @name, @roles, @counters, @pinHash, @active)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, roles = excluded.roles, counters = excluded.counters,
         pin_hash = excluded.pin_hash, active = excluded.active, failed_attempts = 0, locked_until = 0`,
    ),
    updateStaff: db.prepare('UPDATE staff SET name = @name, roles = @roles, counters = @counters, pin_hash = @pinHash, active = @active WHERE id = @id'),
    createSession: db.prepare('INSERT INTO sessions (token_hash, staff_id, counter_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
    session: db.prepare('SELECT * FROM sessions WHERE token_hash = ?'),
    setSessionCounter: db.prepare('UPDATE sessions SET counter_id = ? WHERE token_hash = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
    deleteExpired: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    idem: db.prepare('SELECT * FROM idempotency WHERE key = ?'),
    putIdem: db.prepare('INSERT INTO idempotency (key, staff_id, status, body, created_at) VALUES (?, ?, ?, ?, ?)'),
    deleteIdem: db.prepare('DELETE FROM idempotency WHERE created_at < ?'),
  };

  const meta = (key: string): string | undefined => {
    const r = stmt.getMeta.get(key);
    return r === undefined ? undefined : rows.one(metaRow, 'meta', ['key'], r).value;
  };
  const latestDay = (): string | undefined => rows.one(dayRow, 'number_sequences', ['day'], stmt.latestDay.get()).day ?? undefined;

  // Per-stream heads live in memory and advance only after a commit succeeds (re-read when a
  // batch is abandoned).
  const heads = new Map<string, number>();
  const readHeads = () => {
    heads.clear();
    for (const r of rows.all(headRow, 'events', ['stream'], stmt.streamHeads.all())) heads.set(r.stream, r.seq);
    // A stream moved past head office's numbers (resequenceStream) continues from there even
    // before it has an event of its own beyond them.
    for (const r of rows.all(seqFloorRow, 'meta', ['key'], stmt.seqFloors.all())) {
      const stream = r.key.slice('seq_floor.'.length);
      heads.set(stream, Math.max(heads.get(stream) ?? 0, r.value));
    }
  };
  readHeads();
  const batch = { begin: db.prepare('BEGIN IMMEDIATE'), commit: db.prepare('COMMIT'), rollback: db.prepare('ROLLBACK') };

  /**
   * Writes events with their stream sequences. `check`: each event is checked against its schema
   * first and stored only as the schema has it. Appended events are checked: adapters build them
   * from what devices, card readers and the configuration say. The engine's outcomes are not
   * checked again at run time: the engine is typed code in this process, its outcomes are on the
   * hot path of every ticket and call (a check costs more than the rest of the decision), and
   * test/core/contract.test.ts proves every record and event it makes passes its schema
   * unchanged. Everything is checked again when read back.
   */
  function writeEvents(drafts: EventDraft[], branch: string, pending: Map<string, number>, check: boolean): BranchEvent[] {
    const out: BranchEvent[] = [];
    for (const raw of drafts) {
      let d = raw;
      if (check) {
        const checked = checkDraft(raw);
        if (!checked.ok) {
          const fields = describeIssues(checked.issues);
          throw new DomainError('EVENT_INVALID', `A ${raw.type} event does not match its schema, so nothing was saved: ${fields.join('; ')}.`, { type: raw.type, fields });
        }
        d = checked.draft;
      }
      const stream = streamOf(d.type);
      const seq = (pending.get(stream) ?? heads.get(stream) ?? 0) + 1;
      pending.set(stream, seq);
      const at = new Date(d.at).toISOString();
      const info = stmt.insertEvent.run(stream, seq, d.type, EVENT_VERSION, at, JSON.stringify(d.data));
      // A draft's type and data are paired by its schema; spreading them keeps the pairing.
      out.push({ ...d, id: Number(info.lastInsertRowid), stream, seq, v: EVENT_VERSION, at, branch });
    }
    return out;
  }

  const commitTx = db.transaction((outcome: Outcome, branch: string, idem: IdempotentAnswer | undefined, pending: Map<string, number>) => {
    for (const s of outcome.sequences) stmt.upsertSeq.run(s.businessDay, s.serviceCode, s.lastSeq, s.issued);
    for (const t of outcome.tickets) {
      stmt.upsertTicket.run({
        id: t.id,
        businessDay: t.businessDay,
        serviceCode: t.serviceCode,
        seq: t.seq,
        number: t.number,
        status: t.status,
        issuedAt: t.issuedAt,
        data: JSON.stringify(t),
      });
    }
    for (const c of outcome.counters) stmt.upsertCounter.run(c.id, JSON.stringify(c));
    const events = writeEvents(outcome.events, branch, pending, false);
    if (idem) stmt.putIdem.run(idem.key, idem.staffId, idem.status, idem.body, idem.createdAt);
    return events;
  });

  const appendTx = db.transaction((drafts: EventDraft[], branch: string, pending: Map<string, number>, alongside: (() => void) | undefined) => {
    alongside?.();
    return writeEvents(drafts, branch, pending, true);
  });

  function advance(pending: Map<string, number>) {
    for (const [k, v] of pending) heads.set(k, v);
  }

  const acked = (stream: StreamName): number => Number(meta(syncAckedKey(stream)) ?? 0);

  const store: BranchStore = {
    loadSnapshot(businessDay) {
      const tickets = rows.all(ticketRow, 'tickets', ['id'], stmt.ticketsOfDays.all(businessDay, latestDay() ?? businessDay));
      return {
        tickets: tickets.filter((t) => t.businessDay === businessDay || ACTIVE_STATUSES.includes(t.status)),
        counters: rows.all(counterRow, 'counters', ['id'], stmt.counters.all()),
        sequences: rows.all(sequenceRow, 'number_sequences', ['business_day', 'service_code'], stmt.sequences.all(businessDay)),
        businessDay,
      };
    },
    latestBusinessDay: latestDay,
    commit(outcome, branchId, idempotent) {
      const pending = new Map<string, number>();
      const events = commitTx(outcome, branchId, idempotent, pending);
      advance(pending);
      return events;
    },
    appendEvents(drafts, branchId, alongside) {
      if (drafts.length === 0 && !alongside) return [];
      const pending = new Map<string, number>();
      const events = appendTx(drafts, branchId, pending, alongside);
      advance(pending);
      return events;
    },
    resequenceStream(stream, fromSeq, newFromSeq) {
      const shift = newFromSeq - fromSeq;
      if (shift <= 0) throw new DomainError('RESEQUENCE_BACKWARDS', `Events can only be moved forward in their stream (${fromSeq} → ${newFromSeq}).`, { stream, fromSeq, newFromSeq });
      const moved = db.transaction(() => {
        // Through negative numbers, so the unique (stream, seq) index never sees two rows at once.
        const n = stmt.seqNegate.run(shift, stream, fromSeq).changes;
        stmt.seqRestore.run(stream);
        stmt.setMeta.run(`seq_floor.${stream}`, String(newFromSeq - 1));
        return n;
      })();
      const head = rows.one(maxSeqRow, 'events', ['stream'], stmt.streamHead.get(stream)).seq;
      heads.set(stream, Math.max(head ?? 0, newFromSeq - 1));
      return moved;
    },
    eventsAfter: (afterId, limit) => rows.all(eventRow, 'events', ['id'], stmt.eventsAfter.all(meta('branch_id') ?? '', afterId, limit)),
    eventsBetween: (afterId, uptoId) => rows.all(eventRow, 'events', ['id'], stmt.eventsBetween.all(meta('branch_id') ?? '', afterId, uptoId)),
    lastEventId: () => rows.one(idRow, 'events', ['id'], stmt.lastEventId.get()).id,
    latestEventIdOfType(type) {
      const r = stmt.latestOfType.get(type);
      return r === undefined ? undefined : rows.one(idRow, 'events', ['id'], r).id;
    },
    syncAcked: acked,
    setSyncAcked(stream, seq) {
      if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`acknowledged sequence must be a whole number, not ${seq}`);
      // Acknowledgements only move forward: a late, older answer from HQ must not undo a newer one.
      if (seq > acked(stream)) stmt.setMeta.run(syncAckedKey(stream), String(seq));
    },
    archiveEvents: (o) => archiveEventBatch(db, { ...o, branchId: meta('branch_id') ?? '', acked, rows }),
    ticket(id) {
      const r = stmt.ticket.get(id);
      return r === undefined ? undefined : rows.one(ticketRow, 'tickets', ['id'], r);
    },
    ticketsOfDay: (day) => rows.all(ticketRow, 'tickets', ['id'], stmt.ticketsOfDay.all(day)),
    ticketsByNumber: (day, number) => rows.all(ticketRow, 'tickets', ['id'], stmt.ticketsByNumber.all(day, number)),
    getMeta: meta,
    setMeta: (key, value) => void stmt.setMeta.run(key, value),
    staff(id) {
      const r = stmt.staff.get(id);
      return r === undefined ? undefined : rows.one(staffRow, 'staff', ['id'], r);
    },
    listStaff: () => rows.all(staffRow, 'staff', ['id'], stmt.listStaff.all()),
    upsertStaff(s) {
      stmt.upsertStaff.run({ id: s.id, name: s.name, roles: JSON.stringify(s.roles), counters: JSON.stringify(s.counters), pinHash: s.pinHash, active: s.active ? 1 : 0 });
    },
    updateStaff(s) {
      stmt.updateStaff.run({ id: s.id, name: s.name, roles: JSON.stringify(s.roles), counters: JSON.stringify(s.counters), pinHash: s.pinHash, active: s.active ? 1 : 0 });
    },
    createSession: (s) => void stmt.createSession.run(s.tokenHash, s.staffId, s.counterId, s.createdAt, s.expiresAt),
    session(tokenHash) {
      const r = stmt.session.get(tokenHash);
      // Named by its staff member: the key column is a token's hash, which is not for logs.
      return r === undefined ? undefined : rows.one(sessionRow, 'sessions', ['staff_id'], r);
    },
    setSessionCounter: (tokenHash, counterId) => void stmt.setSessionCounter.run(counterId, tokenHash),
    deleteSession: (tokenHash) => void stmt.deleteSession.run(tokenHash),
    deleteExpiredSessions: (now) => stmt.deleteExpired.run(now).changes,
    idempotentAnswer(key) {
      const r = stmt.idem.get(key);
      return r === undefined ? undefined : rows.one(idempotencyRow, 'idempotency', ['key'], r);
    },
    deleteIdempotentBefore: (time) => stmt.deleteIdem.run(time).changes,
    storageProblem: () => undefined,
    checkStorage: () => undefined,
    checkpointWhenIdle: () => false,
    beginBatch: () => void batch.begin.run(),
    inBatch: () => db.inTransaction,
    commitBatch: () => void batch.commit.run(),
    abandonBatch() {
      if (db.inTransaction) batch.rollback.run();
      readHeads();
    },
    close: () => db.close(),
  };
  return guarded(store, guard);
}

/**
 * Every database call of the branch service goes through this one typed interface.
 * A state change and its events are written in one transaction (`commit`), so the log,
 * which doubles as head office's outbox, never disagrees with the tickets.
 */
import type { Outcome, EngineSnapshot } from '../core/engine.js';
import { EVENT_VERSION, streamOf, type BranchEvent, type EventDraft, type StreamName } from '../core/events.js';
import { ACTIVE_STATUSES, type CounterState, type NumberSequence, type StaffRole, type Ticket } from '../core/types.js';
import { archiveEventBatch, type ArchiveBatch } from './event-archive.js';
import type { Db } from './open-database.js';
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
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  staff(id: string): StaffRecord | undefined;
  listStaff(): StaffRecord[];
  upsertStaff(s: StaffRecord): void;
  createSession(s: SessionRecord): void;
  session(tokenHash: string): SessionRecord | undefined;
  setSessionCounter(tokenHash: string, counterId: string | null): void;
  deleteSession(tokenHash: string): void;
  deleteExpiredSessions(now: number): number;
  idempotentAnswer(key: string): IdempotentAnswer | undefined;
  /** Set once the database files changed under the service; writes are refused from then on. */
  storageProblem(): StorageProblem | undefined;
  /** Checks now that the database files are still the ones opened (a timer calls it). */
  checkStorage(): StorageProblem | undefined;
  deleteIdempotentBefore(time: number): number;
  close(): void;
}

type Row = Record<string, unknown>;

/** Meta key of the highest sequence of a stream that head office has acknowledged. */
export function syncAckedKey(stream: StreamName): string {
  return `sync.acked.${stream}`;
}

function toStaff(r: Row): StaffRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    roles: JSON.parse(r.roles as string) as StaffRole[],
    counters: JSON.parse(r.counters as string) as string[],
    pinHash: r.pin_hash as string,
    active: r.active === 1,
  };
}

function toEvent(r: Row, branch: string): BranchEvent {
  return {
    id: r.id as number,
    stream: r.stream as StreamName,
    seq: r.seq as number,
    type: r.type,
    v: r.v as number,
    at: r.at as string,
    branch,
    data: JSON.parse(r.data as string),
  } as BranchEvent;
}

export interface BranchStoreOptions {
  /** The database files changed under the service: it has stopped taking writes (write-guard.ts). */
  onStorageHalt?(p: StorageProblem): void;
}

/** Every write goes through the guard: refused while the files are not the ones opened, or locked. */
function guarded(store: BranchStore, guard: WriteGuard): BranchStore {
  const w =
    <A extends unknown[], R>(f: (...args: A) => R) =>
    (...args: A): R =>
      guard.write(() => f(...args));
  return {
    ...store,
    commit: w(store.commit),
    appendEvents: w(store.appendEvents),
    setMeta: w(store.setMeta),
    upsertStaff: w(store.upsertStaff),
    createSession: w(store.createSession),
    setSessionCounter: w(store.setSessionCounter),
    deleteSession: w(store.deleteSession),
    deleteExpiredSessions: w(store.deleteExpiredSessions),
    deleteIdempotentBefore: w(store.deleteIdempotentBefore),
    setSyncAcked: w(store.setSyncAcked),
    archiveEvents: w(store.archiveEvents),
    storageProblem: () => guard.problem,
    checkStorage: () => guard.check(),
  };
}

export function createBranchStore(db: Db, opts: BranchStoreOptions = {}): BranchStore {
  const guard = new WriteGuard(db, { onHalt: opts.onStorageHalt });
  const stmt = {
    // Today's tickets, and the latest earlier day's (whose unfinished tickets the engine then closes).
    ticketsOfDays: db.prepare('SELECT data FROM tickets WHERE business_day IN (?, ?)'),
    counters: db.prepare('SELECT data FROM counters'),
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
    eventsAfter: db.prepare('SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?'),
    eventsBetween: db.prepare('SELECT * FROM events WHERE id > ? AND id <= ? ORDER BY id'),
    lastEventId: db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM events'),
    latestOfType: db.prepare('SELECT id FROM events WHERE type = ? ORDER BY id DESC LIMIT 1'),
    ticket: db.prepare('SELECT data FROM tickets WHERE id = ?'),
    ticketsOfDay: db.prepare('SELECT data FROM tickets WHERE business_day = ? ORDER BY issued_at'),
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    staff: db.prepare('SELECT * FROM staff WHERE id = ?'),
    listStaff: db.prepare('SELECT * FROM staff ORDER BY id'),
    upsertStaff: db.prepare(
      `INSERT INTO staff (id, name, roles, counters, pin_hash, active) VALUES (@id, @name, @roles, @counters, @pinHash, @active)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, roles = excluded.roles, counters = excluded.counters,
         pin_hash = excluded.pin_hash, active = excluded.active, failed_attempts = 0, locked_until = 0`,
    ),
    createSession: db.prepare('INSERT INTO sessions (token_hash, staff_id, counter_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
    session: db.prepare('SELECT * FROM sessions WHERE token_hash = ?'),
    setSessionCounter: db.prepare('UPDATE sessions SET counter_id = ? WHERE token_hash = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
    deleteExpired: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    idem: db.prepare('SELECT * FROM idempotency WHERE key = ?'),
    putIdem: db.prepare('INSERT INTO idempotency (key, staff_id, status, body, created_at) VALUES (?, ?, ?, ?, ?)'),
    deleteIdem: db.prepare('DELETE FROM idempotency WHERE created_at < ?'),
  };

  // Per-stream heads live in memory and advance only after a commit succeeds.
  const heads = new Map<string, number>();
  for (const r of stmt.streamHeads.all() as Row[]) heads.set(r.stream as string, r.seq as number);

  function writeEvents(drafts: EventDraft[], branch: string, pending: Map<string, number>): BranchEvent[] {
    const out: BranchEvent[] = [];
    for (const d of drafts) {
      const stream = streamOf(d.type);
      const seq = (pending.get(stream) ?? heads.get(stream) ?? 0) + 1;
      pending.set(stream, seq);
      const at = new Date(d.at).toISOString();
      const info = stmt.insertEvent.run(stream, seq, d.type, EVENT_VERSION, at, JSON.stringify(d.data));
      out.push({ id: Number(info.lastInsertRowid), stream, seq, type: d.type, v: EVENT_VERSION, at, branch, data: d.data } as BranchEvent);
    }
    return out;
  }

  const commitTx = db.transaction((outcome: Outcome, branch: string, idem: IdempotentAnswer | undefined, pending: Map<string, number>) => {
    for (const s of outcome.sequences as NumberSequence[]) stmt.upsertSeq.run(s.businessDay, s.serviceCode, s.lastSeq, s.issued);
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
    for (const c of outcome.counters as CounterState[]) stmt.upsertCounter.run(c.id, JSON.stringify(c));
    const events = writeEvents(outcome.events, branch, pending);
    if (idem) stmt.putIdem.run(idem.key, idem.staffId, idem.status, idem.body, idem.createdAt);
    return events;
  });

  const appendTx = db.transaction((drafts: EventDraft[], branch: string, pending: Map<string, number>, alongside: (() => void) | undefined) => {
    alongside?.();
    return writeEvents(drafts, branch, pending);
  });

  function advance(pending: Map<string, number>) {
    for (const [k, v] of pending) heads.set(k, v);
  }

  const store: BranchStore = {
    loadSnapshot(businessDay) {
      return {
        tickets: (stmt.ticketsOfDays.all(businessDay, ((stmt.latestDay.get() as Row).day as string | null) ?? businessDay) as Row[])
          .map((r) => JSON.parse(r.data as string) as Ticket)
          .filter((t) => t.businessDay === businessDay || ACTIVE_STATUSES.includes(t.status)),
        counters: (stmt.counters.all() as Row[]).map((r) => JSON.parse(r.data as string) as CounterState),
        sequences: (stmt.sequences.all(businessDay) as Row[]).map((r) => ({
          businessDay: r.business_day as string,
          serviceCode: r.service_code as string,
          lastSeq: r.last_seq as number,
          issued: r.issued as number,
        })),
        businessDay,
      };
    },
    latestBusinessDay: () => ((stmt.latestDay.get() as Row).day as string | null) ?? undefined,
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
    eventsAfter(afterId, limit) {
      const branch = (stmt.getMeta.get('branch_id') as Row | undefined)?.value as string | undefined;
      return (stmt.eventsAfter.all(afterId, limit) as Row[]).map((r) => toEvent(r, branch ?? ''));
    },
    eventsBetween(afterId, uptoId) {
      const branch = (stmt.getMeta.get('branch_id') as Row | undefined)?.value as string | undefined;
      return (stmt.eventsBetween.all(afterId, uptoId) as Row[]).map((r) => toEvent(r, branch ?? ''));
    },
    lastEventId: () => (stmt.lastEventId.get() as Row).id as number,
    latestEventIdOfType: (type) => (stmt.latestOfType.get(type) as Row | undefined)?.id as number | undefined,
    syncAcked: (stream) => Number((stmt.getMeta.get(syncAckedKey(stream)) as Row | undefined)?.value ?? 0),
    setSyncAcked(stream, seq) {
      if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`acknowledged sequence must be a whole number, not ${seq}`);
      // Acknowledgements only move forward: a late, older answer from HQ must not undo a newer one.
      if (seq > Number((stmt.getMeta.get(syncAckedKey(stream)) as Row | undefined)?.value ?? 0)) stmt.setMeta.run(syncAckedKey(stream), String(seq));
    },
    archiveEvents(opts) {
      const branchId = ((stmt.getMeta.get('branch_id') as Row | undefined)?.value as string | undefined) ?? '';
      return archiveEventBatch(db, { ...opts, branchId, acked: (stream) => Number((stmt.getMeta.get(syncAckedKey(stream)) as Row | undefined)?.value ?? 0) });
    },
    ticket(id) {
      const r = stmt.ticket.get(id) as Row | undefined;
      return r ? (JSON.parse(r.data as string) as Ticket) : undefined;
    },
    ticketsOfDay: (day) => (stmt.ticketsOfDay.all(day) as Row[]).map((r) => JSON.parse(r.data as string) as Ticket),
    getMeta: (key) => (stmt.getMeta.get(key) as Row | undefined)?.value as string | undefined,
    setMeta: (key, value) => void stmt.setMeta.run(key, value),
    staff(id) {
      const r = stmt.staff.get(id) as Row | undefined;
      return r ? toStaff(r) : undefined;
    },
    listStaff: () => (stmt.listStaff.all() as Row[]).map(toStaff),
    upsertStaff(s) {
      stmt.upsertStaff.run({ id: s.id, name: s.name, roles: JSON.stringify(s.roles), counters: JSON.stringify(s.counters), pinHash: s.pinHash, active: s.active ? 1 : 0 });
    },
    createSession: (s) => void stmt.createSession.run(s.tokenHash, s.staffId, s.counterId, s.createdAt, s.expiresAt),
    session(tokenHash) {
      const r = stmt.session.get(tokenHash) as Row | undefined;
      if (!r) return undefined;
      return {
        tokenHash: r.token_hash as string,
        staffId: r.staff_id as string,
        counterId: (r.counter_id as string | null) ?? null,
        createdAt: r.created_at as number,
        expiresAt: r.expires_at as number,
      };
    },
    setSessionCounter: (tokenHash, counterId) => void stmt.setSessionCounter.run(counterId, tokenHash),
    deleteSession: (tokenHash) => void stmt.deleteSession.run(tokenHash),
    deleteExpiredSessions: (now) => stmt.deleteExpired.run(now).changes,
    idempotentAnswer(key) {
      const r = stmt.idem.get(key) as Row | undefined;
      if (!r) return undefined;
      return { key: r.key as string, staffId: r.staff_id as string, status: r.status as number, body: r.body as string, createdAt: r.created_at as number };
    },
    deleteIdempotentBefore: (time) => stmt.deleteIdem.run(time).changes,
    close: () => db.close(),
    storageProblem: () => undefined,
    checkStorage: () => undefined,
  };
  return guarded(store, guard);
}

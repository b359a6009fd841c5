/**
 * Every query head office runs, typed, on either database. Rows read back are checked with zod
 * before anything else sees them. Writes that belong together (an event batch, its tickets and
 * its stream head; an enrollment and its credential) run in one transaction.
 */
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import { ticketStatusSchema } from '../../core/types.js';
import { newCredential, newEnrollmentCode, newOperatorToken, normalizeEnrollmentCode, secretHash } from '../secrets.js';
import { EVENT_COLUMNS, eventAt, releaseBatch, rowsFrom, type EncodedBatch } from './event-rows.js';
import type { SqlDatabase } from './sql.js';

const num = z.coerce.number();
const time = z.coerce.date();
const optTime = time.nullable();

const branchRow = z.object({
  id: z.string(),
  region: z.string(),
  created_at: time,
  profile: z.unknown().nullable(),
  live: z.unknown().nullable(),
  live_at: optTime,
  last_sync_at: optTime,
  config_applied: num.nullable(),
  config_report: z.unknown().nullable(),
});
export type BranchRow = z.infer<typeof branchRow>;

const headRow = z.object({ stream: z.string(), head: num, updated_at: time });
const storedEventRow = z.object({ seq: num, type: z.string(), v: num, at: time, data: z.unknown() });
const snapshotRow = z.object({
  branch: z.string(),
  version: num,
  created_at: time,
  created_by: z.string(),
  body: z.unknown(),
  status: z.string(),
  reported_at: optTime,
  problems: z.unknown().nullable(),
});
export type SnapshotRow = z.infer<typeof snapshotRow>;
const alarmRow = z.object({ id: num, branch: z.string(), kind: z.string(), detail: z.unknown(), raised_at: time, acknowledged_at: optTime });
export type AlarmRow = z.infer<typeof alarmRow>;

export const ticketFactRow = z.object({
  branch: z.string(),
  id: z.string(),
  businessDay: z.string(),
  serviceCode: z.string(),
  segment: z.string(),
  status: ticketStatusSchema,
  issuedAt: num,
  calledAt: num.nullable(),
  startedAt: num.nullable(),
  endedAt: num.nullable(),
  counterId: z.string().nullable(),
  staffId: z.string().nullable(),
  rejoins: num,
  transferredFrom: z.string().nullable(),
  estMin: num.nullable(),
  estMax: num.nullable(),
});
export type HqTicketFact = z.infer<typeof ticketFactRow>;

function rows<T>(schema: z.ZodType<T>, list: Record<string, unknown>[], what: string): T[] {
  return list.map((r) => {
    const p = schema.safeParse(r);
    if (!p.success) throw new DomainError('HQ_ROW_INVALID', `A ${what} row read back from the head-office database is malformed: ${p.error.issues[0]?.message ?? ''}`);
    return p.data;
  });
}

export type IngestResult =
  | { kind: 'ok'; ackSeq: number; inserted: number; duplicates: number }
  | { kind: 'gap'; ackSeq: number; expectedSeq: number }
  | { kind: 'conflict'; ackSeq: number; conflictSeq: number };

export type CredentialCheck = { kind: 'ok'; branch: string } | { kind: 'revoked'; branch: string } | { kind: 'unknown' };

/** Order-insensitive JSON, so a replayed event compares equal to the stored one (rows stored as jsonb, before migration 3, came back with their keys reordered). */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** "Last sync" is shown to the second: a busy branch's row is rewritten once a second at most, not once a batch (each rewrite leaves a dead row and holds the row's lock). */
const TOUCH_LAST_SYNC = "UPDATE branches SET last_sync_at = now() WHERE id = $1 AND (last_sync_at IS NULL OR last_sync_at < now() - interval '1 second')";

/**
 * After the COPY, in one statement (one round trip, so the batch holds its connection and lock
 * for less): each ticket the batch touched in its latest state (event-rows.ts says why the whole
 * batch's rows are right), the stream's new head, and the branch's last sync.
 */
const FINISH_BATCH = `
  WITH ticket_rows AS (
    INSERT INTO tickets (branch, id, business_day, number, service_code, segment, status, issued_at, called_at, started_at, ended_at,
                         counter_id, staff_id, rejoins, transferred_from, est_min, est_max, seq)
    SELECT $1, u.* FROM json_to_recordset($4::json) AS u(id text, business_day text, number text, service_code text, segment text, status text,
      issued_at bigint, called_at bigint, started_at bigint, ended_at bigint, counter_id text, staff_id text, rejoins int, transferred_from text,
      est_min real, est_max real, seq bigint)
    ON CONFLICT (business_day, branch, id) DO UPDATE SET status = excluded.status, called_at = excluded.called_at, started_at = excluded.started_at,
      ended_at = excluded.ended_at, counter_id = excluded.counter_id, staff_id = excluded.staff_id, rejoins = excluded.rejoins,
      segment = excluded.segment, seq = excluded.seq
    WHERE tickets.seq < excluded.seq
  ), stream_head AS (
    UPDATE streams SET head = $3, updated_at = now() WHERE branch = $1 AND stream = $2
  )
  ${TOUCH_LAST_SYNC}`;

export function createHqStore(db: SqlDatabase) {
  const credentialCache = new Map<string, { check: CredentialCheck; until: number }>();
  const CACHE_MS = 5_000;

  /** One batch in one transaction (ingest below says what it does). */
  function storeBatch(branch: string, batch: EncodedBatch): Promise<IngestResult> {
    const { stream, first, last } = batch;
    return db.transaction(async (tx) => {
      // A stream that has a row is locked without writing it (FOR UPDATE leaves no dead row);
      // its first batch makes the row, and a second first batch racing it waits on the insert.
      let h = await tx.query('SELECT head FROM streams WHERE branch = $1 AND stream = $2 FOR UPDATE', [branch, stream], 'hq_ingest_lock');
      if (h.length === 0) {
        h = await tx.query(
          `INSERT INTO streams (branch, stream) VALUES ($1, $2)
           ON CONFLICT (branch, stream) DO UPDATE SET head = streams.head RETURNING head`,
          [branch, stream],
        );
      }
      const head = num.parse(h[0]?.head);
      if (first > head + 1) return { kind: 'gap', ackSeq: head, expectedSeq: head + 1 };
      let duplicates = 0;
      if (first <= head) {
        const upTo = Math.min(last, head);
        const held = rows(storedEventRow, await tx.query('SELECT seq, type, v, at, data FROM events WHERE branch = $1 AND stream = $2 AND seq BETWEEN $3 AND $4', [branch, stream, first, upTo]), 'event');
        const bySeq = new Map(held.map((r) => [r.seq, r]));
        for (let seq = first; seq <= upTo; seq++) {
          const r = bySeq.get(seq);
          const e = eventAt(batch, seq);
          // A held event that differs: the branch's log is not the one HQ has (restored from a backup).
          if (!r || r.type !== e.type || r.at.getTime() !== Date.parse(e.at) || canonical(r.data) !== canonical(e.data)) {
            return { kind: 'conflict', ackSeq: head, conflictSeq: seq };
          }
          duplicates++;
        }
      }
      const inserted = last > head ? last - Math.max(head, first - 1) : 0;
      if (inserted > 0) {
        await tx.copyRows('events', EVENT_COLUMNS, [rowsFrom(batch, Math.max(head + 1, first))]);
        await tx.query(FINISH_BATCH, [branch, stream, last, batch.tickets ?? '[]'], 'hq_ingest_finish');
      } else {
        await tx.query(TOUCH_LAST_SYNC, [branch], 'hq_ingest_last_sync');
      }
      return { kind: 'ok', ackSeq: Math.max(head, last), inserted, duplicates };
    });
  }

  const store = {
    db,

    // ------------------------------------------------------------------ ingest

    /**
     * Stores one batch of one branch stream, all or nothing, written as encodeBatch left it. The
     * stream's row is locked first, so two uploads of the same stream run one after the other
     * and the head decides what is new: events at or below it are compared with the held ones
     * (a replay), the rest are written with one COPY (every row is new under the lock; the
     * unique index still refuses a duplicate, failing the whole transaction).
     */
    async ingest(branch: string, batch: EncodedBatch): Promise<IngestResult> {
      const result = await storeBatch(branch, batch);
      releaseBatch(batch);
      return result;
    },

    async streamHeads(branch: string): Promise<{ stream: string; head: number; updatedAt: Date }[]> {
      const list = rows(headRow, await db.query('SELECT stream, head, updated_at FROM streams WHERE branch = $1 ORDER BY stream', [branch]), 'stream');
      return list.map((r) => ({ stream: r.stream, head: r.head, updatedAt: r.updated_at }));
    },

    async eventCount(branch: string, from?: number, to?: number): Promise<number> {
      const r =
        from === undefined
          ? await db.query('SELECT count(*)::bigint AS n FROM events WHERE branch = $1', [branch])
          : await db.query('SELECT count(*)::bigint AS n FROM events WHERE branch = $1 AND at >= $2 AND at < $3', [branch, new Date(from), new Date(to!)]);
      return num.parse(r[0]?.n ?? 0);
    },

    /** Events of a stream in order (operators' audit, tests). */
    async events(branch: string, stream: string, afterSeq = 0, limit = 1000) {
      return rows(storedEventRow, await db.query('SELECT seq, type, v, at, data FROM events WHERE branch = $1 AND stream = $2 AND seq > $3 ORDER BY seq LIMIT $4', [branch, stream, afterSeq, limit]), 'event');
    },

    // ------------------------------------------------------------------ branches

    async branch(id: string): Promise<BranchRow | undefined> {
      return rows(branchRow, await db.query('SELECT * FROM branches WHERE id = $1', [id]), 'branch')[0];
    },

    async branches(): Promise<BranchRow[]> {
      return rows(branchRow, await db.query('SELECT * FROM branches ORDER BY region, id'), 'branch');
    },

    async putLive(branch: string, live: unknown, profile: unknown, tickets: { id: string; view: unknown }[], expiresAt: Date): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.query('UPDATE branches SET live = $2, live_at = now(), profile = $3 WHERE id = $1', [branch, JSON.stringify(live), JSON.stringify(profile)]);
        if (tickets.length > 0) {
          await tx.query(
            `INSERT INTO live_tickets (id, branch, expires_at, view)
             SELECT u.id, $1, $2, u.view FROM unnest($3::text[], $4::jsonb[]) AS u(id, view)
             ON CONFLICT (id) DO UPDATE SET view = excluded.view, expires_at = excluded.expires_at WHERE live_tickets.branch = excluded.branch`,
            [branch, expiresAt, tickets.map((t) => t.id), tickets.map((t) => JSON.stringify(t.view))],
          );
        }
      });
    },

    async liveTicket(id: string): Promise<{ branch: string; expiresAt: Date; view: unknown } | undefined> {
      const r = rows(z.object({ branch: z.string(), expires_at: time, view: z.unknown() }), await db.query('SELECT branch, expires_at, view FROM live_tickets WHERE id = $1', [id]), 'live ticket')[0];
      return r ? { branch: r.branch, expiresAt: r.expires_at, view: r.view } : undefined;
    },

    async purgeLiveTickets(before: Date): Promise<number> {
      const r = await db.query('WITH d AS (DELETE FROM live_tickets WHERE expires_at < $1 RETURNING 1) SELECT count(*)::bigint AS n FROM d', [before]);
      return num.parse(r[0]?.n ?? 0);
    },

    async setRegion(branch: string, region: string): Promise<void> {
      await db.query('UPDATE branches SET region = $2 WHERE id = $1', [branch, region]);
    },

    // ------------------------------------------------------------------ identity

    async createEnrollmentCode(branch: string, region: string, ttlHours: number): Promise<{ code: string; expiresAt: Date }> {
      const code = newEnrollmentCode();
      const expiresAt = new Date(Date.now() + ttlHours * 3_600_000);
      await db.query('INSERT INTO enrollment_codes (code_hash, branch, region, expires_at) VALUES ($1, $2, $3, $4)', [secretHash(normalizeEnrollmentCode(code)), branch, region, expiresAt]);
      return { code, expiresAt };
    },

    /**
     * Exchanges a one-time code for a branch credential. The same installation may retry after
     * a lost answer (it gets a fresh credential; the one it never received is revoked).
     */
    async redeemEnrollment(code: string, installId: string, branchClaim: string): Promise<{ branch: string; credential: string }> {
      const codeHash = secretHash(normalizeEnrollmentCode(code));
      const out = await db.transaction(async (tx) => {
        const r = rows(
          z.object({ branch: z.string(), region: z.string(), expires_at: time, used_at: optTime, used_by: z.string().nullable() }),
          await tx.query('SELECT branch, region, expires_at, used_at, used_by FROM enrollment_codes WHERE code_hash = $1 FOR UPDATE', [codeHash]),
          'enrollment code',
        )[0];
        if (!r) return new DomainError('ENROLL_CODE_UNKNOWN', 'This enrollment code is not known to head office. Check it, or ask for a new one (npm run hq -- enroll).');
        if (r.used_at && r.used_by !== installId) return new DomainError('ENROLL_CODE_USED', 'This enrollment code has been used already; each code works once. Ask head office for a new one.');
        if (r.expires_at.getTime() < Date.now()) return new DomainError('ENROLL_CODE_EXPIRED', `This enrollment code expired at ${r.expires_at.toISOString()}. Ask head office for a new one.`);
        if (r.branch !== branchClaim) {
          return new DomainError('ENROLL_BRANCH_MISMATCH', `This code was made for branch "${r.branch}", but this branch's configuration says it is "${branchClaim}".`);
        }
        await tx.query('INSERT INTO branches (id, region) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET region = CASE WHEN excluded.region = \'\' THEN branches.region ELSE excluded.region END', [r.branch, r.region]);
        // One live credential per branch: a new enrollment (new machine, lost answer) retires older ones.
        await tx.query('UPDATE credentials SET revoked_at = now() WHERE branch = $1 AND revoked_at IS NULL', [r.branch]);
        const credential = newCredential();
        await tx.query('INSERT INTO credentials (token_hash, branch, enrollment) VALUES ($1, $2, $3)', [secretHash(credential), r.branch, codeHash]);
        await tx.query('UPDATE enrollment_codes SET used_at = now(), used_by = $2 WHERE code_hash = $1', [codeHash, installId]);
        return { branch: r.branch, credential };
      });
      if (out instanceof DomainError) throw out;
      credentialCache.clear();
      return out;
    },

    async checkCredential(credential: string): Promise<CredentialCheck> {
      const hash = secretHash(credential);
      const hit = credentialCache.get(hash);
      if (hit && hit.until > Date.now()) return hit.check;
      const r = rows(z.object({ branch: z.string(), revoked_at: optTime }), await db.query('SELECT branch, revoked_at FROM credentials WHERE token_hash = $1', [hash]), 'credential')[0];
      const check: CredentialCheck = !r ? { kind: 'unknown' } : r.revoked_at ? { kind: 'revoked', branch: r.branch } : { kind: 'ok', branch: r.branch };
      if (credentialCache.size > 10_000) credentialCache.clear();
      credentialCache.set(hash, { check, until: Date.now() + CACHE_MS });
      return check;
    },

    async revokeBranch(branch: string): Promise<number> {
      const r = await db.query('WITH u AS (UPDATE credentials SET revoked_at = now() WHERE branch = $1 AND revoked_at IS NULL RETURNING 1) SELECT count(*)::bigint AS n FROM u', [branch]);
      credentialCache.clear();
      return num.parse(r[0]?.n ?? 0);
    },

    async createOperatorToken(label: string): Promise<string> {
      const token = newOperatorToken();
      await db.query('INSERT INTO operator_tokens (token_hash, label) VALUES ($1, $2)', [secretHash(token), label]);
      return token;
    },

    async operator(token: string): Promise<{ label: string } | undefined> {
      const r = rows(z.object({ label: z.string(), revoked_at: optTime }), await db.query('SELECT label, revoked_at FROM operator_tokens WHERE token_hash = $1', [secretHash(token)]), 'operator token')[0];
      return r && !r.revoked_at ? { label: r.label } : undefined;
    },

    // ------------------------------------------------------------------ configuration

    async publishConfig(branch: string, body: unknown, createdBy: string): Promise<number> {
      return db.transaction(async (tx) => {
        // The branch row is the lock: two publishes for one branch get consecutive versions.
        const b = await tx.query('SELECT id FROM branches WHERE id = $1 FOR UPDATE', [branch]);
        if (b.length === 0) throw new DomainError('UNKNOWN_BRANCH', `There is no branch "${branch}" at head office; enroll it first.`);
        const r = await tx.query('SELECT COALESCE(MAX(version), 0) AS v FROM config_snapshots WHERE branch = $1', [branch]);
        const version = num.parse(r[0]?.v ?? 0) + 1;
        await tx.query('INSERT INTO config_snapshots (branch, version, created_by, body) VALUES ($1, $2, $3, $4)', [branch, version, createdBy, JSON.stringify(body)]);
        return version;
      });
    },

    async latestConfig(branch: string): Promise<SnapshotRow | undefined> {
      return rows(snapshotRow, await db.query('SELECT * FROM config_snapshots WHERE branch = $1 ORDER BY version DESC LIMIT 1', [branch]), 'configuration')[0];
    },

    async configHistory(branch: string, limit = 50): Promise<SnapshotRow[]> {
      return rows(snapshotRow, await db.query('SELECT * FROM config_snapshots WHERE branch = $1 ORDER BY version DESC LIMIT $2', [branch, limit]), 'configuration');
    },

    async reportConfig(branch: string, version: number, status: 'applied' | 'refused', problems: string[]): Promise<boolean> {
      return db.transaction(async (tx) => {
        const r = await tx.query(
          `UPDATE config_snapshots SET status = $3, reported_at = now(), problems = $4 WHERE branch = $1 AND version = $2 RETURNING version`,
          [branch, version, status, JSON.stringify(problems)],
        );
        if (r.length === 0) return false;
        if (status === 'applied') await tx.query('UPDATE branches SET config_applied = $2, config_report = $3 WHERE id = $1', [branch, version, JSON.stringify({ version, status, problems, at: new Date().toISOString() })]);
        else await tx.query('UPDATE branches SET config_report = $2 WHERE id = $1', [branch, JSON.stringify({ version, status, problems, at: new Date().toISOString() })]);
        return true;
      });
    },

    // ------------------------------------------------------------------ alarms

    async raiseAlarm(branch: string, kind: string, detail: unknown): Promise<void> {
      await db.query('INSERT INTO alarms (branch, kind, detail) VALUES ($1, $2, $3)', [branch, kind, JSON.stringify(detail)]);
    },

    async alarms(branch?: string): Promise<AlarmRow[]> {
      const list = branch
        ? await db.query('SELECT * FROM alarms WHERE branch = $1 ORDER BY raised_at DESC LIMIT 100', [branch])
        : await db.query('SELECT * FROM alarms WHERE acknowledged_at IS NULL ORDER BY raised_at DESC LIMIT 500');
      return rows(alarmRow, list, 'alarm');
    },

    // ------------------------------------------------------------------ reports

    async ticketFacts(fromDay: string, toDay: string, branch?: string): Promise<HqTicketFact[]> {
      const cols = `branch, id, business_day AS "businessDay", service_code AS "serviceCode", segment, status, issued_at AS "issuedAt",
        called_at AS "calledAt", started_at AS "startedAt", ended_at AS "endedAt", counter_id AS "counterId", staff_id AS "staffId",
        rejoins, transferred_from AS "transferredFrom", est_min AS "estMin", est_max AS "estMax"`;
      const list = branch
        ? await db.query(`SELECT ${cols} FROM tickets WHERE business_day BETWEEN $1 AND $2 AND branch = $3 ORDER BY issued_at`, [fromDay, toDay, branch])
        : await db.query(`SELECT ${cols} FROM tickets WHERE business_day BETWEEN $1 AND $2 ORDER BY issued_at`, [fromDay, toDay]);
      return rows(ticketFactRow, list, 'ticket');
    },

    async ticketsIssued(branch: string, day: string): Promise<number> {
      const r = await db.query('SELECT count(*)::bigint AS n FROM tickets WHERE branch = $1 AND business_day = $2 AND transferred_from IS NULL', [branch, day]);
      return num.parse(r[0]?.n ?? 0);
    },
  };
  return store;
}

export type HqStore = ReturnType<typeof createHqStore>;

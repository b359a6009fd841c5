/**
 * Head office's schema, the same on PostgreSQL and PGlite. Applied in order at start, each in
 * one transaction, recorded in schema_migrations. Never edit a released migration: add one.
 *
 * The event table is partitioned by month of the event's time (hq/storage/partitions.ts keeps
 * the months ahead in place). A unique index on a partitioned table must contain the partition
 * key, so exactly-once rests on the per-stream head (`streams`), locked in every ingest
 * transaction; the unique index below is the second line of defence for a replayed event,
 * which always has the same time and so lands in the same partition.
 */
import { DomainError } from '../../common/errors.js';
import type { SqlDatabase } from './sql.js';

export interface HqMigration {
  version: number;
  name: string;
  sql: string;
}

export const HQ_MIGRATIONS: HqMigration[] = [
  {
    version: 1,
    name: 'branches, identity, events, tickets, configuration, live positions',
    sql: `
      CREATE TABLE branches (
        id TEXT PRIMARY KEY,
        region TEXT NOT NULL DEFAULT '',
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        -- Names, time zone, services and counters as the branch last described itself.
        profile JSONB,
        -- The branch's live picture (load, devices, alerts, sync backlog) and when it came.
        live JSONB,
        live_at TIMESTAMPTZ,
        last_sync_at TIMESTAMPTZ,
        config_applied INTEGER,
        config_report JSONB
      );

      -- Only hashes of secrets are kept: a copied database grants nothing.
      CREATE TABLE credentials (
        token_hash TEXT PRIMARY KEY,
        branch TEXT NOT NULL REFERENCES branches (id),
        enrollment TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        revoked_at TIMESTAMPTZ
      );
      CREATE INDEX credentials_branch ON credentials (branch);

      CREATE TABLE enrollment_codes (
        code_hash TEXT PRIMARY KEY,
        branch TEXT NOT NULL,
        region TEXT NOT NULL DEFAULT '',
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        expires_at TIMESTAMPTZ NOT NULL,
        used_at TIMESTAMPTZ,
        -- The branch installation that used it: a retry from the same installation after a lost
        -- answer gets a new credential (and the first one is revoked); anyone else is refused.
        used_by TEXT
      );

      CREATE TABLE operator_tokens (
        token_hash TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        revoked_at TIMESTAMPTZ
      );

      -- The highest sequence held without a gap, per branch stream.
      CREATE TABLE streams (
        branch TEXT NOT NULL REFERENCES branches (id),
        stream TEXT NOT NULL,
        head BIGINT NOT NULL DEFAULT 0,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (branch, stream)
      );

      CREATE TABLE events (
        branch TEXT NOT NULL,
        stream TEXT NOT NULL,
        seq BIGINT NOT NULL,
        type TEXT NOT NULL,
        v INTEGER NOT NULL,
        at TIMESTAMPTZ NOT NULL,
        received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        data JSONB NOT NULL
      ) PARTITION BY RANGE (at);
      CREATE UNIQUE INDEX events_stream_seq ON events (branch, stream, seq, at);
      CREATE INDEX events_branch_at ON events (branch, at);
      -- Events far in the past or future (a branch clock gone wrong) still have a home.
      CREATE TABLE events_default PARTITION OF events DEFAULT;

      -- Every ticket's latest state, kept in the ingest transaction: reports across branches.
      CREATE TABLE tickets (
        branch TEXT NOT NULL,
        id TEXT NOT NULL,
        business_day TEXT NOT NULL,
        number TEXT NOT NULL,
        service_code TEXT NOT NULL,
        segment TEXT NOT NULL,
        status TEXT NOT NULL,
        issued_at BIGINT NOT NULL,
        called_at BIGINT,
        started_at BIGINT,
        ended_at BIGINT,
        counter_id TEXT,
        staff_id TEXT,
        rejoins INTEGER NOT NULL,
        transferred_from TEXT,
        est_min REAL,
        est_max REAL,
        seq BIGINT NOT NULL,
        PRIMARY KEY (branch, id)
      );
      CREATE INDEX tickets_day ON tickets (business_day, branch);

      CREATE TABLE config_snapshots (
        branch TEXT NOT NULL REFERENCES branches (id),
        version INTEGER NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        created_by TEXT NOT NULL,
        body JSONB NOT NULL,
        status TEXT NOT NULL DEFAULT 'published',
        reported_at TIMESTAMPTZ,
        problems JSONB,
        PRIMARY KEY (branch, version)
      );

      -- Open tickets' positions for the public ticket page; gone after their business day.
      CREATE TABLE live_tickets (
        id TEXT PRIMARY KEY,
        branch TEXT NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL,
        view JSONB NOT NULL
      );
      CREATE INDEX live_tickets_branch ON live_tickets (branch);
      CREATE INDEX live_tickets_expires ON live_tickets (expires_at);

      -- Alarms a branch raised about its sync (its log went backwards), kept for operators.
      CREATE TABLE alarms (
        id BIGSERIAL PRIMARY KEY,
        branch TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail JSONB NOT NULL,
        raised_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        acknowledged_at TIMESTAMPTZ
      );
      CREATE INDEX alarms_branch ON alarms (branch);
    `,
  },
  {
    version: 2,
    name: 'room on ticket pages for their next states',
    // A ticket's row is rewritten as it is called and completed; none of those columns is
    // indexed, so with free room on its page PostgreSQL writes the new version beside the old
    // one (a HOT update) without touching the indexes. Applies to pages written from now on.
    sql: `ALTER TABLE tickets SET (fillfactor = 70);`,
  },
  {
    version: 3,
    name: 'event data kept as JSON text, not converted to jsonb; tickets keyed by business day',
    // Nothing queries inside an event's data (reports read tickets), and PostgreSQL converts
    // each value to jsonb's tree on the way in: a quarter of a raw COPY's cost per event
    // (decision 0016). Every read of tickets names its business day, so the day leads the key
    // and the second index goes.
    sql: `
      ALTER TABLE events ALTER COLUMN data TYPE JSON USING data::json;
      ALTER TABLE tickets DROP CONSTRAINT tickets_pkey;
      DROP INDEX tickets_day;
      ALTER TABLE tickets ADD PRIMARY KEY (business_day, branch, id);
    `,
  },
];

/** Applies the migrations not yet applied, up to `upTo` (all of them unless given: an upgrade test stops earlier). */
export async function migrate(db: SqlDatabase, upTo = Infinity): Promise<number> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
  const rows = await db.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
  const current = Number(rows[0]?.v ?? 0);
  const latest = HQ_MIGRATIONS.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new DomainError('DB_TOO_NEW', `The head-office database is at schema ${current}, newer than this version understands (${latest}); update the product.`);
  }
  for (const m of HQ_MIGRATIONS) {
    if (m.version <= current || m.version > upTo) continue;
    await db.transaction(async (tx) => {
      // Two servers starting on one PostgreSQL migrate one after the other.
      await tx.query('LOCK TABLE schema_migrations IN EXCLUSIVE MODE');
      if ((await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version])).length > 0) return;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    });
  }
  return Math.max(current, Math.min(latest, upTo));
}

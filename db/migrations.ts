/**
 * Schema migrations, applied in order at start inside one transaction each. The database's
 * user_version records the last one applied. Never edit a released migration: add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'queue, events, staff',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

      -- One row per ticket; the JSON holds the full record, the columns what queries need.
      CREATE TABLE tickets (
        id TEXT PRIMARY KEY,
        business_day TEXT NOT NULL,
        service_code TEXT NOT NULL,
        seq INTEGER NOT NULL,
        number TEXT NOT NULL,
        status TEXT NOT NULL,
        issued_at INTEGER NOT NULL,
        data TEXT NOT NULL,
        -- The last line of defence: a number is never issued twice in a business day.
        UNIQUE (business_day, service_code, seq)
      ) STRICT;
      -- No index on status: active tickets only ever belong to the latest business day (closing
      -- a day cancels what is left), so start-up finds them through the index above, and every
      -- ticket write saves a page.
      -- Queries by day use the unique index above, which starts with business_day.

      CREATE TABLE number_sequences (
        business_day TEXT NOT NULL,
        service_code TEXT NOT NULL,
        last_seq INTEGER NOT NULL,
        issued INTEGER NOT NULL,
        PRIMARY KEY (business_day, service_code)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE counters (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;

      -- The append-only event log, which is also the outbox for head office.
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        stream TEXT NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        v INTEGER NOT NULL,
        at TEXT NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (stream, seq)
      ) STRICT;

      CREATE TABLE staff (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        roles TEXT NOT NULL,
        counters TEXT NOT NULL,
        pin_hash TEXT NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1
      ) STRICT;

      -- Only a hash of the token is kept: a copied database file grants no sessions.
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        staff_id TEXT NOT NULL REFERENCES staff(id),
        counter_id TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;

      -- Answers to requests that carried an Idempotency-Key, so a retry gets the first answer.
      CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        staff_id TEXT NOT NULL,
        status INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'alerts',
    sql: `
      -- Alerts raised by the branch service (server/alerts); who acknowledged and when is kept.
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        key TEXT NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL,
        raised_at INTEGER NOT NULL,
        cleared_at INTEGER,
        acknowledged_at INTEGER,
        acknowledged_by TEXT,
        data TEXT NOT NULL
      ) STRICT;
      -- At most one alert per condition is active (not yet cleared) at a time.
      CREATE UNIQUE INDEX alerts_active_key ON alerts (key) WHERE cleared_at IS NULL;
      CREATE INDEX alerts_raised ON alerts (raised_at);
    `,
  },
  {
    version: 3,
    name: 'configuration versions',
    sql: `
      -- Every configuration the branch has put in force: from the file at start, or edited in the
      -- back office (who, and what changed). The newest row whose file it was based on is still
      -- the file in use is the configuration in force (docs/decisions/0010).
      CREATE TABLE config_versions (
        id INTEGER PRIMARY KEY,
        applied_at INTEGER NOT NULL,
        source TEXT NOT NULL,
        staff_id TEXT,
        hash TEXT NOT NULL,
        -- The hash of the configuration file the service ran with when this was applied.
        base_file_hash TEXT NOT NULL,
        changes TEXT NOT NULL,
        config TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    name: 'ratings, counter tablets, audit index',
    sql: `
      -- Satisfaction ratings (core/feedback.ts). The ticket is the key: one rating per ticket,
      -- whichever channel comes first. The JSON holds the full record, the columns what reports need.
      CREATE TABLE ratings (
        ticket_id TEXT PRIMARY KEY,
        business_day TEXT NOT NULL,
        staff_id TEXT,
        counter_id TEXT,
        score INTEGER NOT NULL,
        channel TEXT NOT NULL,
        rated_at INTEGER NOT NULL,
        data TEXT NOT NULL
      ) STRICT;
      CREATE INDEX ratings_day ON ratings (business_day);

      -- Counter tablets bound as evaluators. Only a hash of the tablet's token is kept.
      CREATE TABLE counter_tablets (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        counter_id TEXT NOT NULL,
        label TEXT NOT NULL,
        bound_by TEXT NOT NULL,
        bound_at INTEGER NOT NULL,
        revoked_at INTEGER,
        last_seen_at INTEGER
      ) STRICT;

      -- The events that staff performance and the day's report audit by time (calls and their
      -- reasons, pauses for faults, complaints). A partial index: the other events, most of the
      -- log, cost it nothing when written.
      CREATE INDEX events_audit ON events (type, at)
        WHERE type IN ('ticket.called', 'counter.paused', 'counter.resumed', 'counter.closed', 'complaint.recorded');
    `,
  },
  {
    version: 5,
    name: 'complaints, customer files, visits, notes, follow-ups',
    sql: `
      -- Complaints and opinions (core/complaints.ts). The JSON holds the record with its history;
      -- the columns are what lists, the overdue alert, erasure and retention select on.
      CREATE TABLE complaints (
        id TEXT PRIMARY KEY,
        ref TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        owner_id TEXT,
        staff_id TEXT,
        recorded_by TEXT,
        customer_id TEXT,
        ticket_id TEXT,
        recorded_at INTEGER NOT NULL,
        due_at INTEGER NOT NULL,
        has_contact INTEGER NOT NULL,
        data TEXT NOT NULL
      ) STRICT;
      CREATE INDEX complaints_open ON complaints (status, due_at);
      CREATE INDEX complaints_customer ON complaints (customer_id) WHERE customer_id IS NOT NULL;

      -- Customer files (core/customer-file.ts), keyed by the keyed hash of the card or ID read at
      -- the kiosk; the clear number is never stored.
      CREATE TABLE customers (
        id TEXT PRIMARY KEY,
        identity_hash TEXT NOT NULL UNIQUE,
        last_seen_at INTEGER NOT NULL,
        data TEXT NOT NULL
      ) STRICT;
      CREATE INDEX customers_seen ON customers (last_seen_at);
      -- A visit of a customer with a file: the ticket, not a copy of it (reports read the tickets).
      CREATE TABLE customer_visits (
        customer_id TEXT NOT NULL,
        ticket_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (customer_id, ticket_id)
      ) STRICT;
      CREATE INDEX customer_visits_at ON customer_visits (at);
      CREATE TABLE customer_notes (
        id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        data TEXT NOT NULL
      ) STRICT;
      CREATE INDEX customer_notes_customer ON customer_notes (customer_id, at);
      -- Which ticket carried which card read: how a complaint or a follow-up finds the file.
      CREATE TABLE ticket_identities (
        ticket_id TEXT PRIMARY KEY,
        identity_hash TEXT NOT NULL,
        identity_kind TEXT NOT NULL,
        masked_tail TEXT NOT NULL,
        at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX ticket_identities_at ON ticket_identities (at);

      -- Follow-up calls (core/followups.ts).
      CREATE TABLE followups (
        id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        ticket_id TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        owner_id TEXT,
        due_at INTEGER NOT NULL,
        data TEXT NOT NULL
      ) STRICT;
      CREATE INDEX followups_open ON followups (status, due_at);
      CREATE INDEX followups_customer ON followups (customer_id);
    `,
  },
  {
    version: 6,
    name: 'kiosk devices',
    sql: `
      -- Kiosks enrolled to take tickets without a staff sign-in; only the key's hash is kept.
      CREATE TABLE kiosk_devices (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        enrolled_at INTEGER NOT NULL,
        enrolled_by TEXT NOT NULL,
        revoked_at INTEGER
      ) STRICT;
    `,
  },
];

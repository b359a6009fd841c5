/**
 * Moves old events out of the live log into monthly archive files
 * (`archive/events-YYYY-MM.db` in the data folder), so the log the stream replays and the
 * uploader reads stays small while nothing is thrown away.
 *
 * The log is also head office's outbox, so an event is archived only when all of these hold:
 * - head office has acknowledged its sequence (`sync.acked.<stream>` in meta; nothing is
 *   archived before the uploader has recorded an acknowledgement),
 * - it is older than the retention cut-off,
 * - it is not the newest event of its stream nor of the log: per-stream sequences and event ids
 *   continue from the live table, so the newest rows must stay.
 * Each batch is first committed to the archive file (insert-or-ignore on stream and sequence),
 * then deleted from the log: a crash in between leaves a copy in both, which the next run
 * settles; it never loses an event.
 */
import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { StreamName } from '../core/events.js';
import type { Db } from './open-database.js';
import type { RowReader } from './rows.js';

const STREAMS: StreamName[] = ['queue', 'device', 'config', 'staff'];

const ARCHIVE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    branch TEXT NOT NULL,
    stream TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    v INTEGER NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (stream, seq)
  ) STRICT;
`;

// Moved as stored: the JSON data is copied as text, not re-encoded.
const eventRow = z.object({
  id: z.number().int(),
  stream: z.string(),
  seq: z.number().int(),
  type: z.string(),
  v: z.number().int(),
  at: z.string(),
  data: z.string(),
});
type EventRow = z.infer<typeof eventRow>;

export interface ArchiveBatch {
  /** Events moved out of the live log by this batch. */
  moved: number;
  /** Archive files written to. */
  files: string[];
}

export function archiveFileName(at: string): string {
  return `events-${at.slice(0, 7)}.db`;
}

/**
 * Moves at most `limit` events older than `beforeIso` whose sequence head office has
 * acknowledged (`acked`) into archive files under `dir`.
 */
export function archiveEventBatch(
  db: Db,
  opts: { dir: string; branchId: string; beforeIso: string; acked: (stream: StreamName) => number; limit: number; rows: RowReader },
): ArchiveBatch {
  const candidates = db.prepare(
    `SELECT id, stream, seq, type, v, at, data FROM events
      WHERE stream = ? AND seq <= ? AND at < ?
        AND seq < (SELECT MAX(seq) FROM events WHERE stream = ?)
        AND id < (SELECT MAX(id) FROM events)
      ORDER BY seq LIMIT ?`,
  );
  const rows: EventRow[] = [];
  for (const stream of STREAMS) {
    const acked = opts.acked(stream);
    if (acked <= 0 || rows.length >= opts.limit) continue;
    rows.push(...opts.rows.all(eventRow, 'events', ['id'], candidates.all(stream, acked, opts.beforeIso, stream, opts.limit - rows.length)));
  }
  if (rows.length === 0) return { moved: 0, files: [] };

  const byFile = new Map<string, EventRow[]>();
  for (const r of rows) {
    const name = archiveFileName(r.at);
    byFile.set(name, [...(byFile.get(name) ?? []), r]);
  }
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  for (const [name, list] of byFile) {
    const path = join(opts.dir, name);
    const archive = new Database(path);
    try {
      // The archive holds the same personal data as the log: owner-only, like the database.
      chmodSync(path, 0o600);
      archive.pragma('synchronous = FULL');
      archive.exec(ARCHIVE_SCHEMA);
      const insert = archive.prepare('INSERT OR IGNORE INTO events (id, branch, stream, seq, type, v, at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      archive.transaction(() => {
        for (const r of list) insert.run(r.id, opts.branchId, r.stream, r.seq, r.type, r.v, r.at, r.data);
      })();
    } finally {
      archive.close();
    }
  }
  const remove = db.prepare('DELETE FROM events WHERE id = ?');
  db.transaction(() => {
    for (const r of rows) remove.run(r.id);
  })();
  return { moved: rows.length, files: [...byFile.keys()] };
}

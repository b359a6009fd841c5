/**
 * The numbering file: when the service finds its database files changed under it
 * (write-guard.ts), it writes the numbers issued so far (as its own connection sees them, which
 * includes commits that may now be lost) to `branch.db.numbering.json`. The next start applies
 * the file before anything else: each service's sequence continues after the highest number
 * ever issued, so a number whose ticket was lost is skipped, never given to a second customer.
 * The applied file is kept (renamed with the time) for the audit.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { syncDir, writeFileDurably } from '../common/durable-file.js';
import { DomainError } from '../common/errors.js';
import type { Db } from './open-database.js';

const sequenceSchema = z.object({
  businessDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  serviceCode: z.string().min(1),
  lastSeq: z.number().int().min(0),
  issued: z.number().int().min(0),
});

const fileSchema = z.object({
  writtenAt: z.string(),
  sequences: z.array(sequenceSchema),
});

type Sequence = z.infer<typeof sequenceSchema>;

export function numberingGuardPath(dbPath: string): string {
  return `${dbPath}.numbering.json`;
}

function readGuard(path: string): Sequence[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new DomainError('NUMBERING_FILE_INVALID', `The numbering file ${path} cannot be read (${(e as Error).message}); keep it for IT and restore the numbers by hand before starting.`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DomainError('NUMBERING_FILE_INVALID', `The numbering file ${path} is not valid (${parsed.error.issues[0]?.message ?? 'unknown'}); keep it for IT.`);
  }
  return parsed.data.sequences;
}

function key(s: Pick<Sequence, 'businessDay' | 'serviceCode'>): string {
  return `${s.businessDay}\u0000${s.serviceCode}`;
}

/** Writes (durably) the numbers of the latest two business days as `db` sees them; returns the file's path. */
export function writeNumberingGuard(db: Db, dbPath: string): string {
  const path = numberingGuardPath(dbPath);
  const rows = db
    .prepare(
      `SELECT business_day, service_code, last_seq, issued FROM number_sequences
        WHERE business_day IN (SELECT DISTINCT business_day FROM number_sequences ORDER BY business_day DESC LIMIT 2)`,
    )
    .all() as { business_day: string; service_code: string; last_seq: number; issued: number }[];
  const merged = new Map<string, Sequence>();
  // An earlier file not yet applied still counts: keep the higher of both.
  if (existsSync(path)) for (const s of readGuard(path)) merged.set(key(s), s);
  for (const r of rows) {
    const s = { businessDay: r.business_day, serviceCode: r.service_code, lastSeq: r.last_seq, issued: r.issued };
    const prev = merged.get(key(s));
    merged.set(key(s), prev ? { ...s, lastSeq: Math.max(prev.lastSeq, s.lastSeq), issued: Math.max(prev.issued, s.issued) } : s);
  }
  const text = `${JSON.stringify({ writtenAt: new Date().toISOString(), sequences: [...merged.values()] }, null, 2)}\n`;
  writeFileDurably(path, text);
  return path;
}

export interface RestoredNumbers {
  file: string;
  /** Sequences that were behind the file and now continue after it. */
  raised: { businessDay: string; serviceCode: string; from: number; to: number }[];
}

/**
 * Applies a numbering file left by a stop after the database files changed: raises every
 * sequence that is behind it, in one transaction, then renames the file. Undefined when there
 * is none.
 */
export function applyNumberingGuard(db: Db, dbPath: string, now = new Date()): RestoredNumbers | undefined {
  const path = numberingGuardPath(dbPath);
  if (!existsSync(path)) return undefined;
  const sequences = readGuard(path);
  const current = db.prepare('SELECT last_seq, issued FROM number_sequences WHERE business_day = ? AND service_code = ?');
  const upsert = db.prepare(
    `INSERT INTO number_sequences (business_day, service_code, last_seq, issued) VALUES (?, ?, ?, ?)
     ON CONFLICT (business_day, service_code) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq), issued = MAX(issued, excluded.issued)`,
  );
  const raised: RestoredNumbers['raised'] = [];
  db.transaction(() => {
    for (const s of sequences) {
      const row = current.get(s.businessDay, s.serviceCode) as { last_seq: number; issued: number } | undefined;
      if (row && row.last_seq >= s.lastSeq && row.issued >= s.issued) continue;
      upsert.run(s.businessDay, s.serviceCode, s.lastSeq, s.issued);
      if (!row || row.last_seq < s.lastSeq) raised.push({ businessDay: s.businessDay, serviceCode: s.serviceCode, from: row?.last_seq ?? 0, to: s.lastSeq });
    }
  })();
  const applied = `${path.slice(0, -'.json'.length)}.applied-${now.toISOString().replace(/[:.]/g, '-')}.json`;
  renameSync(path, applied);
  syncDir(dirname(path));
  return { file: applied, raised };
}

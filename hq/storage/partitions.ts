/**
 * Monthly partitions of the event table. Months around now are created ahead of time; an event
 * outside them (a branch offline for long, or a clock gone wrong) lands in the default
 * partition, and when its month's partition is made later its rows move there in the same
 * transaction that attaches it. Old months can be detached and archived as whole tables
 * (docs/hq-scale.md).
 */
import type { SqlDatabase } from './sql.js';

export interface Month {
  year: number;
  /** 1–12 */
  month: number;
}

export function monthOf(epochMs: number): Month {
  const d = new Date(epochMs);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

export function addMonths(m: Month, n: number): Month {
  const i = m.year * 12 + (m.month - 1) + n;
  return { year: Math.floor(i / 12), month: (i % 12) + 1 };
}

export function partitionName(m: Month): string {
  return `events_${m.year}_${String(m.month).padStart(2, '0')}`;
}

function bound(m: Month): string {
  return `${m.year}-${String(m.month).padStart(2, '0')}-01T00:00:00Z`;
}

export async function listPartitions(db: SqlDatabase): Promise<string[]> {
  const rows = await db.query(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = 'events' ORDER BY c.relname`,
  );
  return rows.map((r) => String(r.name));
}

/** Creates the month's partition unless it exists, moving any of its rows out of the default partition. */
export async function ensureMonth(db: SqlDatabase, m: Month): Promise<boolean> {
  const name = partitionName(m);
  if ((await listPartitions(db)).includes(name)) return false;
  const from = bound(m);
  const to = bound(addMonths(m, 1));
  try {
    await db.transaction(async (tx) => {
      await tx.exec(`CREATE TABLE ${name} (LIKE events INCLUDING DEFAULTS)`);
      await tx.exec(
        `WITH moved AS (DELETE FROM events_default WHERE at >= '${from}' AND at < '${to}' RETURNING *)
         INSERT INTO ${name} SELECT * FROM moved`,
      );
      await tx.exec(`ALTER TABLE events ATTACH PARTITION ${name} FOR VALUES FROM ('${from}') TO ('${to}')`);
    });
  } catch (e) {
    // Another server on the same PostgreSQL made it at the same moment.
    if ((await listPartitions(db)).includes(name)) return false;
    throw e;
  }
  return true;
}

/** The previous month, this one and the next two. */
export async function ensurePartitions(db: SqlDatabase, now: number): Promise<string[]> {
  const made: string[] = [];
  const here = monthOf(now);
  for (let i = -1; i <= 2; i++) {
    const m = addMonths(here, i);
    if (await ensureMonth(db, m)) made.push(partitionName(m));
  }
  return made;
}

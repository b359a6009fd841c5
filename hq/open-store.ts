/** Opens head office's database (PostgreSQL when a URL is given, else PGlite in the data folder), migrated and partitioned. */
import { join } from 'node:path';
import { migrate } from './storage/migrations.js';
import { ensurePartitions } from './storage/partitions.js';
import { openPglite } from './storage/pglite.js';
import { openPostgres } from './storage/postgres.js';
import { createHqStore, type HqStore } from './storage/hq-store.js';

export const PGLITE_DIR = 'hq-db';

export async function openHqStore(opts: { dataDir: string; databaseUrl?: string; poolSize?: number }): Promise<HqStore> {
  const db = opts.databaseUrl ? await openPostgres(opts.databaseUrl, { poolSize: opts.poolSize }) : await openPglite(join(opts.dataDir, PGLITE_DIR));
  try {
    await migrate(db);
    await ensurePartitions(db, Date.now());
  } catch (e) {
    await db.close();
    throw e;
  }
  return createHqStore(db);
}

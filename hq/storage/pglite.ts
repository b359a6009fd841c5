/**
 * The embedded default: PGlite keeps a whole PostgreSQL in this process with its files in the
 * data folder. It has one connection, so transactions run one at a time; PGlite queues them.
 */
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import { DomainError } from '../../common/errors.js';
import type { SqlDatabase, SqlParam, SqlRunner } from './sql.js';

export async function openPglite(dir: string | undefined): Promise<SqlDatabase> {
  if (dir) mkdirSync(dir, { recursive: true });
  let db: PGlite;
  try {
    // bigint (int8) values are sequence numbers and counts far below 2^53: read them as numbers.
    db = await PGlite.create(dir, { parsers: { 20: (v: string) => Number(v) } });
  } catch (e) {
    throw new DomainError('DATABASE_OPEN_FAILED', `Cannot open the embedded database in ${dir ?? 'memory'}: ${(e as Error).message}. Is another head-office server using this data folder?`);
  }
  const run = (q: Pick<PGlite, 'query' | 'exec'> | Transaction): SqlRunner => ({
    // PGlite has one connection in this process; its statements are not kept by name.
    async query(text: string, params: readonly SqlParam[] = []) {
      return (await q.query<Record<string, unknown>>(text, params as unknown[])).rows;
    },
    async exec(text: string) {
      await q.exec(text);
    },
    async copyRows(table, columns, pieces) {
      await q.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([...pieces]) });
    },
  });
  return {
    kind: 'pglite',
    concurrency: 1,
    ...run(db),
    transaction: (fn) => db.transaction((tx) => fn(run(tx))),
    close: () => db.close(),
  };
}

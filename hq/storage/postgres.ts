/** PostgreSQL through a `pg` connection pool. */
import pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { DomainError } from '../../common/errors.js';
import type { SqlDatabase, SqlParam, SqlRunner } from './sql.js';

// bigint (int8) values are sequence numbers and counts far below 2^53: read them as numbers.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openPostgres(url: string, opts: { poolSize?: number } = {}): Promise<SqlDatabase> {
  const poolSize = opts.poolSize ?? 8;
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new DomainError('DATABASE_UNREACHABLE', `Cannot connect to PostgreSQL at ${redact(url)}: ${(e as Error).message}`);
  }
  const run = (c: pg.Pool | pg.PoolClient): SqlRunner => ({
    async query(text: string, params: readonly SqlParam[] = [], prepareAs?: string) {
      const values = params as unknown[];
      return (await (prepareAs ? c.query({ name: prepareAs, text, values }) : c.query(text, values))).rows as Record<string, unknown>[];
    },
    async exec(text: string) {
      // Without parameters pg uses the simple protocol, which runs several statements.
      await c.query(text);
    },
    async copyRows(table, columns, pieces) {
      // COPY needs one connection for its whole stream: a pool lends one for the duration.
      const client = c instanceof pg.Pool ? await c.connect() : c;
      try {
        await pipeline(Readable.from(pieces), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
      } finally {
        if (client !== c) (client as pg.PoolClient).release();
      }
    },
  });
  return {
    kind: 'postgres',
    concurrency: poolSize,
    ...run(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(run(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the given URL';
  }
}

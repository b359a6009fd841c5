/**
 * Every row read back from SQLite goes through a zod schema before the code sees it. The
 * tables are STRICT, so SQLite already keeps column types; what it cannot check is what a
 * column means: the JSON records (a ticket, a counter's state, an event's data), the enums kept
 * as text, the flags kept as 0/1. A row that does not match is a DomainError DB_ROW_INVALID that
 * names the table, the row's key and each field that is wrong, and it is reported (logged) where
 * it is found: a damaged or hand-edited database shows up as that, never as a silent cast.
 */
import { z } from 'zod';
import { DomainError } from '../common/errors.js';
import { describeIssues } from '../common/zod-issues.js';

/** Where a row that fails its schema is reported (the service's logger); the read still throws. */
export type RowErrorReporter = (error: DomainError) => void;

/** A TEXT column holding JSON, parsed and then checked with `schema`. */
export function jsonColumn<S extends z.ZodType>(schema: S) {
  return z
    .string()
    .transform((text, ctx): unknown => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** An INTEGER column used as a yes/no flag. */
export const flagColumn = z.union([z.literal(0), z.literal(1)]).transform((v) => v === 1);

/** A nullable column read as an optional field. */
export function optionalColumn<S extends z.ZodType>(schema: S) {
  return schema.nullable().transform((v) => v ?? undefined);
}

/** The value of a key column of a raw row, for the error message (the row is not trusted yet). */
function keyText(row: unknown, keyColumns: readonly string[]): string {
  if (typeof row !== 'object' || row === null) return '(no row)';
  return keyColumns.map((c) => `${c}=${String(Reflect.get(row, c))}`).join(', ');
}

export interface RowReader {
  /** Checks one row; throws DB_ROW_INVALID (and reports it) when it does not match. */
  one<S extends z.ZodType>(schema: S, table: string, keyColumns: readonly string[], row: unknown): z.infer<S>;
  /** Checks every row of a result. */
  all<S extends z.ZodType>(schema: S, table: string, keyColumns: readonly string[], rows: readonly unknown[]): z.infer<S>[];
}

export function rowReader(report?: RowErrorReporter): RowReader {
  const one = <S extends z.ZodType>(schema: S, table: string, keyColumns: readonly string[], row: unknown): z.infer<S> => {
    const r = schema.safeParse(row);
    if (r.success) return r.data;
    const key = keyText(row, keyColumns);
    const fields = describeIssues(r.error.issues);
    const error = new DomainError(
      'DB_ROW_INVALID',
      `The branch database holds a damaged row: table ${table}, ${key}: ${fields.join('; ')}. Restore the database from a backup or call IT.`,
      { table, key, fields },
    );
    report?.(error);
    throw error;
  };
  return {
    one,
    all: (schema, table, keyColumns, rows) => rows.map((row) => one(schema, table, keyColumns, row)),
  };
}

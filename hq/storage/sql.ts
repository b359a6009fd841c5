/**
 * The one database interface head office uses: real PostgreSQL through `pg` in production,
 * PGlite (PostgreSQL compiled to WebAssembly, in-process) by default. Both speak the same SQL,
 * so migrations and queries are written once and every test runs against both.
 */
export type SqlParam = string | number | boolean | null | Date | readonly (string | number | null)[];

export interface SqlRunner {
  /**
   * Runs one statement with $1… parameters; returns its rows as the driver gives them. With
   * `prepareAs`, PostgreSQL keeps the statement parsed and planned under that name on each
   * connection (for the statements every ingest batch runs; a name is one statement's text).
   */
  query(text: string, params?: readonly SqlParam[], prepareAs?: string): Promise<Record<string, unknown>[]>;
  /** Runs several statements with no parameters (migrations, partition upkeep). */
  exec(text: string): Promise<void>;
  /**
   * Loads rows with COPY FROM STDIN in PostgreSQL's text format (`pieces`: whole rows, as text
   * CopyText gathers or as UTF-8 bytes): one statement however many rows, no parameter limit,
   * and the server parses the text once. Inside a transaction it is part of it.
   */
  copyRows(table: string, columns: readonly string[], pieces: readonly (string | Uint8Array<ArrayBuffer>)[]): Promise<void>;
}

export interface SqlDatabase extends SqlRunner {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction on one connection; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** How many transactions can run at once (the ingest admission limit follows it). */
  readonly concurrency: number;
  close(): Promise<void>;
}

/** A PostgreSQL error's SQLSTATE, when the driver gives one. */
export function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * One field in COPY's text format: backslash, new line, carriage return and tab escaped (the
 * only characters it treats specially); most fields have none and pass through untouched.
 */
export function copyField(v: string | number): string {
  if (typeof v === 'number') return String(v);
  return COPY_SPECIAL.test(v) ? v.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]!) : v;
}

/**
 * V8 keeps a string or buffer above 128 KB in its large-object space: each one is mapped
 * fresh from the system and its pages faulted in, which costs far more than the copy (on a
 * virtual machine 50 to 80 times more per byte: about 1.4 ms for a batch of 400 events). COPY
 * text is therefore sent as pieces of at most about 64 KB, each a short-lived young string.
 */
export const COPY_PIECE_CHARS = 64 * 1024;

/** Gathers whole COPY rows into pieces of about COPY_PIECE_CHARS. */
export class CopyText {
  readonly pieces: string[] = [];
  private current = '';

  add(row: string): void {
    if (this.current.length > 0 && this.current.length + row.length > COPY_PIECE_CHARS) {
      this.pieces.push(this.current);
      this.current = '';
    }
    this.current += row;
  }

  /** The pieces, the last one included. */
  done(): readonly string[] {
    if (this.current.length > 0) this.pieces.push(this.current);
    this.current = '';
    return this.pieces;
  }
}

/** One row in COPY's text format, new line included. */
export function copyRow(fields: readonly (string | number)[]): string {
  return fields.map(copyField).join('\t') + '\n';
}

/**
 * The configuration versions the branch has put in force (table config_versions): written in
 * the same transaction as their config.applied event (through the command runner's record), and
 * read back through schemas, the stored configuration checked again by the file's own schema.
 */
import { z } from 'zod';
import { configFileSchema, type ConfigFile } from '../config/schema.js';
import type { Db } from './open-database.js';
import { jsonColumn, optionalColumn, rowReader, type RowErrorReporter } from './rows.js';

export interface ConfigVersion {
  id: number;
  appliedAt: number;
  /** "file:<path>" for the configuration file, "office" for the back office. */
  source: string;
  staffId?: string;
  hash: string;
  baseFileHash: string;
  changes: string[];
  config: ConfigFile;
}

export type NewConfigVersion = Omit<ConfigVersion, 'id'>;

/** A version without its configuration, for the history list. */
export type ConfigVersionSummary = Omit<ConfigVersion, 'config'>;

const summaryColumns = {
  id: z.number().int(),
  applied_at: z.number(),
  source: z.string(),
  staff_id: optionalColumn(z.string()),
  hash: z.string(),
  base_file_hash: z.string(),
  changes: jsonColumn(z.array(z.string())),
};
const toSummary = (r: { id: number; applied_at: number; source: string; staff_id: string | undefined; hash: string; base_file_hash: string; changes: string[] }): ConfigVersionSummary => ({
  id: r.id,
  appliedAt: r.applied_at,
  source: r.source,
  staffId: r.staff_id,
  hash: r.hash,
  baseFileHash: r.base_file_hash,
  changes: r.changes,
});
const summaryRow = z.object(summaryColumns).transform(toSummary);
const versionRow = z.object({ ...summaryColumns, config: jsonColumn(configFileSchema) }).transform((r): ConfigVersion => ({ ...toSummary(r), config: r.config }));

export interface ConfigStore {
  /** The newest version, its configuration checked by the file's schema. */
  latest(): ConfigVersion | undefined;
  history(limit: number): ConfigVersionSummary[];
  /** Call inside the transaction that records the config.applied event. */
  insert(v: NewConfigVersion): void;
}

export function createConfigStore(db: Db, opts: { reportRowError?: RowErrorReporter } = {}): ConfigStore {
  const rows = rowReader(opts.reportRowError);
  const stmt = {
    latest: db.prepare('SELECT * FROM config_versions ORDER BY id DESC LIMIT 1'),
    history: db.prepare('SELECT id, applied_at, source, staff_id, hash, base_file_hash, changes FROM config_versions ORDER BY id DESC LIMIT ?'),
    insert: db.prepare(
      'INSERT INTO config_versions (applied_at, source, staff_id, hash, base_file_hash, changes, config) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
  };
  return {
    latest() {
      const r = stmt.latest.get();
      return r === undefined ? undefined : rows.one(versionRow, 'config_versions', ['id'], r);
    },
    history: (limit) => rows.all(summaryRow, 'config_versions', ['id'], stmt.history.all(limit)),
    insert(v) {
      stmt.insert.run(v.appliedAt, v.source, v.staffId ?? null, v.hash, v.baseFileHash, JSON.stringify(v.changes), JSON.stringify(v.config));
    },
  };
}

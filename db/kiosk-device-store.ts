/**
 * The kiosks enrolled at this branch (server/kiosk/kiosk-devices.ts). Only the hash of a
 * kiosk's key is stored; a revoked kiosk stays listed with when it was revoked.
 */
import { z } from 'zod';
import type { Db } from './open-database.js';
import { optionalColumn, rowReader, type RowErrorReporter } from './rows.js';

const kioskDeviceRow = z
  .object({
    id: z.string(),
    name: z.string(),
    key_hash: z.string().regex(/^[0-9a-f]{64}$/),
    enrolled_at: z.number().int(),
    enrolled_by: z.string(),
    revoked_at: optionalColumn(z.number().int()),
  })
  .transform((r) => ({ id: r.id, name: r.name, keyHash: r.key_hash, enrolledAt: r.enrolled_at, enrolledBy: r.enrolled_by, revokedAt: r.revoked_at }));

export type KioskDeviceRecord = z.infer<typeof kioskDeviceRow>;

export interface KioskDeviceStore {
  /** Adds a kiosk, or gives an existing one (revoked or not) a new key. */
  enroll(d: { id: string; name: string; keyHash: string; at: number; by: string }): void;
  byKeyHash(keyHash: string): KioskDeviceRecord | undefined;
  get(id: string): KioskDeviceRecord | undefined;
  list(): KioskDeviceRecord[];
  revoke(id: string, at: number): boolean;
}

export function createKioskDeviceStore(db: Db, opts: { reportRowError?: RowErrorReporter } = {}): KioskDeviceStore {
  const rows = rowReader(opts.reportRowError);
  const q = {
    enroll: db.prepare(
      `INSERT INTO kiosk_devices (id, name, key_hash, enrolled_at, enrolled_by, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, key_hash = excluded.key_hash, enrolled_at = excluded.enrolled_at,
         enrolled_by = excluded.enrolled_by, revoked_at = NULL`,
    ),
    byKeyHash: db.prepare('SELECT * FROM kiosk_devices WHERE key_hash = ?'),
    get: db.prepare('SELECT * FROM kiosk_devices WHERE id = ?'),
    list: db.prepare('SELECT * FROM kiosk_devices ORDER BY id'),
    revoke: db.prepare('UPDATE kiosk_devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
  };
  const one = (row: unknown) => (row === undefined ? undefined : rows.one(kioskDeviceRow, 'kiosk_devices', ['id'], row));
  return {
    enroll: (d) => void q.enroll.run(d.id, d.name, d.keyHash, d.at, d.by),
    byKeyHash: (h) => one(q.byKeyHash.get(h)),
    get: (id) => one(q.get.get(id)),
    list: () => rows.all(kioskDeviceRow, 'kiosk_devices', ['id'], q.list.all()),
    revoke: (id, at) => q.revoke.run(at, id).changes > 0,
  };
}

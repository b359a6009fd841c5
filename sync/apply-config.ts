/**
 * A configuration snapshot from head office, checked and applied at the branch. Checked whole
 * first (the snapshot schema, this branch's id, device URIs this branch can open, PINs for new
 * staff); a snapshot with any problem is refused and the branch keeps running the one it has.
 * Applied in one local transaction: the snapshot, the staff and the config.applied event are
 * stored together or not at all; then the queue engine and sign-in take the new rules at once.
 * Devices are opened at start, so a change of device URIs takes effect at the next start.
 */
import { createHash } from 'node:crypto';
import { draft } from '../core/events.js';
import { describeIssues, type LoadedConfig } from '../config/load-config.js';
import { toQueueConfig } from '../config/schema.js';
import { configSnapshotSchema, type ConfigSnapshot } from '../config/snapshot-schema.js';
import type { BranchStore } from '../db/branch-store.js';
import { parseDeviceUri } from '../drivers/uri.js';
import type { Logger } from '../server/logger.js';

export const APPLIED_VERSION_KEY = 'hq.config.version';
const APPLIED_SNAPSHOT_KEY = 'hq.config.snapshot';

export type SnapshotCheck = { ok: true; snapshot: ConfigSnapshot; loaded: LoadedConfig } | { ok: false; problems: string[] };

function loadedOf(snapshot: ConfigSnapshot, version: number): LoadedConfig {
  return {
    file: snapshot.config,
    queue: toQueueConfig(snapshot.config),
    hash: createHash('sha256').update(JSON.stringify(snapshot.config)).digest('hex').slice(0, 16),
    source: `hq:v${version}`,
  };
}

export function checkSnapshot(raw: unknown, version: number, ctx: { branchId: string; store: Pick<BranchStore, 'staff'> }): SnapshotCheck {
  const parsed = configSnapshotSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error.issues) };
  const s = parsed.data;
  const problems: string[] = [];
  if (s.config.branch.id !== ctx.branchId) problems.push(`config.branch.id: is "${s.config.branch.id}", but this branch is "${ctx.branchId}"`);
  const uri = (path: string, text: string | undefined) => {
    if (text === undefined) return;
    try {
      parseDeviceUri(text);
    } catch (e) {
      problems.push(`${path}: ${(e as Error).message}`);
    }
  };
  uri('config.devices.printer', s.config.devices.printer);
  uri('config.devices.lobbyDisplay', s.config.devices.lobbyDisplay);
  s.config.devices.cardReader.forEach((u, i) => uri(`config.devices.cardReader[${i}]`, u));
  s.config.counters.forEach((c, i) => {
    uri(`config.counters[${i}].devices.display`, c.devices.display);
    uri(`config.counters[${i}].devices.callPad`, c.devices.callPad);
    uri(`config.counters[${i}].devices.evaluator`, c.devices.evaluator);
  });
  s.staff?.forEach((p, i) => {
    if (!p.pinHash && !ctx.store.staff(p.id)) problems.push(`staff[${i}].pinHash: "${p.id}" is new at this branch and needs a PIN hash`);
  });
  return problems.length ? { ok: false, problems } : { ok: true, snapshot: s, loaded: loadedOf(s, version) };
}

export interface ApplyTarget {
  store: Pick<BranchStore, 'staff' | 'upsertStaff' | 'setMeta'>;
  record: (drafts: ReturnType<typeof draft>[], alongside: () => void) => unknown;
  clock: () => number;
  /** Hands the new rules to the running engine and sign-in. */
  activate(loaded: LoadedConfig): void;
}

/** Stores the snapshot, its staff and the config.applied event in one transaction, then activates it. */
export function applySnapshot(raw: unknown, version: number, checked: { snapshot: ConfigSnapshot; loaded: LoadedConfig }, t: ApplyTarget): void {
  const { snapshot, loaded } = checked;
  t.record([draft('config.applied', t.clock(), { hash: loaded.hash, source: loaded.source, services: loaded.queue.services.length, counters: loaded.queue.counters.length })], () => {
    for (const p of snapshot.staff ?? []) {
      const pinHash = p.pinHash ?? t.store.staff(p.id)?.pinHash;
      if (!pinHash) throw new Error(`staff ${p.id} has no PIN`); // checked before; never reached
      t.store.upsertStaff({ id: p.id, name: p.name, roles: p.roles, counters: p.counters, pinHash, active: p.active });
    }
    t.store.setMeta(APPLIED_SNAPSHOT_KEY, JSON.stringify(raw));
    t.store.setMeta(APPLIED_VERSION_KEY, String(version));
    t.store.setMeta('config_hash', loaded.hash);
  });
  t.activate(loaded);
}

/** The configuration head office last had this branch apply, for the next start; undefined when none. */
export function appliedHqConfig(store: Pick<BranchStore, 'getMeta' | 'staff'>, branchId: string, log: Logger): LoadedConfig | undefined {
  const version = Number(store.getMeta(APPLIED_VERSION_KEY) ?? 0);
  const text = store.getMeta(APPLIED_SNAPSHOT_KEY);
  if (!version || !text) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const checked = checkSnapshot(raw, version, { branchId, store });
  if (!checked.ok) {
    // It was valid when applied; a product update may have tightened a rule. The file serves.
    log.error({ version, problems: checked.problems }, 'the stored head-office configuration no longer passes its checks; using the configuration file');
    return undefined;
  }
  return checked.loaded;
}

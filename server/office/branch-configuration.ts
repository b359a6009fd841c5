/**
 * The branch configuration in force and the one path that changes it while the service runs.
 *
 * The base is the configuration file, or what head office last sent (sync/apply-config.ts). At
 * start the newest stored version that was made on top of that same base (a back-office edit) is
 * in force, else the base itself. A changed file or a new configuration from head office therefore
 * wins over earlier edits, and says so in the history (decision record 0010).
 *
 * A change from the back office is checked by the file's own schema (config/schema.ts), then
 * against the queue as it is now (a service with customers in it is disabled, not removed; an open
 * counter is closed first), then stored with its `config.applied` event in one transaction (who
 * changed it and each changed field) and put in force at once: the queue engine, sign-in and the
 * pages read the new values from the next request on. Device URIs, the ticket layout, card
 * lookup, the kiosk's addresses and the alert timing are read when the service starts: a change
 * there is kept and named in the answer as needing a restart.
 */
import { DomainError } from '../../common/errors.js';
import { diffConfig } from '../../config/config-diff.js';
import { checkConfig, loadedConfig, type LoadedConfig } from '../../config/load-config.js';
import { draft } from '../../core/events.js';
import type { ConfigStore, ConfigVersionSummary, NewConfigVersion } from '../../db/config-store.js';
import type { BranchService } from '../branch-service.js';
import type { LiveConfig } from '../live-config.js';
import type { Logger } from '../logger.js';

export const OFFICE_SOURCE = 'office';

/** Fields read once at start: changed, they take effect at the next start. */
const AT_START = [/^devices\b/, /^counters\[[^\]]+\]\.devices\b/, /^ticket\b/, /^cardLookup\b/, /^security\.kioskAddresses\b/, /^alerts\b/];

export interface ApplyResult {
  hash: string;
  changes: string[];
  /** Changed fields that take effect at the next start of the service. */
  restartNeeded: string[];
}

/** The configuration in force at start: the newest version made on this base, else the base. */
export function configInForce(file: LoadedConfig, versions: ConfigStore, log: Logger): LoadedConfig {
  let latest;
  try {
    latest = versions.latest();
  } catch (err) {
    // A stored version that no longer passes the checks (damaged, or a rule tightened by an update).
    log.error({ err }, 'the stored configuration cannot be used; the configuration file is in force');
    return file;
  }
  if (!latest || latest.baseFileHash !== file.hash || latest.hash === file.hash) return file;
  log.info({ version: latest.id, by: latest.staffId, at: new Date(latest.appliedAt).toISOString() }, 'configuration edited in the back office is in force');
  return loadedConfig(latest.config, latest.source);
}

export interface BranchConfigurationDeps {
  service: Pick<BranchService, 'record' | 'clock' | 'activeTicketCount' | 'counterState'>;
  live: LiveConfig;
  versions: ConfigStore;
  /** The configuration file as read at this start, or head office's configuration. */
  base: LoadedConfig;
  meta: { get(key: string): string | undefined; set(key: string, value: string): void };
}

export class BranchConfiguration {
  private base: LoadedConfig;

  constructor(private readonly deps: BranchConfigurationDeps) {
    this.base = deps.base;
  }

  /**
   * Head office applied a configuration (its own config.applied event is already recorded): it is
   * the new base and in force at once; the back office's next edit is made on top of it.
   */
  rebase(loaded: LoadedConfig): void {
    const previous = this.deps.live.file;
    this.base = loaded;
    this.deps.service.record([], () =>
      this.deps.versions.insert({
        appliedAt: this.deps.service.clock(),
        source: loaded.source,
        hash: loaded.hash,
        baseFileHash: loaded.hash,
        changes: diffConfig(previous, loaded.file),
        config: loaded.file,
      }),
    );
    this.deps.live.set(loaded);
  }

  /**
   * Records the configuration file when it is new or changed since the last start (config.applied
   * and a version); nothing when the configuration in force is the one stored.
   */
  recordStart(): void {
    const { versions, meta } = this.deps;
    const file = this.base;
    let latest;
    try {
      latest = versions.latest();
    } catch {
      latest = undefined; // already reported by configInForce; the file is in force
    }
    if (latest && latest.baseFileHash === file.hash) return;
    const version: NewConfigVersion = {
      appliedAt: this.deps.service.clock(),
      source: file.source.startsWith('hq:') ? file.source : `file:${file.source}`,
      hash: file.hash,
      baseFileHash: file.hash,
      changes: latest ? diffConfig(latest.config, file.file) : [],
      config: file.file,
    };
    // Already recorded as config.applied (by a database from before versions were kept, or by
    // head office's sync when it was applied): no second event.
    const alreadyRecorded = meta.get('config_hash') === file.hash;
    const events = alreadyRecorded
      ? []
      : [draft('config.applied', version.appliedAt, { hash: file.hash, source: file.source, services: file.queue.services.length, counters: file.queue.counters.length, ...(latest ? { changes: version.changes } : {}) })];
    this.deps.service.record(events, () => {
      versions.insert(version);
      meta.set('config_hash', file.hash);
    });
  }

  /** The configuration in force, for the back office's form, and the recent history. */
  current(historyLimit = 20): { config: LoadedConfig['file']; hash: string; source: string; fileHash: string; history: ConfigVersionSummary[] } {
    const { live } = this.deps;
    return { config: live.file, hash: live.hash, source: live.source, fileHash: this.base.hash, history: this.deps.versions.history(historyLimit) };
  }

  /**
   * Checks and applies a configuration edited in the back office. `baseHash` is the hash of the
   * configuration the editor started from: if somebody changed it since, nothing is applied.
   */
  edit(raw: unknown, baseHash: string, staffId: string): ApplyResult {
    const { live } = this.deps;
    if (baseHash !== live.hash) {
      throw new DomainError('CONFIG_CHANGED', 'The configuration was changed by someone else after you opened it; reload it, then make your change again.');
    }
    const next = checkConfig(raw, 'The configuration');
    this.checkAgainstQueue(next);
    const changes = diffConfig(live.file, next.file);
    if (changes.length === 0) return { hash: live.hash, changes: [], restartNeeded: [] };
    const applied = loadedConfig(next.file, OFFICE_SOURCE);
    const now = this.deps.service.clock();
    this.deps.service.record(
      [draft('config.applied', now, { hash: applied.hash, source: OFFICE_SOURCE, services: applied.queue.services.length, counters: applied.queue.counters.length, staffId, changes })],
      () => {
        this.deps.versions.insert({ appliedAt: now, source: OFFICE_SOURCE, staffId, hash: applied.hash, baseFileHash: this.base.hash, changes, config: applied.file });
        this.deps.meta.set('config_hash', applied.hash);
      },
    );
    live.set(applied);
    return { hash: applied.hash, changes, restartNeeded: changes.filter((c) => AT_START.some((re) => re.test(c))) };
  }

  /** What the queue now forbids: another branch id, removing a service in use or an open counter. */
  private checkAgainstQueue(next: LoadedConfig): void {
    const { live, service } = this.deps;
    const problems: string[] = [];
    if (next.file.branch.id !== live.file.branch.id) {
      problems.push(`branch.id: stays "${live.file.branch.id}" (head office knows the branch by it)`);
    }
    const services = new Set(next.queue.services.map((s) => s.code));
    for (const s of live.queue.services) {
      const active = services.has(s.code) ? 0 : service.activeTicketCount(s.code);
      if (active > 0) problems.push(`services[${s.code}]: ${active} customer(s) are waiting or at a counter for it; switch it off (enabled: false) instead of removing it`);
    }
    const counters = new Set(next.queue.counters.map((c) => c.id));
    for (const c of live.queue.counters) {
      if (!counters.has(c.id) && service.counterState(c.id).status !== 'closed') problems.push(`counters[${c.id}]: is open; close it before removing it`);
    }
    if (problems.length) throw new DomainError('CONFIG_INVALID', `The configuration has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`, problems);
  }
}

/**
 * Watches that the database files are still the ones the service opened (db/write-guard.ts
 * checks them around every write; this checks them every second when nothing is written), and
 * when they are not: logs it for IT, and shows an alert on the dashboard. The alert lives in
 * memory, since nothing can be saved any more; /api/health reports the same.
 *
 * On the same tick it copies the WAL into the database file once the service has been idle for
 * a moment, so checkpoints run between requests instead of inside a commit (db/open-database.ts).
 */
import type { BranchStore } from '../db/branch-store.js';
import type { AlertRecord } from '../db/insights-store.js';
import type { StorageProblem } from '../db/write-guard.js';
import type { Logger } from './logger.js';

/** Nothing written for this long: a checkpoint now is unlikely to hold up a request. */
const IDLE_BEFORE_CHECKPOINT_MS = 200;

export class StorageWatch {
  private timer: NodeJS.Timeout | undefined;
  private problem: StorageProblem | undefined;

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 1_000,
  ) {}

  /** The store calls this once, when it stops taking writes. */
  readonly onHalt = (p: StorageProblem): void => {
    this.problem = p;
    this.log.fatal(
      { detail: p.detail, saved: p.saved, numberingFile: p.numberingFile, rescue: p.rescue },
      'the database files changed under the branch service: it has stopped saving anything; restart it (the numbering file keeps numbers from being issued twice)',
    );
  };

  start(store: Pick<BranchStore, 'checkStorage' | 'checkpointWhenIdle'>): void {
    this.timer = setInterval(() => {
      try {
        if (!store.checkStorage()) store.checkpointWhenIdle(IDLE_BEFORE_CHECKPOINT_MS);
      } catch (err) {
        this.log.error({ err }, 'checking the database files failed');
      }
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** For /api/health. */
  health(): { writable: true } | { writable: false; problem: string; since: string; saved: boolean } {
    const p = this.problem;
    return p ? { writable: false, problem: p.detail, since: new Date(p.since).toISOString(), saved: p.saved } : { writable: true };
  }

  /** The dashboard's alert while the service cannot save. */
  alerts(): AlertRecord[] {
    const p = this.problem;
    if (!p) return [];
    return [
      {
        id: 'storage-replaced',
        key: 'storage:replaced',
        kind: 'storage_fault',
        severity: 'critical',
        message: {
          zh: `数据库文件被更改（${p.detail}），系统已停止保存：无法取号和叫号。请联系 IT 重启排队服务。`,
          en: `The database files changed (${p.detail}); the service has stopped saving: no tickets or calls. Call IT to restart the branch service.`,
        },
        raisedAt: p.since,
      },
    ];
  }
}

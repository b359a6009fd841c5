/**
 * Keeps the event log to what the branch still needs: events that head office holds and that
 * are older than `retention.eventDays` move to the archive files (db/event-archive.ts). Runs
 * shortly after start and then every few hours, a batch at a time with the event loop free
 * between batches, so a first run over a long log does not hold up the queue.
 */
import { join } from 'node:path';
import type { BranchStore } from '../db/branch-store.js';
import type { Logger } from './logger.js';

const BATCH = 1000;
const FIRST_RUN_MS = 60_000;
const EVERY_MS = 6 * 3_600_000;

export class EventRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly store: Pick<BranchStore, 'archiveEvents'>,
    private readonly opts: { dataDir: string; eventDays: number; clock: () => number; log: Logger },
  ) {}

  get archiveDir(): string {
    return join(this.opts.dataDir, 'archive');
  }

  start(): void {
    const tick = () => {
      void this.runOnce();
      this.timer = setTimeout(tick, EVERY_MS);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, FIRST_RUN_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  /** Archives everything that may go now; resolves with the number of events moved. One run at a time. */
  runOnce(): Promise<number> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<number> {
    const beforeIso = new Date(this.opts.clock() - this.opts.eventDays * 86_400_000).toISOString();
    let moved = 0;
    try {
      for (;;) {
        const batch = this.store.archiveEvents({ dir: this.archiveDir, beforeIso, limit: BATCH });
        moved += batch.moved;
        if (batch.moved < BATCH) break;
        await new Promise((r) => setImmediate(r));
      }
    } catch (err) {
      this.opts.log.error({ err, moved }, 'archiving old events failed; the log keeps them and the next run retries');
      return moved;
    }
    if (moved > 0) this.opts.log.info({ moved, before: beforeIso, dir: this.archiveDir }, 'archived events that head office holds');
    return moved;
  }
}

/**
 * Ingest of event batches from branches. Each event is checked with the very schemas the branch
 * wrote it with (core/events.ts); a batch is one stream's events in sequence order, stored in
 * one transaction or not at all. Admission is capped: past a queue of waiting batches the
 * answer is 429 with Retry-After, so a thundering herd of branches coming back online slows
 * down instead of piling up memory and timeouts.
 */
import { z } from 'zod';
import { DomainError } from '../common/errors.js';
import { branchEventSchema, parseEvent, type BranchEvent, type StreamName } from '../core/events.js';
import { encodeBatch } from './storage/event-rows.js';
import type { HqStore, IngestResult } from './storage/hq-store.js';

export const MAX_BATCH_EVENTS = 2000;

export const batchSchema = z
  .object({
    stream: branchEventSchema.shape.stream,
    events: z.array(z.unknown()).min(1, 'a batch needs at least one event').max(MAX_BATCH_EVENTS, `at most ${MAX_BATCH_EVENTS} events per batch`),
  })
  .strict();

/** Checks every event and the batch's shape; the branch comes from the credential alone. */
export function validateBatch(branch: string, body: unknown): { stream: StreamName; events: BranchEvent[] } {
  const b = batchSchema.safeParse(body);
  if (!b.success) throw new DomainError('BAD_BATCH', `The batch is malformed: ${b.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const events: BranchEvent[] = [];
  for (let i = 0; i < b.data.events.length; i++) {
    let e: BranchEvent;
    try {
      e = parseEvent(b.data.events[i]);
    } catch (err) {
      const issues = err instanceof z.ZodError ? err.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ') : String(err);
      throw new DomainError('BAD_EVENT', `Event ${i} of the batch does not match the event schema: ${issues}`, { index: i });
    }
    if (e.branch !== branch) {
      throw new DomainError('BRANCH_MISMATCH', `Event ${i} says it is from branch "${e.branch}", but this credential belongs to "${branch}"; a branch writes only its own streams.`, { index: i });
    }
    if (e.stream !== b.data.stream) throw new DomainError('BAD_BATCH', `Event ${i} belongs to stream "${e.stream}", not the batch's "${b.data.stream}".`, { index: i });
    if (i > 0 && e.seq !== events[i - 1]!.seq + 1) throw new DomainError('BAD_BATCH', `Event ${i} has seq ${e.seq}; a batch must be consecutive (expected ${events[i - 1]!.seq + 1}).`, { index: i });
    events.push(e);
  }
  return { stream: b.data.stream, events };
}

export interface AdmissionOptions {
  /** Batches written at once (the database's connections). */
  concurrency: number;
  /** Batches allowed to wait for a turn; past this the answer is 429. */
  queue: number;
}

/** A counting gate with a bounded queue; tells a refused caller when to come back. */
export class Admission {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private meanMs = 20;

  constructor(private readonly opts: AdmissionOptions) {}

  /** Seconds a refused caller should wait: the queue's expected drain time, at least one. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.meanMs * (this.waiting.length + this.running)) / this.opts.concurrency / 1000));
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.opts.concurrency) {
      if (this.waiting.length >= this.opts.queue) {
        throw new DomainError('OVERLOADED', 'Head office is busy; send this batch again after the time in Retry-After.', { retryAfterSeconds: this.retryAfterSeconds() });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.meanMs = this.meanMs * 0.9 + (performance.now() - started) * 0.1;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter.
      if (next) next();
      else this.running--;
    }
  }
}

export class Ingest {
  readonly admission: Admission;
  constructor(
    private readonly store: HqStore,
    opts: AdmissionOptions,
  ) {
    this.admission = new Admission(opts);
  }

  /**
   * Stores one batch. `readBody` parses the request's body: called only once the batch is
   * admitted, so an overloaded server refuses before spending time on parsing or checking it.
   */
  async batch(branch: string, readBody: () => unknown): Promise<IngestResult & { stream: StreamName }> {
    return this.admission.run(async () => {
      const { stream, events } = validateBatch(branch, await readBody());
      // Encoded before the first await on the database, so the parsed events die young (event-rows.ts).
      const encoded = encodeBatch(branch, stream, events);
      return { ...(await this.store.ingest(branch, encoded)), stream };
    });
  }
}

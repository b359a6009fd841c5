/**
 * The one write path of the branch (decision record 0002). Every change to the queue, and every
 * event that changes no queue state, goes through here, whoever asks: the LAN API, the call pads,
 * the ticket printer and card readers, the alert monitor, the simulator.
 *
 *   roll over → decide → commit → apply → publish
 *
 * - roll over: a business day that has ended is closed first, as its own committed outcome;
 * - decide: the engine works out the outcome without changing anything (it may refuse with a
 *   DomainError: nothing is written);
 * - commit: the outcome and its events in one SQLite transaction, with the answer for an
 *   Idempotency-Key when there is one; a refused write (disk full, I/O error) becomes
 *   STORAGE_FULL / STORAGE_FAILED and leaves memory untouched;
 * - apply: only then does the engine's memory take the outcome;
 * - publish: the stored events go to the stream, displays and listeners.
 *
 * Group commit (the branch service, once it is started): the commits of one turn of the event
 * loop share one transaction, each command a savepoint of it, and one fsync at the end of the
 * turn makes all of them durable. Memory takes each outcome as its savepoint is written, so the
 * next command of the turn decides on it; but nothing leaves the process before the fsync:
 * events are published, answers sent (`durable()`), tickets printed and pads told only once
 * the batch is committed. When the batch cannot be committed, memory is rebuilt from the
 * database and every command of the batch fails with STORAGE_FULL / STORAGE_FAILED.
 */
import type { Outcome, QueueEngine } from '../core/engine.js';
import type { BranchEvent, EventDraft } from '../core/events.js';
import type { BranchStore, IdempotentAnswer } from '../db/branch-store.js';
import { storageError } from '../db/storage-error.js';
import type { Logger } from './logger.js';

export type Clock = () => number;

/** A command's answer as the API gives it, and as a retried request with the same key gets it again. */
export interface Answer {
  status: number;
  body: unknown;
}

export interface IdempotencyOptions {
  key: string | undefined;
  staffId: string;
}

/** What the runner needs of the store. */
export type CommandStore = Pick<BranchStore, 'commit' | 'appendEvents' | 'idempotentAnswer'>;

/** What group commit needs: the store's batches, and memory rebuilt when a batch is lost. */
export interface GroupCommitOptions {
  store: Pick<BranchStore, 'beginBatch' | 'inBatch' | 'commitBatch' | 'abandonBatch'>;
  /** A new engine from the database, after a batch could not be committed. */
  reload(): QueueEngine;
}

/** At most this many commands share one fsync (sixteen clients at once make batches of up to sixteen). */
const MAX_BATCH_COMMANDS = 256;

interface Batch {
  /** The stored events of each commit, published once the batch is durable. */
  events: BranchEvent[][];
  settled: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
}

export interface CommandRunnerOptions {
  engine: QueueEngine;
  store: CommandStore;
  branchId: string;
  clock: Clock;
  log: Pick<Logger, 'error' | 'info'>;
  /** Receives the stored events of every commit, after memory has taken the outcome. */
  publish(events: BranchEvent[]): void;
  /** Sees every committed outcome (the simulator counts them). */
  committed?(outcome: Outcome): void;
  /** After the outcome that starts a new business day has been committed (housekeeping). */
  newDay?(day: string, now: number): void;
  /** Group commit, switched on by `groupCommits()`; without it every command commits at once. */
  group?: GroupCommitOptions;
}

export class CommandRunner {
  private engine: QueueEngine;
  private grouping = false;
  private batch: Batch | undefined;

  constructor(private readonly opts: CommandRunnerOptions) {
    this.engine = opts.engine;
  }

  /** From now on the commits of one turn of the event loop share one transaction and one fsync. */
  groupCommits(): void {
    if (this.opts.group) this.grouping = true;
  }

  /**
   * Settles once everything committed so far is durable; rejects with the storage error when
   * it could not be. Whatever tells the outside world about a command waits for this first.
   */
  durable(): Promise<void> {
    return this.batch?.settled ?? Promise.resolve();
  }

  /** The id of the first event of the batch not yet committed, if it has one (it and later ones are not durable yet). */
  firstPendingEventId(): number | undefined {
    return this.batch?.events.find((es) => es.length > 0)?.[0]?.id;
  }

  /**
   * Commits the open batch now (closing, or a caller that must know); throws the storage error
   * when it cannot be committed. The batch of a turn of the event loop commits by itself.
   */
  flush(): void {
    const failure = this.commitBatch();
    if (failure !== undefined) throw failure;
  }

  /** Commits the open batch; returns the storage error instead of throwing. */
  private commitBatch(): unknown {
    const b = this.batch;
    if (!b) return undefined;
    this.batch = undefined;
    try {
      this.opts.group!.store.commitBatch();
    } catch (e) {
      const lost = this.lose(e);
      b.reject(lost);
      return lost;
    }
    for (const events of b.events) this.opts.publish(events);
    b.resolve();
    return undefined;
  }

  /** Runs one command and returns its result (device adapters, the simulator). */
  run<R>(decide: (now: number) => Outcome<R>): R {
    this.rolloverIfDue();
    const outcome = decide(this.opts.clock());
    this.commit(outcome);
    return outcome.result;
  }

  /**
   * Runs one command for a request and renders its answer. With an Idempotency-Key the answer
   * is committed with the outcome, and a retry of the same key gets that answer back without
   * deciding again (a teller's "next" sent twice over a flaky network calls one customer).
   */
  answer<R>(decide: (now: number) => Outcome<R>, render: (result: R) => Answer, idem?: IdempotencyOptions): Answer {
    const key = idem?.key ? `${idem.staffId}:${idem.key}` : undefined;
    if (key) {
      const previous = this.opts.store.idempotentAnswer(key);
      if (previous) return { status: previous.status, body: JSON.parse(previous.body) as unknown };
    }
    this.rolloverIfDue();
    const now = this.opts.clock();
    const outcome = decide(now);
    const answer = render(outcome.result);
    const stored: IdempotentAnswer | undefined =
      key && idem ? { key, staffId: idem.staffId, status: answer.status, body: JSON.stringify(answer.body ?? null), createdAt: now } : undefined;
    this.commit(outcome, stored);
    return answer;
  }

  /**
   * Appends events that change no queue state (device status, print failures, configuration,
   * alerts). `alongside` writes rows of the same change (an alert's record) in the same
   * transaction, so the row and its event are stored together or not at all.
   */
  record(drafts: EventDraft[], alongside?: () => void): BranchEvent[] {
    if (drafts.length === 0 && !alongside) return [];
    const events = this.write(() => this.opts.store.appendEvents(drafts, this.opts.branchId, alongside));
    this.publishWhenDurable(events);
    return events;
  }

  /** Closes the business day when the clock has passed the reset time. */
  rolloverIfDue(): void {
    const now = this.opts.clock();
    const out = this.engine.rollover(now);
    if (!out) return;
    this.commit(out);
    this.opts.log.info({ day: out.result.day }, 'business day started; ticket numbers restart');
    this.opts.newDay?.(out.result.day, now);
  }

  private commit(outcome: Outcome, idem?: IdempotentAnswer): void {
    // A command that changes nothing (a counter opened twice, "next" with nobody waiting) writes
    // nothing: no transaction, no fsync.
    if (!idem && outcome.tickets.length === 0 && outcome.counters.length === 0 && outcome.sequences.length === 0 && outcome.events.length === 0) return;
    const events = this.write(() => this.opts.store.commit(outcome, this.opts.branchId, idem));
    this.engine.apply(outcome);
    this.opts.committed?.(outcome);
    this.publishWhenDurable(events);
  }

  private publishWhenDurable(events: BranchEvent[]): void {
    if (this.batch) this.batch.events.push(events);
    else this.opts.publish(events);
  }

  private write<T>(fn: () => T): T {
    // A turn of the event loop that runs many commands (a script, a replay) commits every
    // MAX_BATCH_COMMANDS: the transaction and the events held for publishing stay bounded.
    if (this.batch && this.batch.events.length >= MAX_BATCH_COMMANDS) this.commitBatch();
    if (this.grouping && !this.batch) this.openBatch();
    try {
      return fn();
    } catch (e) {
      // A failed write undoes its own savepoint; on a full disk or an I/O error SQLite may have
      // rolled back the whole batch, and with it the commands before this one.
      const b = this.batch;
      if (b && !this.opts.group!.store.inBatch()) {
        this.batch = undefined;
        const lost = this.lose(e);
        b.reject(lost);
        throw lost;
      }
      const se = storageError(e);
      if (!se) throw e;
      this.opts.log.error({ err: e, code: se.code }, 'database write failed; nothing changed');
      throw se;
    }
  }

  private openBatch(): void {
    this.opts.group!.store.beginBatch();
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const settled = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Whoever waits on it handles a failure; the batch itself is logged in lose().
    settled.catch(() => undefined);
    this.batch = { events: [], settled, resolve, reject };
    // The waiting answers get a failure through `settled`; nothing to throw here.
    setImmediate(() => void this.commitBatch());
  }

  /** A batch that will never be committed: roll it back, rebuild memory, name the error. */
  private lose(e: unknown): unknown {
    const group = this.opts.group!;
    group.store.abandonBatch();
    this.engine = group.reload();
    const se = storageError(e);
    this.opts.log.error({ err: e, code: se?.code }, 'database commit failed; the commands of this batch are undone');
    return se ?? e;
  }
}

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
}

export class CommandRunner {
  constructor(private readonly opts: CommandRunnerOptions) {}

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
    this.opts.publish(events);
    return events;
  }

  /** Closes the business day when the clock has passed the reset time. */
  rolloverIfDue(): void {
    const now = this.opts.clock();
    const out = this.opts.engine.rollover(now);
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
    this.opts.engine.apply(outcome);
    this.opts.committed?.(outcome);
    this.opts.publish(events);
  }

  private write<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      const se = storageError(e);
      if (!se) throw e;
      this.opts.log.error({ err: e, code: se.code }, 'database write failed; nothing changed');
      throw se;
    }
  }
}

/**
 * The branch service's application layer: runs queue commands against the engine, makes each
 * outcome durable in one transaction, then publishes its events. Also the read models the API
 * and pages need. HTTP, WebSocket and device adapters all go through here.
 */
import { AppError, isAppError } from '../common/errors.js';
import type { Outcome } from '../core/engine.js';
import { QueueEngine } from '../core/engine.js';
import type { BranchEvent, EventDraft } from '../core/events.js';
import type { Channel, CounterState, QueueConfig, Ticket } from '../core/types.js';
import type { BranchStore } from '../db/branch-store.js';
import { CommandRunner, type Answer, type Clock, type IdempotencyOptions } from './command-runner.js';
import type { EventHub } from './event-hub.js';
import type { Logger } from './logger.js';
import { randomUUID } from 'node:crypto';

export type { Answer, Clock, IdempotencyOptions };

// A retried request is answered from the first attempt for this long.
const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

export class BranchService {
  readonly engine: QueueEngine;
  private readonly runner: CommandRunner;
  private rolloverTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly store: BranchStore,
    private config: QueueConfig,
    readonly hub: EventHub,
    readonly clock: Clock,
    private readonly log: Logger,
  ) {
    const now = clock();
    const probe = new QueueEngine(config, { tickets: [], counters: [], sequences: [], businessDay: store.latestBusinessDay() }, randomUUID, now);
    this.engine = new QueueEngine(config, store.loadSnapshot(probe.businessDay), randomUUID, now);
    this.store.setMeta('branch_id', config.branch.id);
    this.runner = new CommandRunner({
      engine: this.engine,
      store,
      branchId: config.branch.id,
      clock,
      log,
      publish: (events) => hub.publish(events),
      newDay: (_day, at) => {
        store.deleteIdempotentBefore(at - IDEMPOTENCY_TTL_MS);
        store.deleteExpiredSessions(at);
      },
    });
  }

  get branchId(): string {
    return this.config.branch.id;
  }

  get queueConfig(): QueueConfig {
    return this.config;
  }

  updateConfig(config: QueueConfig): void {
    this.config = config;
    this.engine.setConfig(config);
  }

  /** Closes yesterday even when nobody presses anything past midnight. */
  startDayWatch(intervalMs = 30_000): void {
    this.rolloverTimer = setInterval(() => {
      try {
        this.runner.rolloverIfDue();
      } catch (err) {
        this.log.error({ err }, 'closing the business day failed; will retry');
      }
    }, intervalMs);
    this.rolloverTimer.unref();
  }

  stop(): void {
    if (this.rolloverTimer) clearInterval(this.rolloverTimer);
  }

  /**
   * Runs one command: decide against the engine, commit, apply, publish. When the decision
   * fails nothing is written; when the commit fails the engine is untouched.
   */
  execute<R>(decide: (now: number) => Outcome<R>, render: (result: R) => Answer, idem?: IdempotencyOptions): Answer {
    return this.runner.answer(decide, render, idem);
  }

  /** Appends events that change no queue state (device status, print failures, config). */
  record(drafts: EventDraft[], alongside?: () => void): BranchEvent[] {
    return this.runner.record(drafts, alongside);
  }

  // ---------------------------------------------------------------- read models

  servicesView() {
    const now = this.clock();
    return this.config.services.map((s) => {
      const waiting = this.engine.waitingCount(s.code);
      const oldest = this.engine.oldestWaiting(s.code);
      const issued = this.engine.issuedToday(s.code);
      const capped = s.dailyCap !== undefined && issued >= s.dailyCap;
      const counters = this.config.counters.filter((c) => c.services.some((x) => x.code === s.code));
      const openCounters = counters.filter((c) => this.engine.counter(c.id).status !== 'closed').length;
      return {
        code: s.code,
        prefix: s.prefix,
        name: s.name,
        icon: s.icon,
        waiting,
        longestWaitSeconds: oldest ? Math.max(0, Math.round((now - oldest.queuedAt) / 1000)) : 0,
        targetWaitMinutes: s.targetWaitMinutes,
        enabled: s.enabled,
        available: s.enabled && !capped,
        unavailableReason: !s.enabled ? 'closed' : capped ? 'capped' : undefined,
        openCounters,
        estimate: this.engine.estimate(s.code, this.engine.aheadForNew(s.code)),
        selfService: s.selfService,
        issuedToday: issued,
        dailyCap: s.dailyCap,
      };
    });
  }

  queueView() {
    const now = this.clock();
    return {
      branch: this.branchId,
      businessDay: this.engine.businessDay,
      at: new Date(now).toISOString(),
      lastEventId: this.store.lastEventId(),
      services: this.config.services.map((s) => {
        const oldest = this.engine.oldestWaiting(s.code);
        const longest = oldest ? Math.max(0, Math.round((now - oldest.queuedAt) / 1000)) : 0;
        return {
          code: s.code,
          name: s.name,
          waiting: this.engine.waitingCount(s.code),
          longestWaitSeconds: longest,
          targetWaitMinutes: s.targetWaitMinutes,
          overTarget: longest > s.targetWaitMinutes * 60,
          issuedToday: this.engine.issuedToday(s.code),
        };
      }),
      counters: this.config.counters.map((c) => {
        const st = this.engine.counter(c.id);
        const cur = st.currentTicketId ? this.engine.ticket(st.currentTicketId) : undefined;
        return {
          id: c.id,
          name: c.name,
          status: st.status,
          state: st.status === 'open' ? (cur ? 'serving' : 'idle') : st.status,
          pauseReason: st.pauseReason,
          staffId: st.staffId,
          since: st.since ? new Date(st.since).toISOString() : undefined,
          services: c.services,
          currentTicket: cur ? publicTicket(cur) : null,
          servedToday: st.servedDay === this.engine.businessDay ? st.servedToday : 0,
        };
      }),
    };
  }

  /** A ticket as the customer's phone may see it: position and counter, no personal data. */
  ticketView(id: string) {
    const t = this.engine.ticket(id) ?? this.store.ticket(id);
    if (!t) throw new AppError('UNKNOWN_TICKET', 'No such ticket.', 404);
    const service = this.config.services.find((s) => s.code === t.serviceCode);
    const waiting = t.status === 'waiting' && this.engine.ticket(id) !== undefined;
    const ahead = waiting ? this.engine.position(t) : 0;
    const to = t.transferredTo ? (this.engine.ticket(t.transferredTo) ?? this.store.ticket(t.transferredTo)) : undefined;
    return {
      ...publicTicket(t),
      serviceName: service?.name,
      ahead,
      estimate: waiting ? this.engine.estimate(t.serviceCode, ahead) : null,
      transferredTo: to ? { id: to.id, number: to.number, serviceCode: to.serviceCode } : undefined,
    };
  }

  issue(input: { serviceCode: string; segment?: string; channel?: Channel }, idem?: IdempotencyOptions): Answer {
    return this.execute(
      (now) => this.engine.issue(input, now),
      (t) => ({ status: 201, body: issuedTicket(t) }),
      idem,
    );
  }
}

export function counterStateView(c: CounterState) {
  return {
    id: c.id,
    status: c.status,
    staffId: c.staffId,
    pauseReason: c.pauseReason,
    currentTicketId: c.currentTicketId,
    since: c.since ? new Date(c.since).toISOString() : undefined,
  };
}

export function publicTicket(t: Ticket) {
  return {
    id: t.id,
    number: t.number,
    serviceCode: t.serviceCode,
    segment: t.segment,
    status: t.status,
    issuedAt: new Date(t.issuedAt).toISOString(),
    calledAt: t.calledAt ? new Date(t.calledAt).toISOString() : undefined,
    counterId: t.counterId,
    recalls: t.recalls,
  };
}

export function issuedTicket(t: Ticket) {
  return {
    id: t.id,
    number: t.number,
    serviceCode: t.serviceCode,
    segment: t.segment,
    status: t.status,
    ahead: t.ahead,
    estimate: t.estimate,
    issuedAt: new Date(t.issuedAt).toISOString(),
  };
}

/** A ticket as staff see it at the counter, with how long it waited and why it was chosen. */
export function counterTicket(t: Ticket, now: number) {
  return {
    ...publicTicket(t),
    waitedSeconds: Math.max(0, Math.round(((t.calledAt ?? now) - t.queuedAt) / 1000)),
    callReason: t.callReason,
    transferredFrom: t.transferredFrom,
    startedAt: t.startedAt ? new Date(t.startedAt).toISOString() : undefined,
  };
}

export { isAppError };

/**
 * The branch service's application layer: the queue commands, each run through the one command
 * runner (roll over → decide → commit → apply → publish), and the read models the API, pages and
 * devices need. HTTP routes, device adapters, the alert monitor and the kiosk all go through
 * here; none of them touches the engine or the store.
 */
import { randomUUID } from 'node:crypto';
import { DomainError } from '../common/errors.js';
import { isOpenAt, openingState } from '../core/calendar.js';
import { QueueEngine, type Actor, type IssueInput } from '../core/engine.js';
import type { BranchEvent, EventDraft } from '../core/events.js';
import type { CounterState, QueueConfig, Ticket } from '../core/types.js';
import type { BranchStore } from '../db/branch-store.js';
import { CommandRunner, type Answer, type Clock, type IdempotencyOptions } from './command-runner.js';
import { loadEstimatorState, saveEstimatorState } from './estimator-memory.js';
import type { EventHub } from './event-hub.js';
import type { Logger } from './logger.js';

export type { Actor, Answer, Clock, IdempotencyOptions };

// A retried request is answered from the first attempt for this long.
const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

const counterAnswer = (c: CounterState): Answer => ({ status: 200, body: { counter: counterStateView(c) } });

export class BranchService {
  private engine: QueueEngine;
  private readonly runner: CommandRunner;
  private rolloverTimer: NodeJS.Timeout | undefined;
  /** The newest event handed to listeners: later ones are in a batch not yet durable. */

  constructor(
    private readonly store: BranchStore,
    private config: QueueConfig,
    readonly hub: EventHub,
    readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.engine = this.loadEngine();
    this.store.setMeta('branch_id', config.branch.id);
    this.runner = new CommandRunner({
      engine: this.engine,
      store,
      branchId: config.branch.id,
      clock,
      log,
      publish: (events) => hub.publish(events),
      newDay: (_day, at) => {
        saveEstimatorState(store, this.engine.estimatorState());
        store.deleteIdempotentBefore(at - IDEMPOTENCY_TTL_MS);
        store.deleteExpiredSessions(at);
      },
      group: {
        store,
        reload: () => {
          this.engine = this.loadEngine();
          return this.engine;
        },
      },
    });
  }

  /** The engine as the database has it: the latest business day's tickets, counters and numbers. */
  private loadEngine(): QueueEngine {
    const now = this.clock();
    const probe = new QueueEngine(this.config, { tickets: [], counters: [], sequences: [], businessDay: this.store.latestBusinessDay() }, randomUUID, now);
    const estimator = loadEstimatorState(this.store, this.config, probe.businessDay, this.log);
    return new QueueEngine(this.config, { ...this.store.loadSnapshot(probe.businessDay), estimator }, randomUUID, now);
  }


  /**
   * Group commit from now on (decision record 0002): the commands of one turn of the event loop
   * are made durable by one fsync. The service switches it on once it has started.
   */
  groupCommits(): void {
    this.runner.groupCommits();
  }

  /** Settles once every command so far is durable; rejects with STORAGE_* when it could not be. */
  durable(): Promise<void> {
    return this.runner.durable();
  }

  /**
   * The newest event that is durable and has been published; later ones belong to a batch still
   * waiting for its fsync (head office's uploader reads no further).
   */
  durableEventId(): number {
    // Without a batch waiting, everything in the log is durable (also what maintenance tools
    // appended without the service).
    const pending = this.runner.firstPendingEventId();
    return pending === undefined ? this.store.lastEventId() : pending - 1;
  }

  /** Commits what is waiting for the end of this turn of the event loop now (closing). */
  flush(): void {
    this.runner.flush();
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

  // ---------------------------------------------------------------- commands
  //
  // Each answers as the LAN API does (the body a retry with the same Idempotency-Key gets
  // again). A refusal is a DomainError with a stable code; nothing is written then.

  issue(input: IssueInput, idem?: IdempotencyOptions): Answer {
    return this.runner.answer(
      (now) => this.engine.issue(input, now),
      // servedNow false: no counter that serves it is open, so pages quote no wait (the estimate
      // stays in the answer, whose shape is a contract, and is kept for the estimator's learning).
      (t) => ({ status: 201, body: { ...issuedTicket(t), servedNow: this.servedNow(t.serviceCode) } }),
      idem,
    );
  }

  /** The next customer for the counter: 200 with the ticket, or 204 when nobody waits. */
  callNext(counterId: string, actor: Actor, idem?: IdempotencyOptions): Answer {
    return this.runner.answer(
      (now) => this.engine.callNext(counterId, actor, now),
      (t) => (t ? this.ticketAnswer(t) : { status: 204, body: null }),
      idem,
    );
  }

  recall(counterId: string, actor: Actor, idem?: IdempotencyOptions): Answer {
    return this.runner.answer((now) => this.engine.recall(counterId, actor, now), (t) => this.ticketAnswer(t), idem);
  }

  start(counterId: string, actor: Actor, idem?: IdempotencyOptions): Answer {
    return this.runner.answer((now) => this.engine.start(counterId, actor, now), (t) => this.ticketAnswer(t), idem);
  }

  complete(counterId: string, actor: Actor, idem?: IdempotencyOptions): Answer {
    return this.runner.answer((now) => this.engine.complete(counterId, actor, now), (t) => this.ticketAnswer(t), idem);
  }

  noShow(counterId: string, actor: Actor, idem?: IdempotencyOptions): Answer {
    return this.runner.answer((now) => this.engine.noShow(counterId, actor, now), (t) => this.ticketAnswer(t), idem);
  }

  /** The called customer goes back to the line at the place they had; the counter is free. */
  putBack(counterId: string, actor: Actor, idem?: IdempotencyOptions): Answer {
    return this.runner.answer((now) => this.engine.putBack(counterId, actor, now), (t) => this.ticketAnswer(t), idem);
  }

  /** Staff move a waiting ticket to another service (a new number, same place in time); answers with the new ticket. */
  move(ticketId: string, serviceCode: string, actor: Actor, idem?: IdempotencyOptions): Answer {
    return this.runner.answer((now) => this.engine.move(ticketId, serviceCode, actor, now), (r) => ({ status: 200, body: { ticket: this.staffTicket(r.fresh, [r.moved]) } }), idem);
  }

  /** Sends the customer at the counter to another service; answers with the new ticket. */
  transfer(counterId: string, serviceCode: string, actor: Actor, idem?: IdempotencyOptions): Answer {
    return this.runner.answer((now) => this.engine.transfer(counterId, serviceCode, actor, now), (t) => this.ticketAnswer(t), idem);
  }

  openCounter(counterId: string, actor: Actor, idem?: IdempotencyOptions): Answer {
    return this.runner.answer((now) => this.engine.open(counterId, actor, now), counterAnswer, idem);
  }

  closeCounter(counterId: string, actor: Actor, idem?: IdempotencyOptions): Answer {
    return this.runner.answer((now) => this.engine.close(counterId, actor, now), counterAnswer, idem);
  }

  pause(counterId: string, reason: string, actor: Actor, idem?: IdempotencyOptions): Answer {
    return this.runner.answer((now) => this.engine.pause(counterId, reason, actor, now), counterAnswer, idem);
  }

  resume(counterId: string, actor: Actor, idem?: IdempotencyOptions): Answer {
    return this.runner.answer((now) => this.engine.resume(counterId, actor, now), counterAnswer, idem);
  }

  /** A no-show customer who came back joins the back of the line. */
  rejoin(ticketId: string, actor: Actor, idem?: IdempotencyOptions): Answer {
    return this.runner.answer(
      (now) => this.engine.rejoin(ticketId, actor, now),
      (t) => ({ status: 200, body: { ticket: counterTicket(t, this.clock()), ahead: t.ahead, estimate: t.estimate } }),
      idem,
    );
  }

  cancel(ticketId: string, reason: string, actor: Actor, idem?: IdempotencyOptions): Answer {
    return this.runner.answer((now) => this.engine.cancel(ticketId, reason, actor, now), (t) => this.ticketAnswer(t), idem);
  }

  /**
   * Appends events that change no queue state (device status, print failures, configuration,
   * alerts); `alongside` writes the rows of the same change in the same transaction.
   */
  record(drafts: EventDraft[], alongside?: () => void): BranchEvent[] {
    return this.runner.record(drafts, alongside);
  }

  private ticketAnswer(t: Ticket): Answer {
    return { status: 200, body: { ticket: counterTicket(t, this.clock()) } };
  }

  // ---------------------------------------------------------------- read models

  get businessDay(): string {
    return this.engine.businessDay;
  }

  /** What GET /api/health reports of the queue. */
  health() {
    return { businessDay: this.engine.businessDay, waiting: this.engine.totalWaiting(), lastEventId: this.store.lastEventId() };
  }

  /**
   * The log from an event id on (the stream's replay, GET /api/events), as far as it has been
   * published: events of a batch not yet durable reach the stream's subscribers when it is.
   */
  eventsAfter(afterId: number, limit: number): BranchEvent[] {
    const upto = this.durableEventId();
    return this.store.eventsAfter(afterId, limit).filter((e) => e.id <= upto);
  }

  /** The log between two event ids (the stream's paged replay). */
  eventsBetween(afterId: number, uptoId: number): BranchEvent[] {
    // Like eventsAfter: only what has been published (durable).
    return this.store.eventsBetween(afterId, Math.min(uptoId, this.durableEventId()));
  }

  /** The id of the newest event in the log. */
  lastEventId(): number {
    return this.store.lastEventId();
  }

  /** The newest event of a type (the stream's replay floor: the latest day.closed). */
  latestEventIdOfType(type: BranchEvent['type']): number | undefined {
    return this.store.latestEventIdOfType(type);
  }

  /** Tickets still waiting, called or being served, in the engine's order. */
  activeTickets(): Ticket[] {
    return this.engine.activeTickets();
  }

  /** A ticket from memory, or from the database when it is of an earlier day. */
  ticket(id: string): Ticket | undefined {
    return this.engine.ticket(id) ?? this.store.ticket(id);
  }

  /** A counter's state now (closed when it has never opened). */
  counterState(counterId: string): CounterState {
    return this.engine.counter(counterId);
  }

  /** A ticket of the current business day (or one still active from before), from memory. */
  liveTicket(id: string): Ticket | undefined {
    return this.engine.ticket(id);
  }

  /** A ticket of any day: from memory when it is today's, else from the database. */
  ticketRecord(id: string): Ticket | undefined {
    return this.engine.ticket(id) ?? this.store.ticket(id);
  }

  waitingCount(serviceCode: string): number {
    return this.engine.waitingCount(serviceCode);
  }

  meanServiceMinutes(serviceCode: string): number {
    return this.engine.meanServiceMinutes(serviceCode);
  }

  /** A counter as its teller's console recovers it: state, the ticket at it as staff see it. */
  counterView(counterId: string) {
    if (!this.config.counters.some((c) => c.id === counterId)) throw new DomainError('UNKNOWN_COUNTER', `There is no counter ${counterId}.`);
    const st = this.engine.counter(counterId);
    const t = st.currentTicketId ? this.engine.ticket(st.currentTicketId) : undefined;
    return { counter: counterStateView(st), ticket: t ? counterTicket(t, this.clock()) : null, lastEventId: this.store.lastEventId() };
  }

  /** Whether any counter that serves the service is open (or paused for a break) now. */
  servedNow(serviceCode: string): boolean {
    return this.config.counters.some((c) => c.services.some((x) => x.code === serviceCode) && this.engine.counter(c.id).status !== 'closed');
  }

  /** Whether the branch is open now, until when, or when it opens next (the kiosk's start screen). */
  opening() {
    return openingState(this.clock(), this.config.branch.timeZone, this.config.branch.hours);
  }

  servicesView() {
    const now = this.clock();
    const branchOpen = isOpenAt(now, this.config.branch.timeZone, this.config.branch.hours);
    return this.config.services.map((s) => {
      const waiting = this.engine.waitingCount(s.code);
      const oldest = this.engine.oldestWaiting(s.code);
      const issued = this.engine.issuedToday(s.code);
      const capped = s.dailyCap !== undefined && issued >= s.dailyCap;
      const counters = this.config.counters.filter((c) => c.services.some((x) => x.code === s.code));
      const openCounters = counters.filter((c) => this.engine.counter(c.id).status !== 'closed').length;
      const available = branchOpen && s.enabled && !capped;
      return {
        code: s.code,
        prefix: s.prefix,
        name: s.name,
        icon: s.icon,
        waiting,
        longestWaitSeconds: oldest ? Math.max(0, Math.round((now - oldest.queuedAt) / 1000)) : 0,
        targetWaitMinutes: s.targetWaitMinutes,
        enabled: s.enabled,
        available,
        unavailableReason: !branchOpen ? 'branch_closed' : !s.enabled ? 'closed' : capped ? 'capped' : undefined,
        openCounters,
        /** Whether a counter that serves it is open now; without one no wait is quoted. */
        servedNow: openCounters > 0,
        estimate: available && openCounters > 0 ? this.engine.estimate(s.code, this.engine.aheadForNew(s.code)) : null,
        selfService: s.selfService,
        issuedToday: issued,
        dailyCap: s.dailyCap,
      };
    });
  }

  /** The queue as the lobby screen shows it; staff ids only for `staff` (a signed-in caller). */
  queueView(staff = false) {
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
          staffId: staff ? st.staffId : undefined,
          since: st.since ? new Date(st.since).toISOString() : undefined,
          services: c.services,
          currentTicket: cur ? publicTicket(cur) : null,
          servedToday: st.servedDay === this.engine.businessDay ? st.servedToday : 0,
        };
      }),
    };
  }

  /**
   * GET /api/tickets/:id for anyone on the LAN: the ticket's view on its own business day (or
   * while it is still active); afterwards nobody needs it, so it answers TICKET_EXPIRED.
   */
  ticketPage(id: string) {
    const live = this.engine.ticket(id);
    const stored = live ? undefined : this.store.ticket(id);
    if (stored && stored.businessDay < this.engine.businessDay) {
      throw new DomainError('TICKET_EXPIRED', `This ticket was for ${stored.businessDay}; a ticket's page works on its own business day only.`);
    }
    return this.ticketView(id);
  }

  /** Tickets of this business day (or another day's) still waiting or at a counter for a service. */
  activeTicketCount(serviceCode: string): number {
    return this.engine.activeTickets().filter((t) => t.serviceCode === serviceCode).length;
  }

  /** A ticket by id as staff see it (GET /api/tickets?number=… and the back office). */
  staffTicketById(id: string) {
    const t = this.engine.ticket(id) ?? this.store.ticket(id);
    if (!t) throw new DomainError('UNKNOWN_TICKET', `There is no ticket ${id}.`);
    return this.staffTicket(t);
  }

  /** The tickets with a number on a business day (today when none is given), as staff see them. */
  findTickets(number: string, day = this.engine.businessDay) {
    return this.store.ticketsByNumber(day, number).map((t) => this.staffTicket(this.engine.ticket(t.id) ?? t));
  }

  /** Everything staff may know of a ticket: times, counter, teller, why it was called, where it went. */
  staffTicket(t: Ticket, pending: Ticket[] = []) {
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
    // `pending`: tickets of a command being answered, which memory does not hold yet.
    const ref = (id: string | undefined) => {
      const other = id ? (pending.find((p) => p.id === id) ?? this.engine.ticket(id) ?? this.store.ticket(id)) : undefined;
      return other ? { id: other.id, number: other.number, serviceCode: other.serviceCode, status: other.status } : undefined;
    };
    const known = this.engine.ticket(t.id) !== undefined;
    const waiting = t.status === 'waiting' && known;
    return {
      id: t.id,
      number: t.number,
      businessDay: t.businessDay,
      serviceCode: t.serviceCode,
      serviceName: this.config.services.find((s) => s.code === t.serviceCode)?.name,
      segment: t.segment,
      channel: t.channel,
      status: t.status,
      counterId: t.counterId,
      staffId: t.staffId,
      issuedAt: iso(t.issuedAt)!,
      queuedAt: iso(t.queuedAt)!,
      calledAt: iso(t.calledAt),
      startedAt: iso(t.startedAt),
      endedAt: iso(t.endedAt),
      endReason: t.endReason,
      ahead: waiting ? this.engine.position(t) : t.status === 'waiting' && !known ? t.ahead : undefined,
      recalls: t.recalls,
      rejoins: t.rejoins,
      callReason: t.callReason,
      transferredFrom: ref(t.transferredFrom),
      transferredTo: ref(t.transferredTo),
    };
  }

  /** A ticket as the customer's phone may see it: position and counter, no personal data. */
  ticketView(id: string) {
    const t = this.engine.ticket(id) ?? this.store.ticket(id);
    if (!t) throw new DomainError('UNKNOWN_TICKET', 'No such ticket.');
    const service = this.config.services.find((s) => s.code === t.serviceCode);
    const waiting = t.status === 'waiting' && this.engine.ticket(id) !== undefined;
    const ahead = waiting ? this.engine.position(t) : 0;
    const to = t.transferredTo ? (this.engine.ticket(t.transferredTo) ?? this.store.ticket(t.transferredTo)) : undefined;
    const servedNow = this.servedNow(t.serviceCode);
    return {
      ...publicTicket(t),
      serviceName: service?.name,
      ahead,
      servedNow,
      estimate: waiting && servedNow ? this.engine.estimate(t.serviceCode, ahead) : null,
      transferredTo: to ? { id: to.id, number: to.number, serviceCode: to.serviceCode } : undefined,
    };
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

/** A ticket on the lobby screen and the customer's phone: no segment, no staff id. */
export function publicTicket(t: Ticket) {
  return {
    id: t.id,
    number: t.number,
    serviceCode: t.serviceCode,
    status: t.status,
    issuedAt: new Date(t.issuedAt).toISOString(),
    calledAt: t.calledAt ? new Date(t.calledAt).toISOString() : undefined,
    counterId: t.counterId,
    recalls: t.recalls,
  };
}

/** The answer to whoever issued the ticket (the kiosk prints the segment, e.g. priority help). */
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
    segment: t.segment,
    waitedSeconds: Math.max(0, Math.round(((t.calledAt ?? now) - t.queuedAt) / 1000)),
    callReason: t.callReason,
    transferredFrom: t.transferredFrom,
    startedAt: t.startedAt ? new Date(t.startedAt).toISOString() : undefined,
  };
}


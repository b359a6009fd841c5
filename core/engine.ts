/**
 * The queue engine: the branch's queue state in memory and the commands that change it.
 *
 * Every command is split in two so that nothing changes unless it was made durable:
 *   decide → an Outcome (new versions of tickets and counters, number sequences, events)
 *   apply  → the in-memory state takes the Outcome, after the database committed it.
 * Nothing here does I/O; time and ids are passed in, so tests and the simulator drive it freely.
 */
import { DomainError } from '../common/errors.js';
import { businessDay, isOpenAt } from './calendar.js';
import type { WaitEstimate } from './estimate.js';
import { ServiceTimes, type Customer, type QueueFacts } from './estimate-inputs.js';
import { draft, type EventDraft } from './events.js';
import { DailyNumbers, laterDay } from './numbering.js';
import { selectNext } from './selection.js';
import type {
  Channel,
  CounterDef,
  CounterState,
  NumberSequence,
  QueueConfig,
  ServiceDef,
  Ticket,
} from './types.js';
import { countBefore, WaitingIndex } from './waiting-index.js';
import { WaitEstimator, type EstimatorState } from './wait-estimator.js';

export interface Outcome<R = unknown> {
  tickets: Ticket[];
  counters: CounterState[];
  sequences: NumberSequence[];
  events: EventDraft[];
  result: R;
  /** Set by the day's rollover: the business day that begins once this outcome is applied. */
  startsDay?: string;
}

export interface EngineSnapshot {
  /** Today's tickets in any status, plus active tickets of earlier days (they get closed). */
  tickets: Ticket[];
  counters: CounterState[];
  sequences: NumberSequence[];
  /** The latest business day the log has seen; the engine's day never goes back before it. */
  businessDay?: string;
  /** The wait estimator's memory of earlier days (history and calibration), as last saved. */
  estimator?: EstimatorState;
}

export interface IssueInput {
  serviceCode: string;
  segment?: string;
  channel?: Channel;
}

export interface Actor {
  staffId?: string;
}

const ACTIVE = new Set(['waiting', 'called', 'serving']);

/** Refuses a command: a stable code and a message for the person at the counter or kiosk. */
function fail(code: string, message: string, details?: unknown): never {
  throw new DomainError(code, message, details);
}

export class QueueEngine {
  private readonly services = new Map<string, ServiceDef>();
  private readonly counterDefs = new Map<string, CounterDef>();
  private readonly prioritySegments = new Set<string>();
  private readonly tickets = new Map<string, Ticket>();
  private readonly counters = new Map<string, CounterState>();
  private readonly numbers = new DailyNumbers();
  private readonly index: WaitingIndex;
  private readonly serviceTimes = new ServiceTimes(this.services);
  private readonly estimator: WaitEstimator;
  /** What the estimate's inputs are gathered from: a read-only view of this engine. */
  private readonly facts: QueueFacts;
  /** The latest time a command or event carried: estimates asked for between commands use it. */
  private lastNow = 0;
  private day: string;
  /**
   * Whether active tickets of an earlier day are in memory. New tickets always belong to the
   * current day, so only a start-up snapshot can bring such tickets; the check on every
   * command must not walk the day's tickets.
   */
  private staleActive = false;

  constructor(
    private config: QueueConfig,
    snapshot: EngineSnapshot,
    private readonly newId: () => string,
    now: number,
  ) {
    this.index = new WaitingIndex((s) => this.prioritySegments.has(s));
    this.estimator = new WaitEstimator((s) => this.prioritySegments.has(s), config.branch.timeZone, config.roster, snapshot.estimator);
    this.lastNow = now;
    const config_ = () => this.config;
    this.facts = {
      services: this.services,
      counterDefs: this.counterDefs,
      counter: (id) => this.counter(id),
      ticket: (id) => this.tickets.get(id),
      isActive: (t) => ACTIVE.has(t.status),
      isPriority: (s) => this.prioritySegments.has(s),
      lines: (code) => this.index.line(code),
      meanServiceMinutes: (code) => this.serviceTimes.meanMinutes(code),
      get rules() {
        return config_().rules;
      },
    };
    this.setConfig(config);
    this.day = laterDay(businessDay(now, config.branch.timeZone, config.branch.dayStartsAt), snapshot.businessDay);
    for (const s of snapshot.sequences) this.numbers.put(s);
    for (const c of snapshot.counters) this.counters.set(c.id, c);
    for (const t of snapshot.tickets) this.putTicket(t);
    this.staleActive = snapshot.tickets.some((t) => t.businessDay !== this.day && ACTIVE.has(t.status));
    for (const t of snapshot.tickets) this.serviceTimes.learn(t);
    for (const t of snapshot.tickets) this.estimator.replay(t);
  }

  /** Takes a new configuration; tickets and counter states are kept. */
  setConfig(config: QueueConfig): void {
    this.config = config;
    this.services.clear();
    for (const s of config.services) this.services.set(s.code, s);
    this.counterDefs.clear();
    for (const c of config.counters) this.counterDefs.set(c.id, c);
    this.prioritySegments.clear();
    for (const s of config.segments) if (s.priority) this.prioritySegments.add(s.code);
    this.estimator?.setConfig(config.branch.timeZone, config.roster);
  }

  // ---------------------------------------------------------------- queries

  get businessDay(): string {
    return this.day;
  }

  getConfig(): QueueConfig {
    return this.config;
  }

  ticket(id: string): Ticket | undefined {
    return this.tickets.get(id);
  }

  counter(id: string): CounterState {
    return this.counters.get(id) ?? { id, status: 'closed', priorityStreak: 0, since: 0, servedToday: 0 };
  }

  counterIds(): string[] {
    return [...this.counterDefs.keys()];
  }

  waitingCount(serviceCode: string): number {
    return this.index.waitingCount(serviceCode);
  }

  totalWaiting(): number {
    return this.index.total();
  }

  oldestWaiting(serviceCode: string): Ticket | undefined {
    return this.index.oldest(serviceCode);
  }

  issuedToday(serviceCode: string): number {
    return this.numbers.issued(serviceCode, this.day);
  }

  activeTickets(): Ticket[] {
    return [...this.tickets.values()].filter((t) => ACTIVE.has(t.status));
  }

  meanServiceMinutes(serviceCode: string): number {
    return this.serviceTimes.meanMinutes(serviceCode);
  }

  /** Customers that will be called before `t` in its service (priority lines go first). */
  position(t: Ticket): number {
    const lines = this.index.line(t.serviceCode);
    if (this.prioritySegments.has(t.segment)) return countBefore(lines.priority, t);
    return lines.priority.length + countBefore(lines.regular, t);
  }

  /** Customers a ticket taken now would have ahead of it. */
  aheadForNew(serviceCode: string, segment = 'regular'): number {
    const lines = this.index.line(serviceCode);
    return this.prioritySegments.has(segment) ? lines.priority.length : lines.priority.length + lines.regular.length;
  }

  /**
   * The wait range for a ticket of `serviceCode` with `ahead` customers before it (see
   * estimate.ts): from the counters that serve the service, what each is doing now, the work in
   * their other lines, the service times learned today and the priority arrivals that overtake.
   */
  estimate(serviceCode: string, ahead: number, segment = 'regular', now = this.lastNow): WaitEstimate {
    const lines = this.index.line(serviceCode);
    const priority = this.prioritySegments.has(segment);
    const side = priority ? lines.priority : lines.regular;
    const position = Math.max(0, priority ? ahead : ahead - lines.priority.length);
    // `ahead` of a customer in the line names them; one more than the line holds is a newcomer.
    const there = position < side.length ? side[position] : undefined;
    const us: Customer = { serviceCode, segment, queuedAt: there?.queuedAt ?? now, issuedAt: there?.issuedAt ?? now, position: Math.min(position, side.length), inLine: !!there };
    return this.estimator.estimate(this.facts, us, this.day, now);
  }

  /** The estimate for a ticket about to join its line (issued, transferred, rejoined). */
  private estimateJoining(t: Ticket, now: number): WaitEstimate {
    const lines = this.index.line(t.serviceCode);
    const side = this.prioritySegments.has(t.segment) ? lines.priority : lines.regular;
    return this.estimator.estimate(this.facts, { serviceCode: t.serviceCode, segment: t.segment, queuedAt: t.queuedAt, issuedAt: t.issuedAt, position: countBefore(side, t), inLine: false }, this.day, now);
  }

  /** The estimator's memory of earlier days, for the service to keep across restarts. */
  estimatorState(): EstimatorState {
    return this.estimator.toState();
  }

  /** Whether a counter that holds the service as primary is open now (not paused, not closed). */
  private hasOpenPrimary(serviceCode: string): boolean {
    for (const def of this.counterDefs.values()) {
      if (this.counter(def.id).status !== 'open') continue;
      if (def.services.some((s) => s.code === serviceCode && s.level === 'primary')) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- commands

  /** Closes the previous business day when the clock has passed the reset time. */
  rollover(now: number): Outcome<{ day: string }> | null {
    const today = laterDay(businessDay(now, this.config.branch.timeZone, this.config.branch.dayStartsAt), this.day);
    if (today === this.day && !this.staleActive) return null;
    const out: Outcome<{ day: string }> = { ...emptyOutcome({ day: today }), startsDay: today };
    let cancelled = 0;
    for (const t of this.tickets.values()) {
      if (t.businessDay === today || !ACTIVE.has(t.status)) continue;
      const closed: Ticket = { ...t, status: 'cancelled', endedAt: now, endReason: 'end_of_day' };
      out.tickets.push(closed);
      out.events.push(draft('ticket.cancelled', now, { ticket: closed, reason: 'end_of_day' }));
      cancelled++;
    }
    for (const c of this.counters.values()) {
      if (c.currentTicketId && out.tickets.some((t) => t.id === c.currentTicketId)) {
        out.counters.push({ ...c, currentTicketId: undefined, since: now });
      }
    }
    out.events.push(draft('day.closed', now, { businessDay: this.day, cancelled }));
    return out;
  }

  issue(input: IssueInput, now: number): Outcome<Ticket> {
    const service = this.services.get(input.serviceCode);
    if (!service) fail('UNKNOWN_SERVICE', `There is no service "${input.serviceCode}" at this branch.`);
    const segment = input.segment ?? 'regular';
    if (!this.config.segments.some((s) => s.code === segment)) {
      fail('UNKNOWN_SEGMENT', `Unknown customer segment "${segment}"; known: ${this.config.segments.map((s) => s.code).join(', ')}.`);
    }
    if (!service.enabled) fail('SERVICE_CLOSED', `${service.name.en} is not offered today.`);
    if (!isOpenAt(now, this.config.branch.timeZone, this.config.branch.hours)) {
      fail('BRANCH_CLOSED', 'The branch is closed now; tickets are issued during business hours.');
    }
    const day = this.day;
    if (service.dailyCap !== undefined && this.numbers.issued(service.code, day) >= service.dailyCap) {
      fail('SERVICE_CAPPED', `${service.name.en} has reached today's limit of ${service.dailyCap} tickets.`);
    }
    const { sequence, number, seqNo } = this.numbers.next(service, day);
    const ticket: Ticket = {
      id: this.newId(),
      visitId: '',
      number,
      seq: seqNo,
      serviceCode: service.code,
      segment,
      channel: input.channel ?? 'kiosk',
      status: 'waiting',
      businessDay: day,
      issuedAt: now,
      queuedAt: now,
      ahead: 0,
      estimate: null,
      recalls: 0,
      rejoins: 0,
    };
    ticket.visitId = ticket.id;
    ticket.ahead = this.aheadOf(ticket);
    ticket.estimate = this.estimateJoining(ticket, now);
    return {
      tickets: [ticket],
      counters: [],
      sequences: [{ ...sequence, issued: sequence.issued + 1 }],
      events: [draft('ticket.issued', now, { ticket })],
      result: ticket,
    };
  }

  open(counterId: string, actor: Actor, now: number): Outcome<CounterState> {
    this.counterDef(counterId);
    const c = this.counter(counterId);
    if (c.status !== 'closed' && c.staffId && actor.staffId && c.staffId !== actor.staffId) {
      fail('COUNTER_TAKEN', `Counter ${counterId} is already open for staff ${c.staffId}; they must close it first.`);
    }
    if (c.status === 'open' && c.staffId === actor.staffId) return { ...emptyOutcome(c) };
    const next: CounterState = { ...c, status: 'open', staffId: actor.staffId, pauseReason: undefined, since: now, priorityStreak: 0 };
    return { ...emptyOutcome(next), counters: [next], events: [draft('counter.opened', now, { counterId, staffId: actor.staffId })] };
  }

  close(counterId: string, actor: Actor, now: number): Outcome<CounterState> {
    this.counterDef(counterId);
    const c = this.counter(counterId);
    if (c.currentTicketId) fail('TICKET_AT_COUNTER', `Finish ticket ${this.tickets.get(c.currentTicketId)?.number ?? ''} before closing counter ${counterId}.`);
    if (c.status === 'closed') return emptyOutcome(c);
    const next: CounterState = { ...c, status: 'closed', staffId: undefined, pauseReason: undefined, since: now };
    return { ...emptyOutcome(next), counters: [next], events: [draft('counter.closed', now, { counterId, staffId: actor.staffId })] };
  }

  pause(counterId: string, reason: string, actor: Actor, now: number): Outcome<CounterState> {
    this.counterDef(counterId);
    if (!this.config.rules.pauseReasons.some((r) => r.code === reason)) {
      fail('UNKNOWN_PAUSE_REASON', `Pause reason "${reason}" is not one of: ${this.config.rules.pauseReasons.map((r) => r.code).join(', ')}.`);
    }
    const c = this.counter(counterId);
    if (c.status === 'closed') fail('COUNTER_CLOSED', `Counter ${counterId} is closed; open it first.`);
    if (c.currentTicketId) fail('TICKET_AT_COUNTER', `Finish the current ticket before pausing counter ${counterId}.`);
    const next: CounterState = { ...c, status: 'paused', pauseReason: reason, since: now };
    return { ...emptyOutcome(next), counters: [next], events: [draft('counter.paused', now, { counterId, staffId: actor.staffId, reason })] };
  }

  resume(counterId: string, actor: Actor, now: number): Outcome<CounterState> {
    this.counterDef(counterId);
    const c = this.counter(counterId);
    if (c.status !== 'paused') fail('COUNTER_NOT_PAUSED', `Counter ${counterId} is not paused.`);
    const next: CounterState = { ...c, status: 'open', pauseReason: undefined, since: now };
    return { ...emptyOutcome(next), counters: [next], events: [draft('counter.resumed', now, { counterId, staffId: actor.staffId })] };
  }

  /** The next ticket for a counter, or null result when nobody waits for its services. */
  callNext(counterId: string, actor: Actor, now: number): Outcome<Ticket | null> {
    const def = this.counterDef(counterId);
    let c = this.counter(counterId);
    this.requireOpen(c);
    const out = emptyOutcome<Ticket | null>(null);
    if (c.currentTicketId) {
      const cur = this.tickets.get(c.currentTicketId);
      if (cur && ACTIVE.has(cur.status)) {
        // Only a service that happened is completed: a customer who was called but never
        // started (not there yet, or gone) needs the teller's explicit choice.
        if (cur.status === 'called') {
          fail(
            'TICKET_NOT_STARTED',
            `Ticket ${cur.number} was called but its service was not started: start it, mark it a no-show, or put it back in the queue before calling the next.`,
            { ticketId: cur.id, number: cur.number },
          );
        }
        if (!this.config.rules.autoCompleteOnNext) {
          fail('TICKET_AT_COUNTER', `Ticket ${cur.number} is still at counter ${counterId}: complete it or mark it a no-show first.`);
        }
        const done = this.finish(cur, now, actor);
        out.tickets.push(done);
        out.events.push(draft('ticket.completed', now, { ticket: done, counterId, staffId: actor.staffId, auto: true }));
        c = this.countServed(c, now);
      }
      c = { ...c, currentTicketId: undefined };
    }
    const pick = selectNext(def, c, this.index, this.services, this.config.rules, now, (code) => this.hasOpenPrimary(code));
    if (!pick) {
      if (out.tickets.length || c !== this.counter(counterId)) out.counters.push({ ...c, since: now });
      return out;
    }
    const called: Ticket = {
      ...pick.ticket,
      status: 'called',
      calledAt: now,
      counterId,
      staffId: actor.staffId,
      callReason: pick.reason,
    };
    const streak = pick.countsTowardStreak ? c.priorityStreak + 1 : this.prioritySegments.has(called.segment) ? c.priorityStreak : 0;
    out.tickets.push(called);
    out.counters.push({ ...c, currentTicketId: called.id, priorityStreak: streak, since: now });
    out.events.push(draft('ticket.called', now, { ticket: called, counterId, staffId: actor.staffId, reason: pick.reason }));
    out.result = called;
    return out;
  }

  recall(counterId: string, actor: Actor, now: number): Outcome<Ticket> {
    const { ticket } = this.current(counterId, ['called']);
    if (ticket.recalls >= this.config.rules.maxRecalls) {
      fail('RECALL_LIMIT', `Ticket ${ticket.number} was already recalled ${ticket.recalls} times (the limit); mark it a no-show instead.`);
    }
    const next: Ticket = { ...ticket, recalls: ticket.recalls + 1 };
    return { ...emptyOutcome(next), tickets: [next], events: [draft('ticket.recalled', now, { ticket: next, counterId, staffId: actor.staffId })] };
  }

  start(counterId: string, actor: Actor, now: number): Outcome<Ticket> {
    const { ticket } = this.current(counterId, ['called']);
    const next: Ticket = { ...ticket, status: 'serving', startedAt: now, staffId: actor.staffId ?? ticket.staffId };
    return { ...emptyOutcome(next), tickets: [next], events: [draft('ticket.started', now, { ticket: next, counterId, staffId: actor.staffId })] };
  }

  complete(counterId: string, actor: Actor, now: number): Outcome<Ticket> {
    const { ticket, counter } = this.current(counterId, ['called', 'serving']);
    const done = this.finish(ticket, now, actor);
    const c = { ...this.countServed(counter, now), currentTicketId: undefined, since: now };
    return {
      ...emptyOutcome(done),
      tickets: [done],
      counters: [c],
      events: [draft('ticket.completed', now, { ticket: done, counterId, staffId: actor.staffId, auto: false })],
    };
  }

  noShow(counterId: string, actor: Actor, now: number): Outcome<Ticket> {
    const { ticket, counter } = this.current(counterId, ['called']);
    const next: Ticket = { ...ticket, status: 'no_show', endedAt: now, endReason: 'no_show' };
    return {
      ...emptyOutcome(next),
      tickets: [next],
      counters: [{ ...counter, currentTicketId: undefined, since: now }],
      events: [draft('ticket.no_show', now, { ticket: next, counterId, staffId: actor.staffId })],
    };
  }

  /**
   * The called customer goes back to the line at the place they had (their queue time is kept),
   * and the counter is free: e.g. they are still filling in a form, or came to the wrong counter.
   */
  putBack(counterId: string, actor: Actor, now: number): Outcome<Ticket> {
    const { ticket, counter } = this.current(counterId, ['called']);
    const back: Ticket = { ...ticket, status: 'waiting', counterId: undefined, staffId: undefined, calledAt: undefined, callReason: undefined, recalls: 0 };
    back.ahead = this.position(back);
    return {
      ...emptyOutcome(back),
      tickets: [back],
      counters: [{ ...counter, currentTicketId: undefined, since: now }],
      events: [draft('ticket.returned', now, { ticket: back, counterId, staffId: actor.staffId })],
    };
  }

  /**
   * Staff move a waiting customer to another service (they took the wrong ticket): a new
   * number of that service that keeps the visit's queue time, as a transfer at a counter does.
   */
  move(ticketId: string, serviceCode: string, actor: Actor, now: number): Outcome<{ moved: Ticket; fresh: Ticket }> {
    const t = this.tickets.get(ticketId);
    if (!t) fail('UNKNOWN_TICKET', `No ticket ${ticketId} today.`);
    if (t.status !== 'waiting') fail('INVALID_STATE', `Ticket ${t.number} is ${t.status}; only a waiting ticket is moved here (a called one is transferred at its counter).`);
    const { moved, fresh, sequence } = this.successor(t, serviceCode, now);
    return {
      tickets: [moved, fresh],
      counters: [],
      sequences: [sequence],
      events: [draft('ticket.transferred', now, { ticket: moved, to: fresh, staffId: actor.staffId })],
      // Both: the answer is rendered before memory takes the outcome, so it cannot look them up.
      result: { moved, fresh },
    };
  }

  /** Sends the customer at the counter to another service; the new ticket keeps the visit's queue time. */
  transfer(counterId: string, serviceCode: string, actor: Actor, now: number): Outcome<Ticket> {
    const { ticket, counter } = this.current(counterId, ['called', 'serving']);
    const { moved, fresh, sequence } = this.successor(ticket, serviceCode, now);
    return {
      tickets: [moved, fresh],
      counters: [{ ...counter, currentTicketId: undefined, since: now }],
      // A transfer uses a number of the target service but is not a new customer: the daily cap counts arrivals.
      sequences: [sequence],
      events: [draft('ticket.transferred', now, { ticket: moved, to: fresh, counterId, staffId: actor.staffId })],
      result: fresh,
    };
  }

  /** A no-show customer who comes back joins the back of the line, on request. */
  rejoin(ticketId: string, actor: Actor, now: number): Outcome<Ticket> {
    const t = this.tickets.get(ticketId);
    if (!t) fail('UNKNOWN_TICKET', `No ticket ${ticketId} today.`);
    if (t.status !== 'no_show') fail('INVALID_STATE', `Ticket ${t.number} is ${t.status}; only a no-show can rejoin.`);
    if (t.businessDay !== this.day) fail('INVALID_STATE', `Ticket ${t.number} is from ${t.businessDay}; take a new ticket.`);
    if (t.rejoins >= this.config.rules.maxRejoins) {
      fail('REJOIN_LIMIT', `Ticket ${t.number} has rejoined ${t.rejoins} times, the limit; take a new ticket.`);
    }
    const next: Ticket = {
      ...t,
      status: 'waiting',
      queuedAt: now,
      rejoins: t.rejoins + 1,
      recalls: 0,
      counterId: undefined,
      calledAt: undefined,
      endedAt: undefined,
      endReason: undefined,
      callReason: undefined,
    };
    next.ahead = this.aheadOf(next);
    next.estimate = this.estimateJoining(next, now);
    return { ...emptyOutcome(next), tickets: [next], events: [draft('ticket.rejoined', now, { ticket: next, staffId: actor.staffId })] };
  }

  cancel(ticketId: string, reason: string, actor: Actor, now: number): Outcome<Ticket> {
    const t = this.tickets.get(ticketId);
    if (!t) fail('UNKNOWN_TICKET', `No ticket ${ticketId} today.`);
    if (t.status !== 'waiting') fail('INVALID_STATE', `Ticket ${t.number} is ${t.status}; only a waiting ticket can be cancelled.`);
    const next: Ticket = { ...t, status: 'cancelled', endedAt: now, endReason: reason };
    return { ...emptyOutcome(next), tickets: [next], events: [draft('ticket.cancelled', now, { ticket: next, reason, staffId: actor.staffId })] };
  }

  // ---------------------------------------------------------------- apply

  /** Takes a committed outcome into memory. Call only after the database committed it. */
  apply(out: Outcome): void {
    for (const s of out.sequences) this.numbers.put(s);
    for (const c of out.counters) {
      this.estimator.observeCounter(this.counters.get(c.id), c);
      this.counters.set(c.id, c);
    }
    for (const e of out.events) if (e.at > this.lastNow) this.lastNow = e.at;
    for (const t of out.tickets) {
      this.estimator.observe(this.tickets.get(t.id), t);
      this.putTicket(t);
      this.serviceTimes.learn(t);
    }
    const day = out.startsDay;
    if (day !== undefined) {
      this.day = day;
      this.staleActive = false;
      this.estimator.closeDay();
      // Finished tickets of earlier days are history now; keep memory to the current day.
      for (const [id, t] of this.tickets) if (t.businessDay !== day && !ACTIVE.has(t.status)) this.tickets.delete(id);
      this.numbers.keepOnly(day);
    }
  }

  // ---------------------------------------------------------------- internals

  /** The ticket that continues `ticket`'s visit in another service, and the old one closed as transferred. */
  private successor(ticket: Ticket, serviceCode: string, now: number): { moved: Ticket; fresh: Ticket; sequence: NumberSequence } {
    const target = this.services.get(serviceCode);
    if (!target) fail('UNKNOWN_SERVICE', `There is no service "${serviceCode}" at this branch.`);
    if (target.code === ticket.serviceCode) fail('SAME_SERVICE', `Ticket ${ticket.number} is already for ${target.name.en}.`);
    if (!target.enabled) fail('SERVICE_CLOSED', `${target.name.en} is not offered today.`);
    const { sequence, number, seqNo } = this.numbers.next(target, this.day);
    const fresh: Ticket = {
      id: this.newId(),
      visitId: ticket.visitId,
      number,
      seq: seqNo,
      serviceCode: target.code,
      segment: ticket.segment,
      channel: ticket.channel,
      status: 'waiting',
      businessDay: this.day,
      issuedAt: now,
      queuedAt: ticket.queuedAt,
      ahead: 0,
      estimate: null,
      recalls: 0,
      rejoins: 0,
      transferredFrom: ticket.id,
    };
    fresh.ahead = this.aheadOf(fresh);
    fresh.estimate = this.estimateJoining(fresh, now);
    const moved: Ticket = { ...ticket, status: 'transferred', endedAt: now, endReason: 'transferred', transferredTo: fresh.id };
    return { moved, fresh, sequence };
  }

  private putTicket(t: Ticket): void {
    const old = this.tickets.get(t.id);
    if (old?.status === 'waiting') this.index.remove(old);
    this.tickets.set(t.id, t);
    if (t.status === 'waiting') this.index.add(t);
  }

  private aheadOf(t: Ticket): number {
    return this.position(t);
  }

  private counterDef(counterId: string): CounterDef {
    const def = this.counterDefs.get(counterId);
    if (!def) fail('UNKNOWN_COUNTER', `There is no counter "${counterId}" at this branch.`);
    return def;
  }

  private requireOpen(c: CounterState): void {
    if (c.status === 'closed') fail('COUNTER_CLOSED', `Counter ${c.id} is closed; sign in to open it.`);
    if (c.status === 'paused') fail('COUNTER_PAUSED', `Counter ${c.id} is paused (${c.pauseReason ?? ''}); resume it first.`);
  }

  private current(counterId: string, statuses: Ticket['status'][]): { ticket: Ticket; counter: CounterState } {
    this.counterDef(counterId);
    const counter = this.counter(counterId);
    const ticket = counter.currentTicketId ? this.tickets.get(counter.currentTicketId) : undefined;
    if (!ticket || !ACTIVE.has(ticket.status)) fail('NO_CURRENT_TICKET', `Counter ${counterId} has no ticket at it; call the next one first.`);
    if (!statuses.includes(ticket.status)) {
      fail('INVALID_STATE', `Ticket ${ticket.number} is ${ticket.status}; this needs it to be ${statuses.join(' or ')}.`);
    }
    return { ticket, counter };
  }

  private finish(t: Ticket, now: number, actor: Actor): Ticket {
    return { ...t, status: 'done', startedAt: t.startedAt ?? t.calledAt ?? now, endedAt: now, staffId: actor.staffId ?? t.staffId };
  }

  private countServed(c: CounterState, now: number): CounterState {
    const day = businessDay(now, this.config.branch.timeZone, this.config.branch.dayStartsAt);
    return { ...c, servedToday: c.servedDay === day ? c.servedToday + 1 : 1, servedDay: day };
  }
}

function emptyOutcome<R>(result: R): Outcome<R> {
  return { tickets: [], counters: [], sequences: [], events: [], result };
}

/**
 * One simulated business day: the agenda of timed actions (arrivals, shifts, breaks, customers
 * sitting down, finishing, not showing up) and what each does, as queue commands through the
 * command runner. Free tellers press "next" as soon as they can; a teller whose shift ends hands
 * the line over before closing time and stays until the branch is empty after it.
 */
import { hhmmToMinutes, localEpoch } from '../common/local-time.js';
import type { Outcome, QueueEngine } from '../core/engine.js';
import type { CounterDef, QueueConfig, Ticket } from '../core/types.js';
import type { CommandRunner } from '../server/command-runner.js';
import { arrivalsOf, drawServiceMinutes, serviceFactorAt } from './arrivals.js';
import { EventQueue } from './event-queue.js';
import type { SimProfile } from './profile.js';
import type { Random } from './random.js';
import { faultsOfDay, shiftsOfDay } from './staffing.js';
import type { Teller } from './tellers.js';

export type Action =
  | { k: 'arrive'; service: string; segment: string }
  | { k: 'open'; counter: string }
  | { k: 'close'; counter: string }
  | { k: 'break'; counter: string; reason: string; minutes: number }
  | { k: 'resume'; counter: string }
  | { k: 'seated'; counter: string; ticket: string }
  | { k: 'done'; counter: string; ticket: string }
  | { k: 'absent'; counter: string; ticket: string }
  | { k: 'doors_close' };

/** What a day runs against; shared by the days of a run. */
export interface SimBranch {
  profile: SimProfile;
  config: QueueConfig;
  engine: QueueEngine;
  runner: CommandRunner;
  tellers: Map<string, Teller>;
  /** Every ticket as last committed, by id. */
  tickets: Map<string, Ticket>;
  rng: { arrivals: Random; service: Random; behaviour: Random };
  /** The simulated clock; the day moves it as it takes actions off the agenda. */
  clock: { now: number };
}

export class BranchDay {
  private readonly agenda = new EventQueue<Action>();
  private readonly counterDefs: Map<string, CounterDef>;
  private doorsClosed = false;

  constructor(
    private readonly b: SimBranch,
    readonly date: string,
  ) {
    this.counterDefs = new Map(b.config.counters.map((c) => [c.id, c]));
    const { profile, config } = b;
    const tz = config.branch.timeZone;
    for (const a of arrivalsOf(profile, config, date, b.rng.arrivals)) this.agenda.push(a.at, { k: 'arrive', service: a.service, segment: a.segment });
    this.agenda.push(localEpoch(date, hhmmToMinutes(profile.close), tz), { k: 'doors_close' });
    for (const shift of shiftsOfDay(profile, config, date)) {
      const id = shift.counter;
      this.agenda.push(localEpoch(date, hhmmToMinutes(shift.open), tz), { k: 'open', counter: id });
      this.agenda.push(localEpoch(date, hhmmToMinutes(shift.close), tz), { k: 'close', counter: id });
      for (const br of shift.breaks) this.agenda.push(localEpoch(date, hhmmToMinutes(br.at), tz), { k: 'break', counter: id, reason: br.reason, minutes: br.minutes });
    }
    // Faults no roster knows of: the counter stops once its customer is done, like a break.
    for (const f of faultsOfDay(profile)) this.agenda.push(localEpoch(date, hhmmToMinutes(f.at), tz), { k: 'break', counter: f.counter, reason: f.reason, minutes: f.minutes });
  }

  /** Takes every action off the agenda in time order, then ends the day. */
  run(): void {
    for (let item = this.agenda.pop(); item; item = this.agenda.pop()) {
      this.b.clock.now = item.at;
      this.take(item.item);
    }
    this.end();
  }

  private get now(): number {
    return this.b.clock.now;
  }

  private run1<R>(decide: (now: number) => Outcome<R>): R {
    return this.b.runner.run(decide);
  }

  private teller(counter: string): Teller {
    const t = this.b.tellers.get(counter);
    if (!t) throw new Error(`the profile schedules counter ${counter}, which has no teller`);
    return t;
  }

  private take(a: Action): void {
    const { engine } = this.b;
    switch (a.k) {
      case 'arrive': {
        this.run1((n) => engine.issue({ serviceCode: a.service, segment: a.segment, channel: 'kiosk' }, n));
        this.wakeIdle(a.service);
        return;
      }
      case 'open': {
        const t = this.teller(a.counter);
        this.run1((n) => engine.open(t.id, t.actor, n));
        t.setState('idle', this.now);
        this.call(t);
        return;
      }
      case 'close': {
        const t = this.teller(a.counter);
        if (t.state === 'closed') return;
        // Before the doors close a leaving teller hands the line to the others; at closing
        // time tellers stay until everyone inside has been served.
        t.closing = true;
        if (t.state === 'idle' && (!this.doorsClosed || !this.call(t))) this.closeCounter(t);
        return;
      }
      case 'doors_close':
        this.doorsClosed = true;
        return;
      case 'break': {
        const t = this.teller(a.counter);
        if (t.state === 'busy') t.pendingBreak = { reason: a.reason, minutes: a.minutes };
        else if (t.state === 'idle') {
          t.pendingBreak = { reason: a.reason, minutes: a.minutes };
          this.free(t);
        }
        return;
      }
      case 'resume': {
        const t = this.teller(a.counter);
        if (t.state !== 'paused') return;
        this.run1((n) => engine.resume(t.id, t.actor, n));
        t.setState('idle', this.now);
        if (!this.call(t) && t.closing) this.closeCounter(t);
        return;
      }
      case 'seated': {
        const t = this.teller(a.counter);
        const ticket = this.b.tickets.get(a.ticket)!;
        this.run1((n) => engine.start(t.id, t.actor, n));
        const spec = this.b.profile.serviceTimes[ticket.serviceCode] ?? { dist: 'fixed' as const, meanMinutes: 5 };
        const minutes = drawServiceMinutes(spec, this.b.rng.service) * serviceFactorAt(this.b.profile, this.now, this.b.config.branch.timeZone);
        this.agenda.push(this.now + Math.max(1, Math.round(minutes * 60_000)), { k: 'done', counter: t.id, ticket: a.ticket });
        return;
      }
      case 'done': {
        const t = this.teller(a.counter);
        this.run1((n) => engine.complete(t.id, t.actor, n));
        t.stats.served++;
        this.free(t);
        return;
      }
      case 'absent': {
        const t = this.teller(a.counter);
        const ticket = this.b.tickets.get(a.ticket)!;
        if (ticket.recalls < this.b.config.rules.maxRecalls) {
          this.run1((n) => engine.recall(t.id, t.actor, n));
          this.agenda.push(this.now + this.b.profile.behaviour.recallSeconds * 1000, a);
        } else {
          this.run1((n) => engine.noShow(t.id, t.actor, n));
          this.free(t);
        }
        return;
      }
    }
  }

  /** "Next" at an idle counter; whether somebody was called. */
  private call(t: Teller): boolean {
    if (t.state !== 'idle') return false;
    const ticket = this.run1((n) => this.b.engine.callNext(t.id, t.actor, n));
    if (!ticket) return false;
    t.setState('busy', this.now);
    t.current = ticket.id;
    const { behaviour } = this.b.profile;
    const waited = (this.now - ticket.issuedAt) / 60_000;
    const pNoShow = Math.min(1, behaviour.noShow + behaviour.noShowPerMinuteOfWait * waited);
    if (this.b.rng.behaviour.chance(pNoShow)) this.agenda.push(this.now + behaviour.recallSeconds * 1000, { k: 'absent', counter: t.id, ticket: ticket.id });
    else {
      const walk = behaviour.walkSeconds > 0 ? this.b.rng.behaviour.exponential(behaviour.walkSeconds * 1000) : 0;
      this.agenda.push(this.now + Math.round(walk), { k: 'seated', counter: t.id, ticket: ticket.id });
    }
    return true;
  }

  /** What a free teller does next: a due break, the end of the shift, or the next customer. */
  private free(t: Teller): void {
    t.current = undefined;
    t.setState('idle', this.now);
    if (t.pendingBreak) {
      const br = t.pendingBreak;
      t.pendingBreak = undefined;
      this.run1((n) => this.b.engine.pause(t.id, br.reason, t.actor, n));
      t.setState('paused', this.now);
      this.agenda.push(this.now + br.minutes * 60_000, { k: 'resume', counter: t.id });
      return;
    }
    if (t.closing && !this.doorsClosed) return this.closeCounter(t);
    if (this.call(t)) return;
    if (t.closing) this.closeCounter(t);
  }

  private closeCounter(t: Teller): void {
    this.run1((n) => this.b.engine.close(t.id, t.actor, n));
    t.setState('closed', this.now);
    t.closing = false;
  }

  /** Free tellers press "next" when a customer arrives; those whose primary line it is first. */
  private wakeIdle(service: string): void {
    const idle = [...this.b.tellers.values()].filter((t) => t.state === 'idle');
    const level = (t: Teller) => (this.counterDefs.get(t.id)?.services.find((s) => s.code === service)?.level === 'primary' ? 0 : 1);
    idle.sort((a, b) => level(a) - level(b));
    for (const t of idle) if (this.call(t)) return;
  }

  /** Customers of a service no counter served today leave; every counter still open closes. */
  private end(): void {
    const { engine } = this.b;
    for (const t of engine.activeTickets()) {
      if (t.status === 'waiting') this.run1((n) => engine.cancel(t.id, 'not_served_sim', {}, n));
    }
    for (const t of this.b.tellers.values()) {
      if (t.state !== 'closed') this.closeCounter(t);
    }
  }
}

/**
 * Today's ticket facts kept in memory for the dashboard: read once from the database when the
 * business day is first asked for, then kept current from the committed events (every ticket
 * event carries the ticket), so a refresh on every event costs the aggregation only, not a
 * query over the whole day.
 */
import type { BranchEvent } from '../../core/events.js';
import type { Ticket } from '../../core/types.js';
import type { InsightsStore, TicketFact } from '../../db/insights-store.js';
import type { BranchService } from '../branch-service.js';

export function ticketFact(t: Ticket): TicketFact {
  const e = t.estimate;
  return {
    id: t.id,
    businessDay: t.businessDay,
    serviceCode: t.serviceCode,
    segment: t.segment,
    status: t.status,
    issuedAt: t.issuedAt,
    calledAt: t.calledAt ?? null,
    startedAt: t.startedAt ?? null,
    endedAt: t.endedAt ?? null,
    counterId: t.counterId ?? null,
    staffId: t.staffId ?? null,
    ahead: t.ahead,
    rejoins: t.rejoins,
    transferredFrom: t.transferredFrom ?? null,
    estMin: e?.minMinutes ?? null,
    estMax: e?.maxMinutes ?? null,
    estExpected: e?.expectedMinutes ?? null,
    estBaseline: e?.baselineMinutes ?? null,
  };
}

export class DayFacts {
  private day: string | undefined;
  private readonly facts = new Map<string, TicketFact>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly service: BranchService,
    private readonly store: InsightsStore,
  ) {}

  start(): void {
    this.unsubscribe = this.service.hub.subscribe((e) => this.onEvent(e));
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** The current business day's tickets. */
  today(): TicketFact[] {
    const day = this.service.businessDay;
    if (day !== this.day) {
      this.facts.clear();
      for (const f of this.store.ticketFacts(day, day)) this.facts.set(f.id, f);
      this.day = day;
    }
    return [...this.facts.values()];
  }

  private onEvent(e: BranchEvent): void {
    if (this.day === undefined) return;
    const d = e.data;
    const tickets: Ticket[] = 'ticket' in d ? ('to' in d ? [d.ticket, d.to] : [d.ticket]) : [];
    for (const t of tickets) if (t.businessDay === this.day) this.facts.set(t.id, ticketFact(t));
  }
}

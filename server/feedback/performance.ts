/**
 * Staff performance (绩效, the bank's rule 二(二): performance built on customer satisfaction),
 * per teller and period. Pure: computed from the period's ticket facts, ratings, calls and
 * complaints, which the caller reads. The definitions (docs/feedback.md):
 *
 *   served               tickets the teller finished (status done, the ticket's staffId)
 *   meanServiceMinutes   mean of end − (start or call) over those
 *   meanWaitMinutes      mean of call − issue over those (the wait of the teller's customers)
 *   satisfaction         mean 5-point score and count of the ratings of those customers' tickets
 *   complaints           complaints recorded in the period that name the teller (complaint.recorded)
 *   outOfOrderCalls      calls by the teller that passed over earlier tickets (ticket.called with
 *                        passedOver > 0), with their reasons (tier/rule of the calling rules)
 *
 * Comparisons only within the same service mix: a cash teller's four-minute services say nothing
 * against a loan officer's twenty. Each row carries its mix group (the primary services of the
 * counters the teller served at) and a mix-adjusted service-time index: the teller's mean service
 * time over what the branch's mean for the same services would give for the same customers
 * (1.00 = as the branch; 0.90 = 10 % quicker).
 */
import type { Rating } from '../../core/feedback.js';
import type { CallReason, QueueConfig, StaffRole } from '../../core/types.js';
import type { TicketFact } from '../../db/insights-store.js';
import { serviceMinutes, waitMinutes } from '../insights/reports.js';
import { round } from '../insights/stats.js';

export interface CallFact {
  staffId?: string;
  /** The calling rules' reason; `rule` may grow new values, counted as they come. */
  reason: Pick<CallReason, 'tier' | 'passedOver'> & { rule: string };
}

/** What performance reads of a ticket. */
export type ServedTicket = Pick<TicketFact, 'id' | 'serviceCode' | 'status' | 'issuedAt' | 'calledAt' | 'startedAt' | 'endedAt' | 'counterId' | 'staffId'>;

export interface ComplaintFact {
  staffId?: string;
}

export interface StaffFact {
  id: string;
  name: string;
  roles: StaffRole[];
  active: boolean;
}

export interface PerformanceInputs {
  from: string;
  to: string;
  /** The period's tickets (those not done are left out). */
  facts: ServedTicket[];
  ratings: Rating[];
  calls: CallFact[];
  complaints: ComplaintFact[];
  config: QueueConfig;
  staff: StaffFact[];
}

export interface PerformanceRow {
  staffId: string;
  name: string;
  from: string;
  to: string;
  served: number;
  meanServiceMinutes: number | null;
  meanWaitMinutes: number | null;
  satisfaction: { score: number | null; ratings: number };
  complaints: number;
  outOfOrderCalls: number;
  /** Out-of-order calls by reason, "tier/rule" (e.g. "primary/priority", "secondary/aged"). */
  outOfOrderReasons: Record<string, number>;
  /** All calls by the teller in the period. */
  calls: number;
  /** Ratings by 5-point score: [score 1, …, score 5]. */
  scoreCounts: [number, number, number, number, number];
  /** Reasons given with the teller's ratings, by code. */
  ratingReasons: Record<string, number>;
  /** Customers served per service. */
  serviceMix: Record<string, number>;
  /** Comparable rows share this: the primary services of the counters the teller served at ("" when none). */
  mixGroup: string;
  /** What the branch's mean service time per service gives for the teller's customers. */
  expectedServiceMinutes: number | null;
  /** meanServiceMinutes ÷ expectedServiceMinutes. */
  serviceTimeIndex: number | null;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
const r2 = (x: number | null) => (x === null ? null : round(x));

function countBy<T>(items: T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    if (k === undefined) continue;
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

export function buildPerformance(input: PerformanceInputs): PerformanceRow[] {
  const served = input.facts.filter((f) => f.status === 'done' && f.staffId !== null);
  // The branch's mean service time per service over the period: the yardstick of the mix.
  const branchMean = new Map<string, number>();
  for (const [code, fs] of countBy(served, (f) => f.serviceCode)) {
    const m = mean(fs.map(serviceMinutes).filter((x): x is number => x !== null));
    if (m !== null) branchMean.set(code, m);
  }
  const primaryOf = new Map(input.config.counters.map((c) => [c.id, c.services.filter((s) => s.level === 'primary').map((s) => s.code)]));

  const servedBy = countBy(served, (f) => f.staffId ?? undefined);
  const ratingsBy = countBy(input.ratings, (r) => r.staffId);
  const callsBy = countBy(input.calls, (c) => c.staffId);
  const complaintsBy = countBy(input.complaints, (c) => c.staffId);

  const names = new Map(input.staff.map((s) => [s.id, s.name]));
  const ids = new Set<string>([
    ...input.staff.filter((s) => s.active && s.roles.includes('teller')).map((s) => s.id),
    ...servedBy.keys(),
    ...ratingsBy.keys(),
    ...callsBy.keys(),
    ...complaintsBy.keys(),
  ]);

  return [...ids]
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((staffId): PerformanceRow => {
      const mine = servedBy.get(staffId) ?? [];
      const services = mine.map(serviceMinutes).filter((x): x is number => x !== null);
      const waits = mine.map(waitMinutes).filter((x): x is number => x !== null);
      const ratings = ratingsBy.get(staffId) ?? [];
      const calls = callsBy.get(staffId) ?? [];
      const outOfOrder = calls.filter((c) => c.reason.passedOver > 0);
      const scoreCounts: PerformanceRow['scoreCounts'] = [0, 0, 0, 0, 0];
      const ratingReasons: Record<string, number> = {};
      for (const r of ratings) {
        scoreCounts[r.score - 1] = (scoreCounts[r.score - 1] ?? 0) + 1;
        for (const code of r.reasons) ratingReasons[code] = (ratingReasons[code] ?? 0) + 1;
      }
      const outOfOrderReasons: Record<string, number> = {};
      for (const c of outOfOrder) {
        const k = `${c.reason.tier}/${c.reason.rule}`;
        outOfOrderReasons[k] = (outOfOrderReasons[k] ?? 0) + 1;
      }
      const serviceMix: Record<string, number> = {};
      for (const f of mine) serviceMix[f.serviceCode] = (serviceMix[f.serviceCode] ?? 0) + 1;
      const group = new Set<string>();
      for (const f of mine) for (const code of (f.counterId !== null ? primaryOf.get(f.counterId) : undefined) ?? []) group.add(code);
      const expected = mean(mine.flatMap((f) => (serviceMinutes(f) === null ? [] : [branchMean.get(f.serviceCode) ?? 0])));
      const meanService = mean(services);
      return {
        staffId,
        name: names.get(staffId) ?? staffId,
        from: input.from,
        to: input.to,
        served: mine.length,
        meanServiceMinutes: r2(meanService),
        meanWaitMinutes: r2(mean(waits)),
        satisfaction: { score: r2(mean(ratings.map((r) => r.score))), ratings: ratings.length },
        complaints: (complaintsBy.get(staffId) ?? []).length,
        outOfOrderCalls: outOfOrder.length,
        outOfOrderReasons,
        calls: calls.length,
        scoreCounts,
        ratingReasons,
        serviceMix,
        mixGroup: [...group].sort().join('+'),
        expectedServiceMinutes: r2(expected),
        serviceTimeIndex: meanService !== null && expected ? round(meanService / expected, 3) : null,
      };
    });
}

export const PERFORMANCE_CSV_COLUMNS = [
  'staffId',
  'name',
  'from',
  'to',
  'mixGroup',
  'served',
  'meanServiceMinutes',
  'expectedServiceMinutes',
  'serviceTimeIndex',
  'meanWaitMinutes',
  'satisfactionScore',
  'ratings',
  'complaints',
  'calls',
  'outOfOrderCalls',
  'outOfOrderReasons',
] as const;

/** One CSV line's values for a row (nested figures flattened). */
export function performanceCsvValues(r: PerformanceRow): unknown[] {
  const flat: Record<(typeof PERFORMANCE_CSV_COLUMNS)[number], unknown> = {
    staffId: r.staffId,
    name: r.name,
    from: r.from,
    to: r.to,
    mixGroup: r.mixGroup,
    served: r.served,
    meanServiceMinutes: r.meanServiceMinutes,
    expectedServiceMinutes: r.expectedServiceMinutes,
    serviceTimeIndex: r.serviceTimeIndex,
    meanWaitMinutes: r.meanWaitMinutes,
    satisfactionScore: r.satisfaction.score,
    ratings: r.satisfaction.ratings,
    complaints: r.complaints,
    calls: r.calls,
    outOfOrderCalls: r.outOfOrderCalls,
    outOfOrderReasons: Object.entries(r.outOfOrderReasons)
      .map(([k, n]) => `${k}:${n}`)
      .join(' '),
  };
  return PERFORMANCE_CSV_COLUMNS.map((c) => flat[c]);
}

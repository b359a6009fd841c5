/**
 * The dashboard's snapshot (GET /api/dashboard): the queue as GET /api/queue shows it, today's
 * arrivals and served customers per 15 minutes against the same weekday's average of the last
 * four weeks, devices, open alerts, the wait estimator's accuracy today and staffing advice.
 */
import { addDays, localEpoch } from '../../common/local-time.js';
import type { InsightsStore, TicketFact } from '../../db/insights-store.js';
import type { AlertMonitor } from '../alerts/alert-monitor.js';
import type { BranchService } from '../branch-service.js';
import { accuracyOf, MINUTE } from './stats.js';
import { staffingAdvice } from './staffing-advice.js';
import type { DayFacts } from './day-facts.js';

export const BUCKET_MINUTES = 15;
const HISTORY_WEEKS = 4;

export interface DashboardDeps {
  service: BranchService;
  insights: InsightsStore;
  dayFacts: DayFacts;
  devices: { list(): unknown[] };
  alerts: AlertMonitor;
  /** A staff member's name (the dashboard is for staff: counters show who works there). */
  staffName?: (id: string) => string | undefined;
}

export interface TimelineBucket {
  /** Local "HH:MM" the bucket starts at. */
  start: string;
  arrivals: number;
  served: number;
  /** Same weekday's average over the last weeks that had tickets; null without history. */
  avgArrivals: number | null;
  avgServed: number | null;
}

function hhmm(bucket: number): string {
  const m = bucket * BUCKET_MINUTES;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Arrivals (tickets issued, transfers excluded) and served (done) per bucket of one day. */
function countBuckets(rows: { issuedAt: number; endedAt: number | null; status: string; transferredFrom?: string | null }[], midnight: number): { arrivals: number[]; served: number[] } {
  const n = (24 * 60) / BUCKET_MINUTES;
  const arrivals = new Array<number>(n).fill(0);
  const served = new Array<number>(n).fill(0);
  const at = (t: number) => Math.min(n - 1, Math.max(0, Math.floor((t - midnight) / (BUCKET_MINUTES * MINUTE))));
  for (const r of rows) {
    if (!r.transferredFrom) arrivals[at(r.issuedAt)]!++;
    if (r.status === 'done' && r.endedAt !== null) served[at(r.endedAt)]!++;
  }
  return { arrivals, served };
}

export function timeline(insights: InsightsStore, facts: TicketFact[], day: string, timeZone: string, now: number): TimelineBucket[] {
  const today = countBuckets(facts, localEpoch(day, 0, timeZone));
  const pastDays = Array.from({ length: HISTORY_WEEKS }, (_, i) => addDays(day, -7 * (i + 1)));
  const past = insights.dayTimes(pastDays);
  const n = today.arrivals.length;
  const sumA = new Array<number>(n).fill(0);
  const sumS = new Array<number>(n).fill(0);
  const daysWithData = new Set(past.map((r) => r.businessDay));
  for (const d of daysWithData) {
    const c = countBuckets(past.filter((r) => r.businessDay === d), localEpoch(d, 0, timeZone));
    for (let i = 0; i < n; i++) {
      sumA[i]! += c.arrivals[i]!;
      sumS[i]! += c.served[i]!;
    }
  }
  const k = daysWithData.size;
  // Show the part of the day with any activity, today or on average, and up to now.
  const nowBucket = Math.floor((now - localEpoch(day, 0, timeZone)) / (BUCKET_MINUTES * MINUTE));
  let first = n;
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (today.arrivals[i]! || today.served[i]! || sumA[i]! || sumS[i]!) {
      first = Math.min(first, i);
      last = Math.max(last, i);
    }
  }
  if (nowBucket >= 0 && nowBucket < n) {
    first = Math.min(first, nowBucket);
    last = Math.max(last, nowBucket);
  }
  if (last < 0) return [];
  const out: TimelineBucket[] = [];
  for (let i = first; i <= last; i++) {
    out.push({
      start: hhmm(i),
      arrivals: today.arrivals[i]!,
      served: today.served[i]!,
      avgArrivals: k ? Math.round((sumA[i]! / k) * 10) / 10 : null,
      avgServed: k ? Math.round((sumS[i]! / k) * 10) / 10 : null,
    });
  }
  return out;
}

export function dashboardSnapshot(deps: DashboardDeps) {
  const { service, insights } = deps;
  const now = service.clock();
  const queue = service.queueView();
  const day = queue.businessDay;
  const facts = deps.dayFacts.today();
  const pauseReasons = service.queueConfig.rules.pauseReasons;
  return {
    ...queue,
    // Staff see who works at each counter (the public queue view does not say).
    counters: queue.counters.map((c) => {
      const staffId = service.counterState(c.id).staffId;
      return {
        ...c,
        staffId,
        staffName: staffId ? deps.staffName?.(staffId) : undefined,
        pauseReasonName: c.pauseReason ? pauseReasons.find((r) => r.code === c.pauseReason)?.name : undefined,
      };
    }),
    timeZone: service.queueConfig.branch.timeZone,
    bucketMinutes: BUCKET_MINUTES,
    timeline: timeline(insights, facts, day, service.queueConfig.branch.timeZone, now),
    devices: deps.devices.list(),
    alerts: deps.alerts.list(),
    accuracy: accuracyOf(facts),
    staffing: staffingAdvice(service, facts, now),
  };
}

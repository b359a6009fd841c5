/**
 * What the branch's own history says about the hours ahead, kept across days for the wait
 * estimate: how long each service takes at each hour of the day, and how many customers of each
 * service arrive at each hour of each weekday (with the share of priority segments). A day is
 * folded in when it closes; until then its figures count as "today" and move the forecast for
 * the rest of the day (a payday that runs 30 % above the usual Friday).
 *
 * Pure: the engine feeds it tickets, the service persists its state (a JSON value checked by
 * `branchHistoryStateSchema`) and hands it back after a restart.
 */
import { z } from 'zod';
import { localParts } from './calendar.js';

const HOURS = 24;
// A day's hourly arrival counts move a weekday's figure by at least this much (recent weeks
// count more than last season), and the all-days figure by at least this.
const WEEKDAY_WEIGHT = 0.25;
const ANY_DAY_WEIGHT = 0.1;
// Each day the service-time history keeps this share of its weight, up to a cap in tickets.
const SERVICE_DECAY = 0.9;
const SERVICE_CAP = 300;
// Shrinkage (in tickets) of an hour's service time towards the service's all-day figure.
const HOUR_SHRINK = 8;
// Shrinkage (in customers) of today's level against the history's expectation.
const LEVEL_SHRINK = 25;
// Shrinkage (in minutes of service) of today's pace against the history's.
const PACE_SHRINK = 60;

const cell = z.tuple([z.number().nonnegative(), z.number().nonnegative()]);
const hours = z.array(cell).length(HOURS);

/** The persisted form. `[weight, mean]` pairs per hour. */
export const branchHistoryStateSchema = z.object({
  v: z.literal(1),
  /** The last business day folded in. */
  lastDay: z.string().optional(),
  /** Service code → per hour: [tickets (decayed), mean minutes]. */
  serviceMinutes: z.record(z.string(), hours),
  /** Service code → per weekday (0 = Sunday) → per hour: [days seen, mean arrivals]. */
  arrivalsByWeekday: z.record(z.string(), z.array(hours).length(7)),
  /** Service code → per hour, any weekday: [days seen, mean arrivals]. */
  arrivalsAnyDay: z.record(z.string(), hours),
  /** Service code → [customers (decayed), share of priority segments]. */
  priorityShare: z.record(z.string(), cell),
});
export type BranchHistoryState = z.infer<typeof branchHistoryStateSchema>;

export function emptyHistoryState(): BranchHistoryState {
  return { v: 1, serviceMinutes: {}, arrivalsByWeekday: {}, arrivalsAnyDay: {}, priorityShare: {} };
}

const zeros = (): [number, number][] => Array.from({ length: HOURS }, () => [0, 0] as [number, number]);

interface Today {
  day: string;
  weekday: number;
  arrivals: Map<string, number[]>;
  priority: Map<string, number>;
  /** Service code → per hour: [count, minutes]. */
  service: Map<string, [number, number][]>;
}

export interface HourlyRates {
  /** Customers per minute at each local hour: all segments, priority segments, regular ones. */
  all: Float64Array;
  priority: Float64Array;
  regular: Float64Array;
}

export class BranchHistory {
  private state: BranchHistoryState;
  private today: Today | undefined;
  // What the folded history says for one weekday (it changes only when a day is folded in).
  private dayCounts: { weekday: number; counts: Map<string, Float64Array> } | undefined;
  private serviceCache = new Map<string, Float64Array | null>();

  constructor(
    private readonly timeZone: string,
    state?: BranchHistoryState,
  ) {
    this.state = state ? structuredClone(state) : emptyHistoryState();
  }

  /** Whether any day has been folded in (a new branch has none). */
  get hasHistory(): boolean {
    return this.state.lastDay !== undefined;
  }

  get lastDay(): string | undefined {
    return this.state.lastDay;
  }

  toState(): BranchHistoryState {
    return structuredClone(this.state);
  }

  private todayFor(day: string, at: number): Today {
    if (!this.today || this.today.day !== day) {
      if (this.today && this.today.day < day) this.closeDay();
      this.today = { day, weekday: localParts(at, this.timeZone).weekday, arrivals: new Map(), priority: new Map(), service: new Map() };
    }
    return this.today;
  }

  /** A customer joined a line (a new ticket or a transfer) on business day `day`. */
  arrival(serviceCode: string, priority: boolean, day: string, at: number): void {
    if (this.state.lastDay !== undefined && day <= this.state.lastDay) return;
    const t = this.todayFor(day, at);
    let list = t.arrivals.get(serviceCode);
    if (!list) t.arrivals.set(serviceCode, (list = new Array<number>(HOURS).fill(0)));
    list[hourOf(at, this.timeZone)]!++;
    if (priority) t.priority.set(serviceCode, (t.priority.get(serviceCode) ?? 0) + 1);
  }

  /** A service finished: it started at `startedAt` and took `minutes`. */
  served(serviceCode: string, day: string, startedAt: number, minutes: number): void {
    if (!(minutes > 0) || (this.state.lastDay !== undefined && day <= this.state.lastDay)) return;
    const t = this.todayFor(day, startedAt);
    let cells = t.service.get(serviceCode);
    if (!cells) t.service.set(serviceCode, (cells = zeros()));
    const c = cells[hourOf(startedAt, this.timeZone)]!;
    c[0]++;
    c[1] += minutes;
  }

  /** Folds the current day into the history (the engine calls this when the day closes). */
  closeDay(): void {
    const t = this.today;
    this.today = undefined;
    if (!t) return;
    const s = this.state;
    let customers = 0;
    for (const list of t.arrivals.values()) for (const n of list) customers += n;
    if (customers > 0) {
      // Every service the branch has seen gets the day: a service nobody asked for today had 0.
      const codes = new Set([...Object.keys(s.arrivalsAnyDay), ...t.arrivals.keys()]);
      for (const code of codes) {
        const counts = t.arrivals.get(code);
        const byWeekday = (s.arrivalsByWeekday[code] ??= Array.from({ length: 7 }, zeros));
        const any = (s.arrivalsAnyDay[code] ??= zeros());
        const wk = byWeekday[t.weekday]!;
        for (let h = 0; h < HOURS; h++) {
          const n = counts?.[h] ?? 0;
          foldMean(wk[h]!, n, WEEKDAY_WEIGHT);
          foldMean(any[h]!, n, ANY_DAY_WEIGHT);
        }
        const total = counts ? counts.reduce((a, b) => a + b, 0) : 0;
        if (total > 0) {
          const p = (s.priorityShare[code] ??= [0, 0]);
          const weight = p[0] * SERVICE_DECAY;
          p[1] = (weight * p[1] + (t.priority.get(code) ?? 0)) / (weight + total);
          p[0] = Math.min(SERVICE_CAP, weight + total);
        }
      }
    }
    for (const [code, cells] of t.service) {
      const hist = (s.serviceMinutes[code] ??= zeros());
      for (let h = 0; h < HOURS; h++) {
        const [n, sum] = cells[h]!;
        const c = hist[h]!;
        const weight = c[0] * SERVICE_DECAY;
        if (n === 0) {
          c[0] = weight;
          continue;
        }
        c[1] = (weight * c[1] + sum) / (weight + n);
        c[0] = Math.min(SERVICE_CAP, weight + n);
      }
    }
    if (s.lastDay === undefined || t.day > s.lastDay) s.lastDay = t.day;
    this.dayCounts = undefined;
    this.serviceCache.clear();
  }

  /** The history's mean service minutes for a service by local hour; null without history. */
  private historyServiceMinutes(serviceCode: string): Float64Array | null {
    const hit = this.serviceCache.get(serviceCode);
    if (hit !== undefined) return hit;
    const cells = this.state.serviceMinutes[serviceCode];
    let out: Float64Array | null = null;
    if (cells) {
      let n = 0;
      let sum = 0;
      for (const [w, m] of cells) {
        n += w;
        sum += w * m;
      }
      if (n > 0) {
        const all = sum / n;
        out = new Float64Array(HOURS);
        for (let h = 0; h < HOURS; h++) {
          const [w, m] = cells[h]!;
          out[h] = (w * m + HOUR_SHRINK * all) / (w + HOUR_SHRINK);
        }
      }
    }
    this.serviceCache.set(serviceCode, out);
    return out;
  }

  /**
   * Mean service minutes per local hour for the rest of today: the history's hour-by-hour figure
   * scaled by how today's services have run against it so far; `fallback` (today's running mean
   * or the configured typical time) without history.
   */
  serviceMinutesByHour(serviceCode: string, fallback: number): Float64Array {
    const out = new Float64Array(HOURS).fill(fallback);
    const hist = this.historyServiceMinutes(serviceCode);
    if (!hist) return out;
    let actual = 0;
    let expected = 0;
    const today = this.today?.service.get(serviceCode);
    if (today) {
      for (let h = 0; h < HOURS; h++) {
        const [n, sum] = today[h]!;
        if (n === 0) continue;
        actual += sum;
        expected += n * hist[h]!;
      }
    }
    const pace = (actual + PACE_SHRINK) / (expected + PACE_SHRINK);
    for (let h = 0; h < HOURS; h++) out[h] = hist[h]! * pace;
    return out;
  }

  /**
   * Expected arrivals per minute at each local hour of the weekday of `at`, for every service
   * the history knows; scaled by how busy today has been against the history so far.
   * Undefined without history.
   */
  arrivalRates(at: number): Map<string, HourlyRates> | undefined {
    if (!this.hasHistory) return undefined;
    const p = localParts(at, this.timeZone);
    const weekday = this.today?.weekday ?? p.weekday;
    const nowHour = Math.floor(p.minutes / 60);
    const perHour = this.countsFor(weekday);
    let expected = 0;
    let seen = 0;
    for (const [code, counts] of perHour) {
      const today = this.today?.arrivals.get(code);
      for (let h = 0; h <= nowHour && h < HOURS; h++) {
        const share = h < nowHour ? 1 : (p.minutes % 60) / 60;
        expected += counts[h]! * share;
        seen += today?.[h] ?? 0;
      }
    }
    const level = (seen + LEVEL_SHRINK) / (expected + LEVEL_SHRINK);
    const out = new Map<string, HourlyRates>();
    for (const [code, counts] of perHour) {
      const all = new Float64Array(HOURS);
      const priority = new Float64Array(HOURS);
      const regular = new Float64Array(HOURS);
      const share = this.priorityShareOf(code);
      for (let h = 0; h < HOURS; h++) {
        all[h] = (counts[h]! * level) / 60;
        priority[h] = all[h]! * share;
        regular[h] = all[h]! - priority[h]!;
      }
      out.set(code, { all, priority, regular });
    }
    return out;
  }

  /** Expected arrivals per hour of one weekday, per service (before today's level). */
  private countsFor(weekday: number): Map<string, Float64Array> {
    if (this.dayCounts?.weekday === weekday) return this.dayCounts.counts;
    const counts = new Map<string, Float64Array>();
    for (const code of Object.keys(this.state.arrivalsAnyDay)) {
      const any = this.state.arrivalsAnyDay[code]!;
      const wk = this.state.arrivalsByWeekday[code]?.[weekday];
      const c = new Float64Array(HOURS);
      for (let h = 0; h < HOURS; h++) {
        const [d, m] = wk?.[h] ?? [0, 0];
        const [da, ma] = any[h]!;
        // The weekday's own figure counts more the more of those weekdays were seen.
        c[h] = d > 0 ? (d * m + 2 * ma) / (d + 2) : da > 0 ? ma : 0;
      }
      counts.set(code, c);
    }
    this.dayCounts = { weekday, counts };
    return counts;
  }

  private priorityShareOf(code: string): number {
    const [n, p] = this.state.priorityShare[code] ?? [0, 0];
    let todayAll = 0;
    const list = this.today?.arrivals.get(code);
    if (list) for (const x of list) todayAll += x;
    const todayPriority = this.today?.priority.get(code) ?? 0;
    // A weak prior of 10 % until the branch has seen the service's customers.
    return (n * p + todayPriority + 0.1 * 5) / (n + todayAll + 5);
  }
}

function foldMean(c: [number, number], value: number, minWeight: number): void {
  const w = Math.max(minWeight, 1 / (c[0] + 1));
  c[1] += w * (value - c[1]);
  c[0] += 1;
}

function hourOf(at: number, timeZone: string): number {
  return Math.min(HOURS - 1, Math.floor(localParts(at, timeZone).minutes / 60));
}

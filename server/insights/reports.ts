/**
 * Reports for a day, an ISO week (Monday to Sunday) or a calendar month, per service, counter
 * and teller, computed from the tickets table:
 *   tickets      tickets of the service (transfers in included) / called at the counter or by the teller
 *   waits        minutes from issue to the first call (p50, p90, mean) of called tickets
 *   service      minutes from start (or call) to completion of done tickets
 *   no-show rate no-shows / called tickets
 *   within target called within the service's target wait / called tickets
 *   satisfaction mean 5-point rating of the group's tickets (null when none was rated), ratings: how many
 *   interruptions  the period's system faults at the counters (server/faults/interruptions.ts)
 */
import { addDays, isoDay, utcDate } from '../../common/local-time.js';
import type { Rating } from '../../core/feedback.js';
import type { QueueConfig } from '../../core/types.js';
import type { TicketFact } from '../../db/insights-store.js';
import type { Interruption } from '../faults/interruptions.js';
import { MINUTE, quantile, round } from './stats.js';

export type Period = 'day' | 'week' | 'month';

export interface ReportRow<G extends string = 'service' | 'counter' | 'teller'> {
  group: G;
  key: string;
  name: string;
  tickets: number;
  called: number;
  served: number;
  noShows: number;
  noShowRate: number | null;
  waitP50Minutes: number | null;
  waitP90Minutes: number | null;
  waitMeanMinutes: number | null;
  serviceMeanMinutes: number | null;
  serviceP50Minutes: number | null;
  serviceP90Minutes: number | null;
  withinTarget: number | null;
  satisfaction: number | null;
  ratings: number;
}

export interface Report {
  branch: string;
  /** The branch's time zone: the period's days and every time in the report are its wall clock. */
  timeZone: string;
  period: Period;
  from: string;
  to: string;
  rows: ReportRow[];
  interruptions: (Interruption & { ticketNumber?: string })[];
}

/** What a report adds to the tickets: the period's ratings and interruptions. */
export interface ReportExtras {
  ratings?: Rating[];
  interruptions?: (Interruption & { ticketNumber?: string })[];
}

/** First and last business day of the period containing `date`. */
export function periodRange(period: Period, date: string): { from: string; to: string } {
  if (period === 'day') return { from: date, to: date };
  if (period === 'week') {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const weekday = (new Date(utcDate(y, m, d)).getUTCDay() + 6) % 7; // Monday = 0
    const from = addDays(date, -weekday);
    return { from, to: addDays(from, 6) };
  }
  const from = `${date.slice(0, 7)}-01`;
  const [y, m] = from.split('-').map(Number) as [number, number];
  // Day 0 of the next month is the last day of this one.
  const to = isoDay(utcDate(y, m + 1, 0));
  return { from, to };
}

/** The parts of a ticket a report row is computed from (branch facts and head office's alike). */
export type Fact = Pick<TicketFact, 'serviceCode' | 'status' | 'issuedAt' | 'calledAt' | 'startedAt' | 'endedAt'>;

export function waitMinutes(f: Fact): number | null {
  return f.calledAt === null ? null : (f.calledAt - f.issuedAt) / MINUTE;
}

export function serviceMinutes(f: Fact): number | null {
  if (f.status !== 'done' || f.endedAt === null) return null;
  const from = f.startedAt ?? f.calledAt;
  return from === null ? null : (f.endedAt - from) / MINUTE;
}

/**
 * One report row over some tickets; head office uses it for branches and regions. `targetOf` gives
 * a ticket's target wait, `scoreOf` its rating if it has one (head office has none: null, 0).
 */
export function reportRow<G extends string, F extends Fact>(group: G, key: string, name: string, facts: F[], targetOf: (f: F) => number, scoreOf: (f: F) => number | undefined = () => undefined): ReportRow<G> {
  const called = facts.filter((f) => f.calledAt !== null);
  const waits = called.map((f) => waitMinutes(f)!).sort((a, b) => a - b);
  const services = facts.map(serviceMinutes).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const noShows = facts.filter((f) => f.status === 'no_show').length;
  const within = called.filter((f) => waitMinutes(f)! <= targetOf(f)).length;
  const mean = (xs: number[]) => (xs.length ? round(xs.reduce((s, x) => s + x, 0) / xs.length) : null);
  const scores = facts.flatMap((f) => scoreOf(f) ?? []);
  const q = (xs: number[], p: number) => (xs.length ? round(quantile(xs, p)) : null);
  return {
    group,
    key,
    name,
    tickets: facts.length,
    called: called.length,
    served: facts.filter((f) => f.status === 'done').length,
    noShows,
    noShowRate: called.length ? round(noShows / called.length, 4) : null,
    waitP50Minutes: q(waits, 0.5),
    waitP90Minutes: q(waits, 0.9),
    waitMeanMinutes: mean(waits),
    serviceMeanMinutes: mean(services),
    serviceP50Minutes: q(services, 0.5),
    serviceP90Minutes: q(services, 0.9),
    withinTarget: called.length ? round(within / called.length, 4) : null,
    satisfaction: mean(scores),
    ratings: scores.length,
  };
}

export function groupBy<F>(facts: F[], key: (f: F) => string | null): Map<string, F[]> {
  const m = new Map<string, F[]>();
  for (const f of facts) {
    const k = key(f);
    if (k === null) continue;
    const list = m.get(k);
    if (list) list.push(f);
    else m.set(k, [f]);
  }
  return new Map([...m.entries()].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

export function buildReport(
  facts: TicketFact[],
  config: QueueConfig,
  period: Period,
  from: string,
  to: string,
  extras: ReportExtras = {},
  /** Tellers by name (the staff list); an id not in it is shown as the id. */
  staffName: (id: string) => string | undefined = () => undefined,
): Report {
  const scoreOf = new Map((extras.ratings ?? []).map((r) => [r.ticketId, r.score]));
  const target = new Map(config.services.map((s) => [s.code, s.targetWaitMinutes]));
  const targetOf = (f: TicketFact) => target.get(f.serviceCode) ?? Infinity;
  const serviceName = new Map(config.services.map((s) => [s.code, `${s.name.zh} ${s.name.en}`]));
  const counterName = new Map(config.counters.map((c) => [c.id, `${c.name.zh} ${c.name.en}`]));
  const rows: ReportRow[] = [];
  const scored = (f: TicketFact) => scoreOf.get(f.id);
  const tellerName = (k: string) => (staffName(k) ? `${staffName(k)} (${k})` : k);
  for (const [k, fs] of groupBy(facts, (f) => f.serviceCode)) rows.push(reportRow('service', k, serviceName.get(k) ?? k, fs, targetOf, scored));
  for (const [k, fs] of groupBy(facts, (f) => (f.calledAt !== null ? f.counterId : null))) rows.push(reportRow('counter', k, counterName.get(k) ?? k, fs, targetOf, scored));
  for (const [k, fs] of groupBy(facts, (f) => (f.calledAt !== null ? f.staffId : null))) rows.push(reportRow('teller', k, tellerName(k), fs, targetOf, scored));
  return { branch: config.branch.id, timeZone: config.branch.timeZone, period, from, to, rows, interruptions: extras.interruptions ?? [] };
}

export const CSV_COLUMNS: (keyof ReportRow<string>)[] = [
  'group',
  'key',
  'name',
  'tickets',
  'called',
  'served',
  'noShows',
  'noShowRate',
  'waitP50Minutes',
  'waitP90Minutes',
  'waitMeanMinutes',
  'serviceMeanMinutes',
  'serviceP50Minutes',
  'serviceP90Minutes',
  'withinTarget',
  'satisfaction',
  'ratings',
];

function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a UTF-8 byte order mark, so Excel opens the Chinese names correctly. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [header.join(','), ...rows.map((row) => row.map(csvField).join(','))];
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/** A report's rows as CSV; head office passes its own columns (with its extra fields). */
export function reportCsv<R extends { rows: ReportRow<string>[] }>(r: R, columns: string[] = CSV_COLUMNS): string {
  return toCsv(columns, r.rows.map((row) => columns.map((c) => Object.entries(row).find(([k]) => k === c)?.[1])));
}

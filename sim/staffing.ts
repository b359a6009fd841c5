/**
 * Who staffs which counter on a simulated day: the profile's own shifts, or else the roster of the
 * branch configuration for that weekday; minus the tellers who do not come; plus the faults that
 * no roster knows of (a counter that stops mid-morning).
 */
import type { QueueConfig } from '../core/types.js';
import { FAULT_REASON, type SimProfile } from './profile.js';

export interface DayShift {
  counter: string;
  /** Local "HH:MM". */
  open: string;
  close: string;
  breaks: { at: string; minutes: number; reason: string }[];
}

export interface DayFault {
  counter: string;
  at: string;
  minutes: number;
  reason: string;
}

/** Weekday of a local date (YYYY-MM-DD): 0 = Sunday. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** Whether the branch opens at all on a local date (its weekly hours and closed dates). */
export function branchOpensOn(config: QueueConfig, date: string): boolean {
  return (config.branch.hours.weekly[weekdayOf(date)]?.length ?? 0) > 0 && !config.branch.hours.closedDates.includes(date);
}

/** The counters that may ever open in this profile (each gets a teller). */
export function staffedCounters(profile: SimProfile, config: QueueConfig): string[] {
  const ids = profile.counters ? Object.keys(profile.counters) : [...new Set(config.roster.map((s) => s.counterId))];
  return ids.filter((id) => !profile.absent.includes(id));
}

export function shiftsOfDay(profile: SimProfile, config: QueueConfig, date: string): DayShift[] {
  const absent = new Set(profile.absent);
  if (profile.counters) {
    return Object.entries(profile.counters)
      .filter(([id]) => !absent.has(id))
      .map(([counter, s]) => ({ counter, open: s.open, close: s.close, breaks: s.breaks }));
  }
  const weekday = weekdayOf(date);
  return config.roster
    .filter((s) => s.weekdays.includes(weekday) && !absent.has(s.counterId))
    .map((s) => ({ counter: s.counterId, open: s.open, close: s.close, breaks: s.breaks }));
}

export function faultsOfDay(profile: SimProfile): DayFault[] {
  const absent = new Set(profile.absent);
  return Object.entries(profile.faults)
    .filter(([id]) => !absent.has(id))
    .flatMap(([counter, list]) => list.map((f) => ({ counter, at: f.at, minutes: f.minutes, reason: FAULT_REASON })));
}

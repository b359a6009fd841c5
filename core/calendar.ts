/**
 * Branch-local calendar: business days and opening hours in the branch's IANA time zone.
 * Wall-clock parts come from Intl, so DST changes and non-UTC zones need no special cases.
 */
import type { OpeningHours } from './types.js';

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  weekday: number; // 0 = Sunday
  minutes: number; // minutes since local midnight
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

// Every command asks for the local time (day rollover, opening hours) and the wait estimate
// asks for many (history by hour, the roster); formatting with Intl costs microseconds each
// time. A zone's offset from UTC only changes on a quarter hour (DST and every zone in use), so
// the offset is kept per zone and quarter hour and the parts are worked out from it.
const QUARTER_MS = 15 * 60_000;
const offsets = new Map<string, Map<number, number>>();
const MAX_OFFSETS = 4096;

export function localParts(epochMs: number, timeZone: string): Readonly<LocalParts> {
  const minuteStart = Math.floor(epochMs / 60_000) * 60_000;
  const quarter = Math.floor(minuteStart / QUARTER_MS);
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  let offset = zone.get(quarter);
  if (offset === undefined) {
    const p = formatLocalParts(quarter * QUARTER_MS, timeZone);
    offset = Date.UTC(p.year, p.month - 1, p.day) + p.minutes * 60_000 - quarter * QUARTER_MS;
    if (zone.size >= MAX_OFFSETS) zone.clear();
    zone.set(quarter, offset);
  }
  const d = new Date(minuteStart + offset);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    minutes: d.getUTCHours() * 60 + d.getUTCMinutes(),
  };
}

function formatLocalParts(epochMs: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(epochMs)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS[parts.weekday ?? 'Sun'] ?? 0,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

export function parseHhMm(text: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a time of day in HH:MM`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes > 24 * 60) throw new Error(`"${text}" is past 24:00`);
  return minutes;
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The local date whose numbering is in force at `epochMs`: before `dayStartsAt` it is still the previous day. */
export function businessDay(epochMs: number, timeZone: string, dayStartsAt = '00:00'): string {
  const p = localParts(epochMs, timeZone);
  if (p.minutes >= parseHhMm(dayStartsAt)) return isoDate(p.year, p.month, p.day);
  const prev = new Date(Date.UTC(p.year, p.month - 1, p.day) - 86_400_000);
  return isoDate(prev.getUTCFullYear(), prev.getUTCMonth() + 1, prev.getUTCDate());
}

export function isOpenAt(epochMs: number, timeZone: string, hours: OpeningHours): boolean {
  const p = localParts(epochMs, timeZone);
  if (hours.closedDates.includes(isoDate(p.year, p.month, p.day))) return false;
  const windows = hours.weekly[p.weekday] ?? [];
  return windows.some((w) => p.minutes >= parseHhMm(w.open) && p.minutes < parseHhMm(w.close));
}

export interface OpeningState {
  open: boolean;
  /** While open: the local time the current window ends, "HH:MM". */
  closesAt?: string;
  /** While closed: the next opening within two weeks (local date and time, and days from today). */
  next?: { date: string; time: string; inDays: number };
}

/** Whether the branch is open now, until when, or when it opens next: what the kiosk tells a customer. */
export function openingState(epochMs: number, timeZone: string, hours: OpeningHours): OpeningState {
  const p = localParts(epochMs, timeZone);
  const today = Date.UTC(p.year, p.month - 1, p.day);
  const dateOf = (inDays: number) => new Date(today + inDays * 86_400_000).toISOString().slice(0, 10);
  if (isOpenAt(epochMs, timeZone, hours)) {
    const w = (hours.weekly[p.weekday] ?? []).find((x) => p.minutes >= parseHhMm(x.open) && p.minutes < parseHhMm(x.close));
    return { open: true, closesAt: w?.close };
  }
  for (let inDays = 0; inDays <= 14; inDays++) {
    const date = dateOf(inDays);
    if (hours.closedDates.includes(date)) continue;
    const windows = [...(hours.weekly[(p.weekday + inDays) % 7] ?? [])].sort((a, b) => parseHhMm(a.open) - parseHhMm(b.open));
    const w = windows.find((x) => inDays > 0 || parseHhMm(x.open) > p.minutes);
    if (w) return { open: false, next: { date, time: w.open, inDays } };
  }
  return { open: false };
}

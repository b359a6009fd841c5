/** Local wall-clock times of a branch's zone as epoch milliseconds (the simulated clock). */
import { localParts } from '../core/calendar.js';

/**
 * Epoch ms of a calendar date at 00:00 UTC (`month` 1–12; days past the month's end roll over).
 * Unlike Date.UTC, a year from 0 to 99 is that year, not 1900–1999.
 */
export function utcDate(year: number, month: number, day: number): number {
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  return t.getTime();
}

/** YYYY-MM-DD of a UTC instant, with the year in four digits (toISOString's form for 0000–9999). */
export function isoDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Epoch ms of local `date` (YYYY-MM-DD) at `minutes` past local midnight in `timeZone`. */
export function localEpoch(date: string, minutes: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wanted = utcDate(y, m, d) + minutes * 60_000;
  let guess = wanted;
  // Two corrections settle any fixed or DST offset (the zone's offset at the guessed instant).
  for (let i = 0; i < 2; i++) {
    const p = localParts(guess, timeZone);
    const seen = utcDate(p.year, p.month, p.day) + p.minutes * 60_000;
    guess += wanted - seen;
  }
  return guess;
}

export function hhmmToMinutes(text: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`"${text}" is not HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return isoDay(utcDate(y, m, d) + days * 86_400_000);
}

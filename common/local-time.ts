/** Local wall-clock times of a branch's zone as epoch milliseconds (the simulated clock). */
import { localParts } from '../core/calendar.js';

/** Epoch ms of local `date` (YYYY-MM-DD) at `minutes` past local midnight in `timeZone`. */
export function localEpoch(date: string, minutes: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wanted = Date.UTC(y, m - 1, d) + minutes * 60_000;
  let guess = wanted;
  // Two corrections settle any fixed or DST offset (the zone's offset at the guessed instant).
  for (let i = 0; i < 2; i++) {
    const p = localParts(guess, timeZone);
    const seen = Date.UTC(p.year, p.month - 1, p.day) + p.minutes * 60_000;
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
  return new Date(Date.UTC(y, m - 1, d) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Who arrives when, and how long each service takes: random draws from the profile. */
import { hhmmToMinutes, localEpoch } from '../common/local-time.js';
import { localParts } from '../core/calendar.js';
import type { QueueConfig } from '../core/types.js';
import { WEEKDAY_KEYS, type ServiceTimeSpec, type SimProfile } from './profile.js';
import type { Random } from './random.js';
import { weekdayOf } from './staffing.js';

export interface Arrival {
  at: number;
  service: string;
  segment: string;
}

export function drawServiceMinutes(spec: ServiceTimeSpec, rng: Random): number {
  switch (spec.dist) {
    case 'exponential':
      return rng.exponential(spec.meanMinutes);
    case 'lognormal':
      return rng.lognormal(spec.meanMinutes, spec.cv);
    case 'fixed':
      return spec.meanMinutes;
  }
}

/** The profile's factor on service times at local time `at` (by the hour the service starts). */
export function serviceFactorAt(profile: SimProfile, at: number, timeZone: string): number {
  const hour = String(Math.floor(localParts(at, timeZone).minutes / 60)).padStart(2, '0');
  return profile.serviceTimeShape[hour] ?? 1;
}

/** The day's arrivals: a Poisson process per service, its rate constant within each local hour. */
export function arrivalsOf(profile: SimProfile, config: QueueConfig, date: string, rng: Random): Arrival[] {
  const tz = config.branch.timeZone;
  const open = hhmmToMinutes(profile.open);
  const close = hhmmToMinutes(profile.close);
  const dayOfMonth = Number(date.slice(8, 10));
  const payday = profile.arrivals.paydays.includes(dayOfMonth) ? profile.arrivals.paydayFactor : 1;
  const weekday = profile.arrivals.weekdays[WEEKDAY_KEYS[weekdayOf(date)]!] ?? 1;
  const out: Arrival[] = [];
  for (const [service, perHour] of Object.entries(profile.arrivals.perHour)) {
    const mix = profile.arrivals.segmentsByService[service] ?? profile.arrivals.segments;
    for (let start = open; start < close; start = Math.floor(start / 60) * 60 + 60) {
      const end = Math.min(close, Math.floor(start / 60) * 60 + 60);
      const hour = String(Math.floor(start / 60)).padStart(2, '0');
      const rate = (perHour * (profile.arrivals.shape[hour] ?? 1) * payday * weekday) / 60; // per minute
      if (rate <= 0) continue;
      // Memoryless: restarting the clock at each hour boundary keeps it a Poisson process.
      for (let t = start + rng.exponential(1 / rate); t < end; t += rng.exponential(1 / rate)) {
        out.push({ at: Math.round(localEpoch(date, 0, tz) + t * 60_000), service, segment: rng.pick(mix) });
      }
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

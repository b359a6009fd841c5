/**
 * What the roster says about each counter for the rest of the day, joined with what the counter
 * is doing now: when it can next call, when it counts as open, its breaks to come and when it
 * leaves. What is seen beats what was planned: a counter open outside its shift stays open, a
 * counter whose teller has not come is not expected, a pause no roster knows (a fault) is
 * expected to last a while. The last shift of the day stays until the lobby is empty.
 */
import { localEpoch } from '../common/local-time.js';
import { localParts, parseHhMm } from './calendar.js';
import type { CounterState, RosterShift } from './types.js';

const MINUTE = 60_000;
// A counter may open this long before its shift (an early start) and still follow it.
const EARLY_MS = 60 * MINUTE;
// A teller this late for a shift is expected shortly; later than this, not today.
const LATE_MS = 10 * MINUTE;
const LATE_ARRIVAL_MS = 5 * MINUTE;
// A pause that matches no rostered break (a fault, a call from the manager) lasts about this
// long; one that has gone on longer is expected to go on half as long again.
const TYPICAL_PAUSE_MINUTES = 15;
// A pause that began within this of a rostered break is that break.
const BREAK_MATCH_MS = 20 * MINUTE;

interface Shift {
  open: number;
  close: number;
  breaks: { at: number; minutes: number }[];
}

interface DayRoster {
  date: string;
  shifts: Map<string, Shift[]>;
  /** The latest close of any shift that day: shifts ending then stay until everyone is served. */
  lastClose: number;
}

export interface CounterPlan {
  freeAt: number;
  openFrom: number;
  closeAt: number;
  breaks: { at: number; minutes: number }[];
}

export class RosterPlan {
  private day: DayRoster | undefined;

  constructor(
    private readonly roster: readonly RosterShift[],
    private readonly timeZone: string,
  ) {}

  get empty(): boolean {
    return this.roster.length === 0;
  }

  private dayOf(now: number): DayRoster {
    const p = localParts(now, this.timeZone);
    const date = `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
    if (this.day?.date === date) return this.day;
    const shifts = new Map<string, Shift[]>();
    let lastClose = -Infinity;
    for (const s of this.roster) {
      if (!s.weekdays.includes(p.weekday)) continue;
      const at = (hhmm: string) => localEpoch(date, parseHhMm(hhmm), this.timeZone);
      const shift: Shift = { open: at(s.open), close: at(s.close), breaks: s.breaks.map((b) => ({ at: at(b.at), minutes: b.minutes })) };
      const list = shifts.get(s.counterId) ?? [];
      list.push(shift);
      shifts.set(s.counterId, list);
      lastClose = Math.max(lastClose, shift.close);
    }
    for (const list of shifts.values()) list.sort((a, b) => a.open - b.open);
    this.day = { date, shifts, lastClose };
    return this.day;
  }

  /**
   * The counter's plan from `now`: undefined when it will not serve again today. `busyUntil` is
   * when its current customer is expected to leave (now when nobody is at it).
   */
  plan(counterId: string, state: CounterState, busyUntil: number, now: number, lastPausedAt?: number): CounterPlan | undefined {
    const day = this.dayOf(now);
    const shifts = day.shifts.get(counterId) ?? [];
    // From shift i on: its close (a later shift's gap becomes a break) and breaks still to come.
    const from = (i: number, after: number): Pick<CounterPlan, 'closeAt' | 'breaks'> => {
      const breaks: CounterPlan['breaks'] = [];
      let close = shifts[i]!.close;
      for (const b of shifts[i]!.breaks) if (b.at + b.minutes * MINUTE > after) breaks.push(b);
      for (let j = i + 1; j < shifts.length; j++) {
        const s = shifts[j]!;
        breaks.push({ at: close, minutes: (s.open - close) / MINUTE }, ...s.breaks);
        close = s.close;
      }
      return { closeAt: close >= day.lastClose ? Infinity : close, breaks };
    };
    const current = shifts.findIndex((s) => s.open - EARLY_MS <= now && now < s.close);

    if (state.status === 'closed') {
      for (let i = 0; i < shifts.length; i++) {
        const s = shifts[i]!;
        if (s.close <= now) continue;
        let openFrom = s.open;
        if (s.open <= now) {
          // The shift has begun without its teller: late, or not coming for this shift.
          if (now - s.open > LATE_MS) continue;
          openFrom = now + LATE_ARRIVAL_MS;
        }
        return { freeAt: openFrom, openFrom, ...from(i, openFrom) };
      }
      return undefined;
    }

    let pauseEnd = now;
    let skipBreak: { at: number; minutes: number } | undefined;
    if (state.status === 'paused') {
      const planned = current >= 0 ? shifts[current]!.breaks.find((b) => Math.abs(b.at - state.since) <= BREAK_MATCH_MS || (state.since >= b.at && state.since < b.at + b.minutes * MINUTE)) : undefined;
      if (planned) {
        skipBreak = planned;
        pauseEnd = state.since + planned.minutes * MINUTE;
      } else {
        const elapsed = (now - state.since) / MINUTE;
        pauseEnd = now + Math.max(TYPICAL_PAUSE_MINUTES - elapsed, 0.5 * elapsed, 2) * MINUTE;
      }
      pauseEnd = Math.max(pauseEnd, now + MINUTE);
    }
    const freeAt = Math.max(busyUntil, pauseEnd);
    if (current < 0) return { freeAt, openFrom: pauseEnd, closeAt: Infinity, breaks: [] };
    const rest = from(current, now);
    // A break already taken (the counter paused near its time) is not taken again.
    const taken = (b: { at: number; minutes: number }) =>
      b === skipBreak || (lastPausedAt !== undefined && (Math.abs(b.at - lastPausedAt) <= BREAK_MATCH_MS || (lastPausedAt >= b.at && lastPausedAt < b.at + b.minutes * MINUTE)));
    return { freeAt, openFrom: pauseEnd, closeAt: rest.closeAt, breaks: rest.breaks.filter((b) => !taken(b)) };
  }
}

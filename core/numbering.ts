/**
 * Ticket numbers: each service numbers its tickets from its prefix (A001, A002 …), afresh each
 * business day. The engine keeps one sequence per service and day; a number is never handed out
 * twice because the sequence and the ticket are committed in one transaction.
 */
import { DomainError } from '../common/errors.js';
import type { NumberSequence, ServiceDef } from './types.js';

export interface NumberTaken {
  /** The service's sequence after this number (to commit with the ticket). */
  sequence: NumberSequence;
  number: string;
  seqNo: number;
}

/**
 * The later of two business days. A clock set back (a flat RTC battery, a wrong NTP answer)
 * must not reopen an earlier day's numbering: that would hand out numbers already on
 * customers' tickets.
 */
export function laterDay(a: string, b: string | undefined): string {
  return b !== undefined && b > a ? b : a;
}

/** The formatted number for a sequence number: the width of the range's end sets the padding. */
export function formatNumber(service: ServiceDef, seqNo: number): string {
  const width = String(service.range.to).length;
  return `${service.prefix}${String(seqNo).padStart(width, '0')}`;
}

/** The number sequences of the days the engine holds, keyed by service and day. */
export class DailyNumbers {
  private readonly sequences = new Map<string, NumberSequence>();

  constructor(initial: readonly NumberSequence[] = []) {
    for (const s of initial) this.put(s);
  }

  /** The service's sequence for the day; a day that has issued nothing starts before the range. */
  sequence(service: ServiceDef, day: string): NumberSequence {
    return this.sequences.get(key(service.code, day)) ?? { serviceCode: service.code, businessDay: day, lastSeq: service.range.from - 1, issued: 0 };
  }

  /** Tickets issued for a service on a day (transfers use numbers but are not counted). */
  issued(serviceCode: string, day: string): number {
    return this.sequences.get(key(serviceCode, day))?.issued ?? 0;
  }

  /** The next number of the service on the day, without taking it (the outcome commits it). */
  next(service: ServiceDef, day: string): NumberTaken {
    const seq = this.sequence(service, day);
    const seqNo = seq.lastSeq + 1;
    if (seqNo > service.range.to) {
      throw new DomainError('NUMBERS_EXHAUSTED', `${service.name.en} has used every number up to ${service.prefix}${service.range.to} today.`);
    }
    return { sequence: { ...seq, lastSeq: seqNo }, number: formatNumber(service, seqNo), seqNo };
  }

  put(s: NumberSequence): void {
    this.sequences.set(key(s.serviceCode, s.businessDay), s);
  }

  /** Forgets every day but `day` (a new business day has begun). */
  keepOnly(day: string): void {
    for (const [k, s] of this.sequences) if (s.businessDay !== day) this.sequences.delete(k);
  }
}

function key(serviceCode: string, day: string): string {
  return `${serviceCode}|${day}`;
}

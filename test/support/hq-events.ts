/** Events a branch would upload, valid against core/events.ts, for head-office tests and the benchmark. */
import { randomUUID } from 'node:crypto';
import { EVENT_VERSION, type BranchEvent } from '../../core/events.js';
import type { Ticket } from '../../core/types.js';

export function ticketOf(i: number, at: number, over: Partial<Ticket> = {}): Ticket {
  const day = new Date(at).toISOString().slice(0, 10);
  return {
    id: randomUUID(),
    visitId: randomUUID(),
    number: `A${String((i % 999) + 1).padStart(3, '0')}`,
    seq: (i % 999) + 1,
    serviceCode: 'CASH',
    segment: 'regular',
    channel: 'kiosk',
    status: 'waiting',
    businessDay: day,
    issuedAt: at,
    queuedAt: at,
    ahead: i % 7,
    estimate: { minMinutes: 5, maxMinutes: 10 },
    recalls: 0,
    rejoins: 0,
    ...over,
  };
}

/**
 * `n` queue events from `fromSeq`: a ticket issued, then called and completed, in turn, so the
 * ticket projection sees every status. Times start at `at` and step a second.
 */
export function queueEvents(branch: string, fromSeq: number, n: number, at = Date.UTC(2026, 5, 15, 2), id0 = 1): BranchEvent[] {
  const out: BranchEvent[] = [];
  let t: Ticket | undefined;
  for (let k = 0; k < n; k++) {
    const seq = fromSeq + k;
    const when = at + k * 1000;
    const phase = (seq - 1) % 3;
    let e: BranchEvent;
    if (phase === 0 || !t) {
      t = ticketOf(seq, when);
      e = { id: id0 + k, stream: 'queue', seq, type: 'ticket.issued', v: EVENT_VERSION, at: new Date(when).toISOString(), branch, data: { ticket: t } };
    } else if (phase === 1) {
      t = { ...t, status: 'called', calledAt: when, counterId: '1', staffId: 'T01' };
      e = {
        id: id0 + k,
        stream: 'queue',
        seq,
        type: 'ticket.called',
        v: EVENT_VERSION,
        at: new Date(when).toISOString(),
        branch,
        data: { ticket: t, counterId: '1', staffId: 'T01', reason: { tier: 'primary', rule: 'fifo', passedOver: 0, text: 'first come' } },
      };
    } else {
      t = { ...t, status: 'done', endedAt: when };
      e = { id: id0 + k, stream: 'queue', seq, type: 'ticket.completed', v: EVENT_VERSION, at: new Date(when).toISOString(), branch, data: { ticket: t, counterId: '1', staffId: 'T01', auto: false } };
    }
    out.push(e);
  }
  return out;
}

export function deviceEvents(branch: string, fromSeq: number, n: number, at = Date.UTC(2026, 5, 15, 2)): BranchEvent[] {
  return Array.from({ length: n }, (_, k) => ({
    id: k + 1,
    stream: 'device' as const,
    seq: fromSeq + k,
    type: 'device.status' as const,
    v: EVENT_VERSION,
    at: new Date(at + k * 1000).toISOString(),
    branch,
    data: { device: { id: 'printer-1', kind: 'printer', uri: 'sim', state: k % 2 ? 'online' : 'paper_near_end', since: new Date(at + k * 1000).toISOString() } },
  }));
}

/**
 * Waiting tickets per service, split into priority and regular lines, each kept sorted by
 * queue time so the head of a line is its longest waiter. Sorted arrays with binary search:
 * at a branch's scale (thousands waiting at most) this beats any tree on constant factors.
 */
import type { Ticket } from './types.js';

export interface ServiceLines {
  priority: Ticket[];
  regular: Ticket[];
}

function before(a: Ticket, b: Ticket): boolean {
  if (a.queuedAt !== b.queuedAt) return a.queuedAt < b.queuedAt;
  if (a.issuedAt !== b.issuedAt) return a.issuedAt < b.issuedAt;
  // The same millisecond (a burst at two kiosks): issue order, which the number records.
  // A line holds one service, so its numbers compare; the random id alone would reorder them.
  if (a.seq !== b.seq) return a.seq < b.seq;
  return a.id < b.id;
}

/** First index whose ticket is not before `t` (lower bound). */
function lowerBound(line: Ticket[], t: Ticket): number {
  let lo = 0;
  let hi = line.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(line[mid]!, t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many tickets in a sorted line go before `t` (whether or not `t` is in the line). */
export function countBefore(line: Ticket[], t: Ticket): number {
  return lowerBound(line, t);
}

/** How many tickets in a sorted line were queued strictly before `time`. */
export function countQueuedBefore(line: Ticket[], time: number): number {
  let lo = 0;
  let hi = line.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (line[mid]!.queuedAt < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class WaitingIndex {
  private readonly lines = new Map<string, ServiceLines>();

  constructor(private readonly isPriority: (segment: string) => boolean) {}

  line(serviceCode: string): ServiceLines {
    let l = this.lines.get(serviceCode);
    if (!l) {
      l = { priority: [], regular: [] };
      this.lines.set(serviceCode, l);
    }
    return l;
  }

  private lineOf(t: Ticket): Ticket[] {
    const l = this.line(t.serviceCode);
    return this.isPriority(t.segment) ? l.priority : l.regular;
  }

  add(t: Ticket): void {
    const line = this.lineOf(t);
    line.splice(lowerBound(line, t), 0, t);
  }

  remove(t: Ticket): void {
    const line = this.lineOf(t);
    const i = lowerBound(line, t);
    if (line[i]?.id === t.id) {
      line.splice(i, 1);
      return;
    }
    // Not where its keys say: fall back to a scan rather than leave a stale entry.
    const j = line.findIndex((x) => x.id === t.id);
    if (j >= 0) line.splice(j, 1);
  }

  waitingCount(serviceCode: string): number {
    const l = this.lines.get(serviceCode);
    return l ? l.priority.length + l.regular.length : 0;
  }

  oldest(serviceCode: string): Ticket | undefined {
    const l = this.lines.get(serviceCode);
    if (!l) return undefined;
    const p = l.priority[0];
    const r = l.regular[0];
    if (!p) return r;
    if (!r) return p;
    return before(p, r) ? p : r;
  }

  total(): number {
    let n = 0;
    for (const l of this.lines.values()) n += l.priority.length + l.regular.length;
    return n;
  }
}

/**
 * The wait estimator's model: a walk of the branch forward in time, with mean service times,
 * under the branch's own calling rules. Every counter that is open, paused or rostered to open
 * later today takes part; when it is free it calls the customer the rules would give it
 * (rankHeads, the same ranking a real call uses) from the customers waiting now and those the
 * history expects to arrive; it takes its rostered breaks when they fall due and leaves at the
 * end of its shift (the last shift of the day stays until the lobby is empty). The customer's
 * wait is the moment a counter calls them.
 *
 * Deterministic and bounded: arrivals come at the expected times (the n-th when n − ½ are
 * expected), and after MAX_STEPS calls the rest is extrapolated at the pace seen so far.
 */
import type { HourlyRates } from './branch-history.js';
import type { LineHead } from './selection-common.js';
import { rankHeads } from './selection.js';
import type { QueueRules, SkillLevel } from './types.js';

const MINUTE = 60_000;
const MAX_STEPS = 400;
/** Beyond a long day the model has nothing useful to say. */
export const MAX_MODEL_MINUTES = 8 * 60;

export interface QueuedCustomer {
  queuedAt: number;
  issuedAt: number;
}

export interface WalkLine {
  targetMinutes: number;
  thresholdMinutes: number;
  /** Waiting customers in queue order (the engine's lines, read only). */
  priority: readonly QueuedCustomer[];
  regular: readonly QueuedCustomer[];
  /** Mean service minutes by local hour. */
  serviceMinutes: Float64Array;
  /** Expected arrivals per minute by local hour; none expected when undefined. */
  rates?: HourlyRates;
}

export interface WalkCounter {
  services: { code: string; level: SkillLevel }[];
  /** When the counter can next call (epoch ms); Infinity when it will not serve again today. */
  freeAt: number;
  /** From when it counts as open (for covering): now, the end of its pause, or its shift's start. */
  openFrom: number;
  /** When it stops calling (its shift ends); Infinity when it stays until the lobby is empty. */
  closeAt: number;
  /** Rostered breaks still to come, in order: taken when the counter is next free after `at`. */
  breaks: { at: number; minutes: number }[];
  /** Priority calls in a row so far (the fairness cap). */
  streak: number;
}

export interface WalkInput {
  now: number;
  /** Minutes since local midnight at `now` (the hour of a later moment follows from it). */
  localMinutes: number;
  rules: QueueRules;
  lines: ReadonlyMap<string, WalkLine>;
  counters: WalkCounter[];
  /** The customer whose turn is wanted. */
  us: {
    serviceCode: string;
    priority: boolean;
    queuedAt: number;
    issuedAt: number;
    /** Customers before them in their own segment line. */
    position: number;
    /** Whether they are in the line already (at `position`) or would join it at its end. */
    inLine: boolean;
  };
}

export interface WalkResult {
  /** Minutes until the customer is called. */
  minutes: number;
  /** Customers the walk called before them, at any counter. */
  calledBefore: number;
}

/** One segment line of a service as the walk consumes it. */
class Side {
  private pos = 0;
  private readonly virtual: number[] = [];
  private virtualServed = 0;
  private genAt: number;
  private due = 0.5; // the next arrival comes when this many more are expected
  private exhausted = false;
  /** Customers waiting ahead of the virtual arrivals: the real line, plus us when joining it. */
  private readonly realLength: number;
  /** Set by fillHead: whether the head it wrote is our customer. */
  headIsUs = false;

  constructor(
    private readonly existing: readonly QueuedCustomer[],
    private readonly rate: Float64Array | undefined,
    private readonly walk: { now: number; localMinutes: number },
    /** Index of "us" in this side's order, or −1. */
    private readonly usAt: number,
    private readonly usCustomer: QueuedCustomer | undefined,
    private readonly usInLine: boolean,
  ) {
    this.genAt = walk.now;
    if (!rate || !rate.some((r) => r > 0)) this.exhausted = true;
    this.realLength = usAt >= 0 && !usInLine ? existing.length + 1 : existing.length;
  }

  private realAt(i: number): QueuedCustomer {
    if (this.usAt >= 0 && !this.usInLine) {
      if (i === this.usAt) return this.usCustomer!;
      return this.existing[i > this.usAt ? i - 1 : i]!;
    }
    return this.existing[i]!;
  }

  /**
   * Writes the longest waiter at time t into `head` (queue and issue time) and whether it is us
   * into headIsUs; false when nobody waits. Writing into the caller's object, not returning a
   * new one, keeps the walk free of allocation per step.
   */
  fillHead(t: number, head: LineHead): boolean {
    if (this.pos < this.realLength) {
      const c = this.realAt(this.pos);
      head.queuedAt = c.queuedAt;
      head.issuedAt = c.issuedAt;
      this.headIsUs = this.pos === this.usAt;
      return true;
    }
    const at = this.peekArrival();
    if (at === undefined || at > t) return false;
    head.queuedAt = at;
    head.issuedAt = at;
    this.headIsUs = false;
    return true;
  }

  consume(): void {
    if (this.pos < this.realLength) this.pos++;
    else this.virtualServed++;
  }

  /** Served so far, ahead of us. */
  get served(): number {
    return this.pos;
  }

  /** The next expected arrival not yet queued (for an idle counter to wait for). */
  peekArrival(): number | undefined {
    if (this.virtualServed < this.virtual.length) return this.virtual[this.virtualServed];
    const next = this.nextArrival();
    if (next !== undefined) this.virtual.push(next);
    return next;
  }

  private nextArrival(): number | undefined {
    if (this.exhausted || !this.rate) return undefined;
    let t = this.genAt;
    let need = this.due;
    const horizon = this.walk.now + MAX_MODEL_MINUTES * MINUTE;
    while (t < horizon) {
      const local = this.walk.localMinutes + (t - this.walk.now) / MINUTE;
      const hour = Math.floor(local / 60);
      const r = this.rate[((hour % 24) + 24) % 24]!;
      const hourEnd = this.walk.now + ((hour + 1) * 60 - this.walk.localMinutes) * MINUTE;
      const span = (hourEnd - t) / MINUTE;
      if (r > 0 && r * span >= need) {
        const at = t + (need / r) * MINUTE;
        this.genAt = at;
        this.due = 1;
        return at;
      }
      need -= r * span;
      t = hourEnd;
    }
    this.exhausted = true;
    return undefined;
  }
}

/** A counter as the walk moves it forward (the input's counters are left as they are). */
interface Teller {
  freeAt: number;
  readonly openFrom: number;
  readonly closeAt: number;
  readonly breaks: readonly { at: number; minutes: number }[];
  /** Index of the next break still to take. */
  nextBreak: number;
  breakUntil: number;
  streak: number;
  /** One per line the counter serves: each service's priority side, then its regular side. */
  slots: Slot[];
}

/**
 * One line a counter serves, set up once per walk. The head the calling rules rank is one
 * object per slot, reused: its fixed fields (skill level, segment class, target, threshold) are
 * written here, its customer and covering are refilled at each step.
 */
interface Slot {
  side: Side;
  line: WalkLine;
  /** Whether this is the customer's own service. */
  own: boolean;
  head: LineHead;
  /** For a secondary service under reserve duty: the counters holding it as primary (covering when none is open). */
  coveredBy: Teller[] | undefined;
}

function isOpen(c: Teller, t: number): boolean {
  return c.freeAt !== Infinity && t >= c.openFrom && t < c.closeAt && c.breakUntil <= t;
}

function noneOpen(counters: readonly Teller[], t: number): boolean {
  for (let i = 0; i < counters.length; i++) if (isOpen(counters[i]!, t)) return false;
  return true;
}

export function walkWait(input: WalkInput): WalkResult {
  const { now, rules, us } = input;
  const sides = new Map<string, { priority: Side; regular: Side }>();
  for (const [code, line] of input.lines) {
    const mine = code === us.serviceCode;
    const make = (existing: readonly QueuedCustomer[], rate: Float64Array | undefined, isPriority: boolean) =>
      new Side(existing, rate, input, mine && us.priority === isPriority ? us.position : -1, mine && us.priority === isPriority ? us : undefined, us.inLine);
    sides.set(code, { priority: make(line.priority, line.rates?.priority, true), regular: make(line.regular, line.rates?.regular, false) });
  }
  const ownSides = sides.get(us.serviceCode);
  const ownLine = input.lines.get(us.serviceCode);
  if (!ownSides || !ownLine) return { minutes: MAX_MODEL_MINUTES, calledBefore: 0 };

  // Everything that does not change during the walk is worked out once here, not at each call.
  const counters: Teller[] = input.counters.map((c) => ({ freeAt: c.freeAt, openFrom: c.openFrom, closeAt: c.closeAt, breaks: c.breaks, nextBreak: 0, breakUntil: 0, streak: c.streak, slots: [] }));
  const primaryOf = new Map<string, Teller[]>();
  input.counters.forEach((c, i) => {
    for (const s of c.services) if (s.level === 'primary') (primaryOf.get(s.code) ?? primaryOf.set(s.code, []).get(s.code)!).push(counters[i]!);
  });
  // Strict tiers know no covering; reserve duty does.
  const covers = rules.tiers !== 'strict';
  input.counters.forEach((c, i) => {
    for (const s of c.services) {
      const sd = sides.get(s.code);
      const line = input.lines.get(s.code);
      if (!sd || !line) continue;
      const coveredBy = covers && s.level === 'secondary' ? (primaryOf.get(s.code) ?? []) : undefined;
      for (const [side, priority] of [
        [sd.priority, true],
        [sd.regular, false],
      ] as const) {
        const head: LineHead = { queuedAt: 0, issuedAt: 0, level: s.level, covering: false, priority, targetMinutes: line.targetMinutes, thresholdMinutes: line.thresholdMinutes };
        counters[i]!.slots.push({ side, line, own: s.code === us.serviceCode, head, coveredBy });
      }
    }
  });
  const hourAt = (t: number) => {
    const h = Math.floor((input.localMinutes + (t - now) / MINUTE) / 60);
    return ((h % 24) + 24) % 24;
  };

  const heads: LineHead[] = [];
  const picks: Slot[] = [];
  let calledBefore = 0;
  let ownServed = 0;
  for (let step = 0; step < MAX_STEPS; ) {
    // The counter free first (the first in order on a tie).
    let c: Teller | undefined;
    for (let i = 0; i < counters.length; i++) {
      const x = counters[i]!;
      if (x.freeAt !== Infinity && (!c || x.freeAt < c.freeAt)) c = x;
    }
    if (!c) return { minutes: MAX_MODEL_MINUTES, calledBefore };
    const t = c.freeAt;
    if (t - now > MAX_MODEL_MINUTES * MINUTE) return { minutes: MAX_MODEL_MINUTES, calledBefore };
    if (t >= c.closeAt) {
      c.freeAt = Infinity;
      continue;
    }
    const brk = c.breaks[c.nextBreak];
    if (brk && brk.at <= t) {
      c.nextBreak++;
      c.breakUntil = t + brk.minutes * MINUTE;
      c.freeAt = c.breakUntil;
      continue;
    }
    // Written in place and cut to length, never emptied: an array set to length 0 lets go of its
    // storage, and refilling it allocated new storage for both arrays at every step (most of
    // what an estimate allocated on a long queue, docs/benchmarks.md). No heads ranks as none.
    let n = 0;
    const slots = c.slots;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      if (!slot.side.fillHead(t, slot.head)) continue;
      slot.head.covering = slot.coveredBy !== undefined && noneOpen(slot.coveredBy, t);
      heads[n] = slot.head;
      picks[n] = slot;
      n++;
    }
    if (n > 0) heads.length = n;
    const pick = n > 0 ? rankHeads(heads, t, rules, c.streak) : null;
    if (!pick) {
      // Nothing for this counter yet: it waits for the next expected arrival in its lines, or
      // its break, or the end of its shift.
      let next = Infinity;
      for (let i = 0; i < slots.length; i++) next = Math.min(next, slots[i]!.side.peekArrival() ?? Infinity);
      const nextBreak = c.breaks[c.nextBreak];
      if (nextBreak) next = Math.min(next, Math.max(t, nextBreak.at));
      c.freeAt = next > t ? next : t + MINUTE;
      continue;
    }
    const chosen = picks[pick.index]!;
    // headIsUs still holds what fillHead found at this step.
    if (chosen.side.headIsUs) return { minutes: (t - now) / MINUTE, calledBefore };
    chosen.side.consume();
    calledBefore++;
    if (chosen.own) ownServed++;
    c.streak = pick.countsTowardStreak ? c.streak + 1 : chosen.head.priority ? c.streak : 0;
    c.freeAt = t + Math.max(0.05, chosen.line.serviceMinutes[hourAt(t)]!) * MINUTE;
    step++;
  }
  // Extrapolate: the customers still ahead in their own line, at the pace that line was served.
  let t = Infinity;
  for (const x of counters) t = Math.min(t, x.freeAt);
  if (!Number.isFinite(t)) return { minutes: MAX_MODEL_MINUTES, calledBefore };
  const side = us.priority ? ownSides.priority : ownSides.regular;
  const left = Math.max(0, us.position - side.served) + (us.priority ? 0 : Math.max(0, ownLine.priority.length - ownSides.priority.served));
  const pace = ownServed > 0 ? (t - now) / MINUTE / ownServed : ownLine.serviceMinutes[hourAt(t)]! / Math.max(1, counters.length);
  return { minutes: Math.min(MAX_MODEL_MINUTES, (t - now) / MINUTE + left * pace), calledBefore };
}

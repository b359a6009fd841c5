/**
 * A straightforward reference for the wait estimator's walk (core/estimate-walk.ts) and the
 * reserve-duty ranking it uses (core/selection-reserve.ts), as they were written before either
 * was made cheaper: a fresh object for every line head, closures for the rules, a map lookup
 * for everything. Kept here so the property test (walk-equivalence.test.ts) can hold the
 * optimised code to exactly the same answers on randomised branches.
 */
import { MAX_MODEL_MINUTES, type QueuedCustomer, type WalkInput, type WalkLine, type WalkResult } from '../../core/estimate-walk.js';
import { before, type HeadPick, type LineHead } from '../../core/selection-common.js';
import { rankStrict } from '../../core/selection-strict.js';
import type { QueueRules } from '../../core/types.js';

const MINUTE = 60_000;
// The same bound as the product's walk: a parameter of the model, not of how it is written.
const MAX_STEPS = 400;

function referenceRank(heads: readonly LineHead[], now: number, rules: QueueRules, streak: number): HeadPick | null {
  return rules.tiers === 'strict' ? rankStrict(heads, now, rules, streak) : referenceRankReserve(heads, now, rules, streak);
}

export function referenceRankReserve(heads: readonly LineHead[], now: number, rules: Pick<QueueRules, 'fairnessCap' | 'ageing'>, streak: number): HeadPick | null {
  if (heads.length === 0) return null;
  let regularWaiting = false;
  for (const h of heads) if (!h.priority) regularWaiting = true;
  const asPrimary = (h: LineHead) => h.level === 'primary' || h.covering;

  // 1. and 2. Among those due, primary lines (and covered ones) first, then reserve duty; in each
  // the customer furthest past target.
  for (const primaryPass of [true, false]) {
    let due = -1;
    let dueRatio = 0;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!;
      if (asPrimary(h) !== primaryPass) continue;
      const waitMinutes = (now - h.queuedAt) / 60_000;
      const isDue = primaryPass ? waitMinutes > h.targetMinutes && (h.priority || rules.ageing) : waitMinutes > h.thresholdMinutes;
      if (!isDue) continue;
      const ratio = waitMinutes / h.targetMinutes;
      if (due < 0 || ratio > dueRatio || (ratio === dueRatio && before(h, heads[due]!))) {
        due = i;
        dueRatio = ratio;
      }
    }
    if (due >= 0) return { index: due, rule: primaryPass ? 'aged' : 'reserve', countsTowardStreak: heads[due]!.priority && regularWaiting };
  }

  // 3. and 4. Primary lines (including covered ones), then secondary lines.
  for (const primaryPass of [true, false]) {
    let priority = -1;
    let regular = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!;
      if (asPrimary(h) !== primaryPass) continue;
      if (h.priority) {
        if (priority < 0 || before(h, heads[priority]!)) priority = i;
      } else if (regular < 0 || before(h, heads[regular]!)) regular = i;
    }
    if (priority >= 0) {
      if (regular >= 0 && streak >= rules.fairnessCap) return { index: regular, rule: 'fairness', countsTowardStreak: false };
      return { index: priority, rule: 'priority', countsTowardStreak: regular >= 0 };
    }
    if (regular >= 0) return { index: regular, rule: 'fifo', countsTowardStreak: false };
  }
  return null;
}

/** One segment line of a service as the walk consumes it. */
class Side {
  private pos = 0;
  private readonly virtual: number[] = [];
  private virtualServed = 0;
  private genAt: number;
  private due = 0.5; // the next arrival comes when this many more are expected
  private exhausted = false;

  constructor(
    private readonly existing: readonly QueuedCustomer[],
    private readonly rate: Float64Array | undefined,
    private readonly walk: { now: number; localMinutes: number },
    /** Index of "us" in this side's order, or −1. */
    readonly usAt: number,
    readonly usCustomer: QueuedCustomer | undefined,
    private readonly usInLine: boolean,
  ) {
    this.genAt = walk.now;
    if (!rate || !rate.some((r) => r > 0)) this.exhausted = true;
  }

  /** Customers still waiting ahead of the virtual arrivals: the real line, plus us. */
  private realLength(): number {
    if (this.usAt < 0) return this.existing.length;
    return this.usInLine ? this.existing.length : this.existing.length + 1;
  }

  private realAt(i: number): QueuedCustomer {
    if (this.usAt >= 0 && !this.usInLine) {
      if (i === this.usAt) return this.usCustomer!;
      return this.existing[i > this.usAt ? i - 1 : i]!;
    }
    return this.existing[i]!;
  }

  /** The longest waiter at time t, or undefined; `us` when it is our customer. */
  head(t: number): { c: QueuedCustomer; us: boolean } | undefined {
    if (this.pos < this.realLength()) return { c: this.realAt(this.pos), us: this.pos === this.usAt };
    const at = this.peekArrival();
    return at !== undefined && at <= t ? { c: { queuedAt: at, issuedAt: at }, us: false } : undefined;
  }

  consume(): void {
    if (this.pos < this.realLength()) this.pos++;
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

export function referenceWalkWait(input: WalkInput): WalkResult {
  const { now, rules, us } = input;
  const sides = new Map<string, { priority: Side; regular: Side; line: WalkLine }>();
  for (const [code, line] of input.lines) {
    const mine = code === us.serviceCode;
    const make = (existing: readonly QueuedCustomer[], rate: Float64Array | undefined, isPriority: boolean) =>
      new Side(existing, rate, input, mine && us.priority === isPriority ? us.position : -1, mine && us.priority === isPriority ? us : undefined, us.inLine);
    sides.set(code, { priority: make(line.priority, line.rates?.priority, true), regular: make(line.regular, line.rates?.regular, false), line });
  }
  if (!sides.has(us.serviceCode)) return { minutes: MAX_MODEL_MINUTES, calledBefore: 0 };

  const counters = input.counters.map((c) => ({ ...c, breaks: [...c.breaks], breakUntil: 0 }));
  const primaryOf = new Map<string, typeof counters>();
  for (const c of counters) for (const s of c.services) if (s.level === 'primary') (primaryOf.get(s.code) ?? primaryOf.set(s.code, []).get(s.code)!).push(c);
  const isOpen = (c: (typeof counters)[number], t: number) => c.freeAt !== Infinity && t >= c.openFrom && t < c.closeAt && c.breakUntil <= t;
  const hourAt = (t: number) => {
    const h = Math.floor((input.localMinutes + (t - now) / MINUTE) / 60);
    return ((h % 24) + 24) % 24;
  };

  const heads: LineHead[] = [];
  const picks: { side: Side; us: boolean; code: string }[] = [];
  let calledBefore = 0;
  let ownServed = 0;
  for (let step = 0; step < MAX_STEPS; ) {
    let c: (typeof counters)[number] | undefined;
    for (const x of counters) if (x.freeAt !== Infinity && (!c || x.freeAt < c.freeAt)) c = x;
    if (!c) return { minutes: MAX_MODEL_MINUTES, calledBefore };
    const t = c.freeAt;
    if (t - now > MAX_MODEL_MINUTES * MINUTE) return { minutes: MAX_MODEL_MINUTES, calledBefore };
    if (t >= c.closeAt) {
      c.freeAt = Infinity;
      continue;
    }
    const brk = c.breaks[0];
    if (brk && brk.at <= t) {
      c.breaks.shift();
      c.breakUntil = t + brk.minutes * MINUTE;
      c.freeAt = c.breakUntil;
      continue;
    }
    heads.length = 0;
    picks.length = 0;
    for (const s of c.services) {
      const sd = sides.get(s.code);
      if (!sd) continue;
      const covering = rules.tiers !== 'strict' && s.level === 'secondary' && !(primaryOf.get(s.code) ?? []).some((p) => isOpen(p, t));
      const thresholdMinutes = sd.line.thresholdMinutes;
      for (const [side, isPriority] of [
        [sd.priority, true],
        [sd.regular, false],
      ] as const) {
        const h = side.head(t);
        if (!h) continue;
        heads.push({ queuedAt: h.c.queuedAt, issuedAt: h.c.issuedAt, level: s.level, covering, priority: isPriority, targetMinutes: sd.line.targetMinutes, thresholdMinutes });
        picks.push({ side, us: h.us, code: s.code });
      }
    }
    const pick = referenceRank(heads, t, rules, c.streak);
    if (!pick) {
      // Nothing for this counter yet: it waits for the next expected arrival in its lines, or
      // its break, or the end of its shift.
      let next = Infinity;
      for (const s of c.services) {
        const sd = sides.get(s.code);
        if (!sd) continue;
        next = Math.min(next, sd.priority.peekArrival() ?? Infinity, sd.regular.peekArrival() ?? Infinity);
      }
      if (c.breaks[0]) next = Math.min(next, Math.max(t, c.breaks[0].at));
      c.freeAt = next > t ? next : t + MINUTE;
      continue;
    }
    const chosen = picks[pick.index]!;
    if (chosen.us) return { minutes: (t - now) / MINUTE, calledBefore };
    chosen.side.consume();
    calledBefore++;
    if (chosen.code === us.serviceCode) ownServed++;
    c.streak = pick.countsTowardStreak ? c.streak + 1 : heads[pick.index]!.priority ? c.streak : 0;
    c.freeAt = t + Math.max(0.05, sides.get(chosen.code)!.line.serviceMinutes[hourAt(t)]!) * MINUTE;
    step++;
  }
  // Extrapolate: the customers still ahead in their own line, at the pace that line was served.
  let t = Infinity;
  for (const x of counters) t = Math.min(t, x.freeAt);
  if (!Number.isFinite(t)) return { minutes: MAX_MODEL_MINUTES, calledBefore };
  const own = sides.get(us.serviceCode)!;
  const side = us.priority ? own.priority : own.regular;
  const left = Math.max(0, us.position - side.served) + (us.priority ? 0 : Math.max(0, own.line.priority.length - own.priority.served));
  const pace = ownServed > 0 ? (t - now) / MINUTE / ownServed : own.line.serviceMinutes[hourAt(t)]! / Math.max(1, counters.length);
  return { minutes: Math.min(MAX_MODEL_MINUTES, (t - now) / MINUTE + left * pace), calledBefore };
}

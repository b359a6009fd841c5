/**
 * Replays of the event log to stream clients (?after=), paced so that no number of clients can
 * hold up the service:
 * - one slice of at most SLICE_EVENTS messages per turn of the event loop, clients taking turns,
 *   so an HTTP request waits at most one slice;
 * - all replays together send at most REPLAY_BYTES_PER_SECOND (a day of a busy branch is a few
 *   megabytes: a display catches up in a second or two);
 * - after each slice the client is pinged and waits aside for the pong, which it can only send
 *   once it has read the slice: a client that does not read gets one slice and then costs
 *   nothing; one that goes is dropped from the queue;
 * - the log is read in pages aligned on REPLAY_PAGE ids; a page wholly below the newest event
 *   never changes, so its messages are built once and shared by every client replaying through
 *   it (a crowd asking for the same history costs one read).
 * The read that reaches the end of the log and the client's switch to live events happen in the
 * same tick, so no event committed meanwhile is missed or sent twice: events are committed and
 * published in one synchronous step.
 */
import type { WebSocket } from 'ws';
import type { BranchEvent } from '../../core/events.js';

const REPLAY_PAGE = 200;
const SLICE_EVENTS = 50;
const PAGE_CACHE = 64;
export const REPLAY_BYTES_PER_SECOND = 4 * 1024 * 1024;
const BURST_BYTES = 512 * 1024;

export interface ReplayClient {
  ws: WebSocket;
  staff: boolean;
  /** Called in the tick the replay reached the end of the log: the client is live from here. */
  onCaughtUp(): void;
}

interface Page {
  ids: number[];
  // Encoded once: sending a Buffer as a text frame neither copies nor re-encodes it.
  texts: Buffer[];
}

interface Running {
  client: ReplayClient;
  last: number;
}

export class ReplayPump {
  private readonly queue: Running[] = [];
  private readonly waiting = new Set<Running>();
  private readonly pages = new Map<string, Page>();
  private tokens = BURST_BYTES;
  private refilledAt = Date.now();
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private marks = 0;

  constructor(
    private readonly store: { eventsBetween(afterId: number, uptoId: number): BranchEvent[]; lastEventId(): number },
    private readonly view: (e: BranchEvent, staff: boolean) => unknown,
  ) {}

  /** Replays still running, waiting their turn or for their client to read. */
  get running(): number {
    return this.queue.length + this.waiting.size;
  }

  start(client: ReplayClient, after: number): void {
    this.queue.push({ client, last: after });
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.queue.length = 0;
    this.waiting.clear();
  }

  private kick(): void {
    if (this.scheduled || this.timer || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.turn();
    });
  }

  private turn(): void {
    if (this.queue.length === 0) return;
    const now = Date.now();
    this.tokens = Math.min(BURST_BYTES, this.tokens + ((now - this.refilledAt) * REPLAY_BYTES_PER_SECOND) / 1000);
    this.refilledAt = now;
    if (this.tokens <= 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.kick();
      }, Math.ceil((-this.tokens * 1000) / REPLAY_BYTES_PER_SECOND) + 1);
      return;
    }
    const r = this.queue.shift()!;
    if (r.client.ws.readyState === r.client.ws.OPEN) this.slice(r);
    this.kick();
  }

  /**
   * Sends the next slice of `r`'s replay and a ping after it; the next slice waits for the pong.
   * A pong can only come once the client has read everything before it, so a client that does
   * not read gets one slice and then costs nothing more.
   */
  private slice(r: Running): void {
    const { ws } = r.client;
    const upto = (Math.floor(r.last / REPLAY_PAGE) + 1) * REPLAY_PAGE;
    if (upto > this.store.lastEventId()) {
      // The end of the log: the rest, and live from this very tick.
      for (const e of this.store.eventsBetween(r.last, upto)) {
        const text = viewText(this.view, e, r.client.staff);
        if (text === null) continue;
        this.tokens -= text.length;
        ws.send(text);
      }
      r.client.onCaughtUp();
      return;
    }
    const page = this.page(upto, r.client.staff);
    let from = firstAfter(page.ids, r.last);
    const to = Math.min(page.ids.length, from + SLICE_EVENTS);
    let lastSent = -1;
    for (; from < to; from++) {
      const text = page.texts[from]!;
      this.tokens -= text.length;
      lastSent = page.ids[from]!;
      ws.send(text, { binary: false });
    }
    r.last = to >= page.ids.length ? upto : lastSent;
    if (lastSent < 0) {
      this.queue.push(r);
      return;
    }
    const mark = Buffer.from(`replay:${++this.marks}`);
    const onPong = (data: Buffer) => {
      if (!data.equals(mark)) return;
      done();
      if (this.stopped || ws.readyState !== ws.OPEN) return;
      this.queue.push(r);
      this.kick();
    };
    const done = () => {
      ws.off('pong', onPong);
      ws.off('close', done);
      this.waiting.delete(r);
    };
    this.waiting.add(r);
    ws.on('pong', onPong);
    ws.once('close', done);
    ws.ping(mark);
  }

  private page(upto: number, staff: boolean): Page {
    const key = `${upto}:${staff}`;
    const cached = this.pages.get(key);
    if (cached) return cached;
    const page: Page = { ids: [], texts: [] };
    for (const e of this.store.eventsBetween(upto - REPLAY_PAGE, upto)) {
      const text = viewText(this.view, e, staff);
      if (text === null) continue;
      page.ids.push(e.id);
      page.texts.push(Buffer.from(text));
    }
    if (this.pages.size >= PAGE_CACHE) this.pages.delete(this.pages.keys().next().value!);
    this.pages.set(key, page);
    return page;
  }
}

/** The event as JSON for a connection of this kind, or null when it is not sent to it. */
export function viewText(view: (e: BranchEvent, staff: boolean) => unknown, e: BranchEvent, staff: boolean): string | null {
  const v = view(e, staff);
  return v === undefined ? null : JSON.stringify(v);
}

/** Index of the first id greater than `last` in ascending `ids`. */
function firstAfter(ids: number[], last: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid]! <= last) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

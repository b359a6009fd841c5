/**
 * The branch uploader: sends the outbox to head office, one stream's batch at a time, and keeps
 * what head office acknowledged. It never gives up (full-jitter backoff, also when nothing new
 * happens locally), honours Retry-After, and is safe to kill anywhere: the acknowledged sequence
 * is written only after head office has committed, so a batch cut off midway is sent again and
 * head office recognises what it already holds.
 *
 * Head office holding more of a stream than this branch's log has, or holding different events
 * under the same numbers, means the branch database was restored from an older backup. The
 * uploader then raises an alarm and moves its own events past head office's numbers instead of
 * reusing them, so both histories arrive, each event once.
 */
import { z } from 'zod';
import type { BranchStore } from '../db/branch-store.js';
import type { Outbox } from '../db/outbox.js';
import type { StreamName } from '../core/events.js';
import type { Logger } from '../server/logger.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import type { HqClient, HqResponse } from './hq-client.js';
import { ackAnswerSchema, batchRefusalSchema, stateAnswerSchema, STREAMS } from './protocol.js';

export const restoreAlarmSchema = z.object({
  stream: z.enum(STREAMS),
  localSeq: z.number().int(),
  hqSeq: z.number().int(),
  /** The first local sequence that was renumbered, when any was. */
  movedFrom: z.number().int().optional(),
  at: z.number(),
});
export type RestoreAlarm = z.infer<typeof restoreAlarmSchema>;

export interface UploaderStatus {
  lastSuccessAt: number | null;
  lastAttemptAt: number | null;
  lastError: string | null;
  failures: number;
  backlog: number;
  oldestUnsentAt: string | null;
  acked: Record<string, number>;
  heads: Record<string, number>;
  uploaded: number;
}

export interface UploaderOptions {
  client: HqClient;
  outbox: Outbox;
  store: Pick<BranchStore, 'resequenceStream' | 'getMeta' | 'setMeta'>;
  log: Logger;
  batchSize?: number;
  backoff?: BackoffOptions;
  /** How long to wait after a new event before sending (a burst becomes one batch). */
  coalesceMs?: number;
  /** How often head office is asked for its heads when nothing is pending. */
  heartbeatMs?: number;
  onAlarm(alarm: RestoreAlarm): void;
}

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

function errorOf(r: HqResponse): Refused {
  const b = r.body as { error?: { code?: string; message?: string } } | null;
  return new Refused(r.status, b?.error?.code ?? `HTTP_${r.status}`, b?.error?.message ?? `head office answered ${r.status}`, r.retryAfter);
}

export class Uploader {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private kicked = false;
  private readonly backoff: Backoff;
  private lastSuccessAt: number | null;
  private lastAttemptAt: number | null = null;
  private lastError: string | null = null;
  private uploaded = 0;
  private stateChecked = false;

  constructor(private readonly o: UploaderOptions) {
    this.backoff = new Backoff(o.backoff ?? { baseMs: 1000, capMs: 5 * 60_000 });
    const last = Number(o.store.getMeta('sync.last_success'));
    this.lastSuccessAt = last > 0 ? last : null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp();
    await this.loop;
  }

  /** A new event was committed: send it soon. */
  kick(): void {
    this.kicked = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wakeUp();
    }, this.o.coalesceMs ?? 200);
  }

  status(): UploaderStatus {
    const heads = this.o.outbox.heads();
    const acked: Record<string, number> = {};
    const headsOut: Record<string, number> = {};
    let backlog = 0;
    let oldest: string | null = null;
    for (const s of STREAMS) {
      const h = heads.get(s) ?? 0;
      const a = Math.min(this.o.outbox.acked(s), h);
      acked[s] = a;
      headsOut[s] = h;
      backlog += h - a;
      if (h > a) {
        const at = this.o.outbox.oldestAfter(s, a);
        if (at && (!oldest || at < oldest)) oldest = at;
      }
    }
    return {
      lastSuccessAt: this.lastSuccessAt,
      lastAttemptAt: this.lastAttemptAt,
      lastError: this.lastError,
      failures: this.backoff.failures,
      backlog,
      oldestUnsentAt: oldest,
      acked,
      heads: headsOut,
      uploaded: this.uploaded,
    };
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private succeeded(): void {
    this.lastSuccessAt = Date.now();
    this.lastError = null;
    this.backoff.reset();
    this.o.store.setMeta('sync.last_success', String(this.lastSuccessAt));
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.kicked = false;
      let pending = false;
      try {
        this.lastAttemptAt = Date.now();
        if (!this.stateChecked) await this.checkState();
        pending = await this.sendRound();
      } catch (e) {
        const refused = e instanceof Refused ? e : undefined;
        this.lastError = refused ? `${refused.code}: ${refused.message}` : (e as Error).message;
        // Overloaded head office says when to come back; anything else backs off with jitter.
        const wait = this.backoff.next(refused?.retryAfter !== undefined ? refused.retryAfter * 1000 : 0);
        this.o.log.warn({ err: this.lastError, retryInMs: wait }, 'upload to head office failed; will retry');
        if (this.running) await this.sleep(wait);
        continue;
      }
      if (!this.running) break;
      if (pending || this.kicked) continue;
      await this.sleep(this.o.heartbeatMs ?? 30_000);
      // A quiet heartbeat asks head office for its heads: a restore is noticed without new events.
      if (!this.kicked) this.stateChecked = false;
    }
  }

  /** Head office's heads against the local log, before anything is sent. */
  private async checkState(): Promise<void> {
    const r = await this.o.client.request('GET', '/api/sync/state');
    if (r.status !== 200) throw errorOf(r);
    const state = stateAnswerSchema.parse(r.body);
    const local = this.o.outbox.heads();
    for (const s of STREAMS) {
      const hq = state.streams[s] ?? 0;
      const acked = this.o.outbox.acked(s);
      // Head office lost events we had acknowledged (it was restored): send them again.
      if (hq < acked) this.o.outbox.setAcked(s, hq);
      const mine = local.get(s) ?? 0;
      // Head office holds more than this log: the unsent part is sent from the old acknowledgement
      // and head office checks it against what it holds; the rest is settled by its answer.
      if (hq > mine && this.o.outbox.acked(s) >= mine) this.restored(s, mine, hq, undefined);
    }
    this.stateChecked = true;
    this.succeeded();
  }

  /** One batch per stream with something to send; true when more is waiting. */
  private async sendRound(): Promise<boolean> {
    let more = false;
    const heads = this.o.outbox.heads();
    for (const s of STREAMS) {
      const head = heads.get(s) ?? 0;
      const acked = this.o.outbox.acked(s);
      if (head <= acked) continue;
      const size = this.o.batchSize ?? 500;
      const batch = this.o.outbox.after(s, acked, size);
      if (batch.length === 0) continue;
      const r = await this.o.client.request('POST', '/api/sync/events', { stream: s, events: batch });
      if (r.status === 200) {
        const ack = ackAnswerSchema.parse(r.body);
        const mine = this.o.outbox.heads().get(s) ?? 0;
        if (ack.ackSeq > mine) {
          this.restored(s, mine, ack.ackSeq, undefined);
        } else {
          this.o.outbox.setAcked(s, ack.ackSeq);
          this.uploaded += ack.inserted;
        }
        this.succeeded();
        if (ack.ackSeq < head) more = true;
        continue;
      }
      if (r.status === 409) {
        const refusal = batchRefusalSchema.safeParse(r.body);
        if (!refusal.success) throw errorOf(r);
        const x = refusal.data;
        if (x.error.code === 'SEQ_GAP') {
          // Head office is behind what it once acknowledged (restored itself): send from where it is.
          this.o.log.warn({ stream: s, hq: x.ackSeq, acked }, 'head office is behind this branch; sending again from its head');
          this.o.outbox.setAcked(s, x.ackSeq);
        } else {
          this.restored(s, this.o.outbox.heads().get(s) ?? 0, x.ackSeq, x.conflictSeq);
        }
        this.succeeded();
        more = true;
        continue;
      }
      throw errorOf(r);
    }
    return more;
  }

  /**
   * Head office holds `hqSeq` of the stream, beyond what this log agrees with. Events from
   * `conflictSeq` (or from the end of this log) are renumbered to follow head office's, so no
   * number is used twice, and the alarm is raised.
   */
  private restored(stream: StreamName, localSeq: number, hqSeq: number, conflictSeq: number | undefined): void {
    const from = conflictSeq ?? localSeq + 1;
    const moved = this.o.store.resequenceStream(stream, from, hqSeq + 1);
    this.o.outbox.setAcked(stream, hqSeq);
    const alarm: RestoreAlarm = { stream, localSeq, hqSeq, ...(moved > 0 ? { movedFrom: from } : {}), at: Date.now() };
    this.o.log.error(alarm, 'head office holds events this branch database does not: it was restored from an older backup; new events continue after head office');
    this.o.onAlarm(alarm);
  }
}

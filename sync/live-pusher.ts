/**
 * The branch's live picture for head office: load per service against its target, counters,
 * devices, open alerts, the upload backlog, and the positions of today's open tickets for the
 * public ticket page (number, service, place and counter: nothing personal). Pushed soon after
 * a change and at least every half minute; a ticket that leaves the queue is pushed once more
 * with how it ended, so a phone shows "done" rather than a dead link.
 */
import { addDays, hhmmToMinutes, localEpoch } from '../common/local-time.js';
import type { Ticket } from '../core/types.js';
import type { BranchService } from '../server/branch-service.js';
import type { Logger } from '../server/logger.js';
import { Backoff } from './backoff.js';
import type { HqClient } from './hq-client.js';
import { MAX_LIVE_TICKETS, type LivePush, type PublicTicket } from './protocol.js';
import type { UploaderStatus } from './uploader.js';

export interface LiveSources {
  service: BranchService;
  devices(): { id: string; kind: string; state: string; detail?: string; since: string }[];
  alerts(): { key: string; kind: string; severity: string; message: { zh: string; en: string }; raisedAt: string; active: boolean }[];
  upload(): UploaderStatus;
}

export function publicTicketOf(service: BranchService, t: Ticket): PublicTicket {
  const v = service.ticketView(t.id);
  const config = service.queueConfig;
  const counter = v.counterId ? config.counters.find((c) => c.id === v.counterId) : undefined;
  return {
    id: v.id,
    number: v.number,
    serviceCode: v.serviceCode,
    ...(v.serviceName ? { serviceName: v.serviceName } : {}),
    status: v.status,
    ahead: v.ahead,
    estimate: v.estimate ? { minMinutes: v.estimate.minMinutes, maxMinutes: v.estimate.maxMinutes } : null,
    ...(v.counterId ? { counterId: v.counterId } : {}),
    ...(counter ? { counterName: counter.name } : {}),
    ...(v.transferredTo ? { transferredTo: { id: v.transferredTo.id, number: v.transferredTo.number } } : {}),
  };
}

export function livePicture(src: LiveSources, closed: Ticket[]): LivePush {
  const { service } = src;
  const config = service.queueConfig;
  const q = service.queueView();
  const day = q.businessDay;
  const dayEndsAt = localEpoch(addDays(day, 1), hhmmToMinutes(config.branch.dayStartsAt), config.branch.timeZone);
  const up = src.upload();
  const open = service.activeTickets().slice(0, MAX_LIVE_TICKETS);
  const tickets = [...open, ...closed].slice(0, MAX_LIVE_TICKETS).map((t) => publicTicketOf(service, t));
  return {
    at: new Date(service.clock()).toISOString(),
    businessDay: day,
    dayEndsAt: new Date(dayEndsAt).toISOString(),
    profile: {
      name: config.branch.name,
      timeZone: config.branch.timeZone,
      services: config.services.map((s) => ({ code: s.code, name: s.name, targetWaitMinutes: s.targetWaitMinutes })),
      counters: config.counters.map((c) => ({ id: c.id, name: c.name })),
    },
    load: {
      waiting: q.services.reduce((n, s) => n + s.waiting, 0),
      services: q.services.map((s) => ({ code: s.code, waiting: s.waiting, longestWaitSeconds: s.longestWaitSeconds, targetWaitMinutes: s.targetWaitMinutes, issuedToday: s.issuedToday })),
      counters: q.counters.map((c) => ({ id: c.id, state: c.state, servedToday: c.servedToday })),
    },
    devices: src.devices().map((d) => ({ id: d.id, kind: d.kind, state: d.state, ...(d.detail ? { detail: d.detail } : {}), since: d.since })),
    alerts: src
      .alerts()
      .filter((a) => a.active)
      .map((a) => ({ key: a.key, kind: a.kind, severity: a.severity, message: a.message, raisedAt: a.raisedAt })),
    sync: {
      backlog: up.backlog,
      lastSuccessAt: up.lastSuccessAt ? new Date(up.lastSuccessAt).toISOString() : null,
      oldestUnsentAt: up.oldestUnsentAt,
    },
    tickets,
  };
}

export class LivePusher {
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private pushing = false;
  private stopped = true;
  private dirty = false;
  private lastOpen = new Set<string>();
  private readonly backoff = new Backoff({ baseMs: 2000, capMs: 60_000 });
  private retryAt = 0;
  lastPushAt: number | null = null;

  /** A push is under way. */
  get busy(): boolean {
    return this.pushing;
  }

  constructor(
    private readonly o: { client: HqClient; sources: LiveSources; log: Logger; debounceMs?: number; heartbeatMs?: number },
  ) {}

  start(): void {
    this.stopped = false;
    this.heartbeat = setInterval(() => this.changed(), this.o.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
    this.changed();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.timer = undefined;
  }

  /** Something changed: push soon (bursts of events become one push). */
  changed(): void {
    this.dirty = true;
    if (this.stopped) return;
    if (this.timer || this.pushing) return;
    const wait = Math.max(this.o.debounceMs ?? 1000, this.retryAt - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.push();
    }, wait);
    this.timer.unref();
  }

  async push(): Promise<boolean> {
    if (this.pushing) return false;
    this.pushing = true;
    this.dirty = false;
    const service = this.o.sources.service;
    try {
      const open = new Set(service.activeTickets().map((t) => t.id));
      const closed: Ticket[] = [];
      for (const id of this.lastOpen) {
        if (open.has(id)) continue;
        const t = service.ticket(id);
        if (t) closed.push(t);
      }
      const body = livePicture(this.o.sources, closed);
      const r = await this.o.client.request('PUT', '/api/sync/live', body);
      if (r.status !== 200) throw new Error(`head office answered ${r.status}`);
      this.lastOpen = open;
      this.lastPushAt = Date.now();
      this.backoff.reset();
      this.retryAt = 0;
      return true;
    } catch (err) {
      this.dirty = true;
      this.retryAt = Date.now() + this.backoff.next();
      this.o.log.debug({ err: (err as Error).message }, 'live push to head office failed; will retry');
      return false;
    } finally {
      this.pushing = false;
      if (this.dirty) this.changed();
    }
  }
}

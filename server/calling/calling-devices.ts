/**
 * The calling devices of the branch, driven by committed events: each counter's LED display,
 * the lobby board(s) and the call pads. Everything here runs after the commit (EventHub) and
 * only queues text on the drivers, whose show()/showOnPad() return at once: a dead or unplugged
 * display never delays or fails a call, and comes back with the latest text by itself.
 * Pad key presses go the other way, into service.execute (pad-actions.ts).
 */
import type { ConfigFile } from '../../config/schema.js';
import type { BranchEvent } from '../../core/events.js';
import type { CallPadDevice } from '../../drivers/callpad/callpad-device.js';
import { openCallPad, type OpenedCallPad } from '../../drivers/callpad/open-callpad.js';
import type { CallPadKey } from '../../drivers/callpad/protocol.js';
import type { DisplayDevice } from '../../drivers/display/display-device.js';
import { openDisplay, type OpenedDisplay } from '../../drivers/display/open-display.js';
import type { BranchService } from '../branch-service.js';
import type { DeviceRegistry } from '../devices.js';
import type { Logger } from '../logger.js';
import { boardRow, calledText, closedText, idleText, PAD_TEXT, servingText } from './call-text.js';
import { planCallingDevices, type DisplayPlan, type PadPlan } from './device-plan.js';
import { PadActions } from './pad-actions.js';
import { RecentCalls } from './recent-calls.js';

export interface CallingDevicesOptions {
  service: BranchService;
  registry: DeviceRegistry;
  file: ConfigFile;
  demo: boolean;
  /** `--display` URIs (lobby boards, or a counter's display with `counter=N`). */
  displays?: string[];
  log: Logger;
  /** Rows on the lobby board. */
  boardRows: number;
  /** How long a pad shows a message (refusal, prompt result) before its normal screen; default 3 s. */
  padMessageMs?: number;
}

interface DisplayBus {
  plan: DisplayPlan;
  opened: OpenedDisplay;
}

interface PadLine {
  plan: PadPlan;
  opened: OpenedCallPad;
}

const QUEUE_EVENTS = /^(ticket|counter|day)\./;

/**
 * A pad's waiting count is repainted at most this often when only the count changed (a ticket
 * issued elsewhere): a frame to every pad serving the service for every ticket was 15–25 % of
 * the service's CPU per ticket issued one at a time (docs/benchmarks.md), and as many frames on
 * the RS-485 line, for a number a teller glances at. A pad whose own counter an event names (a
 * call, a pause) is still painted right after that request.
 */
const PAD_COUNTS_INTERVAL_MS = 250;

export class CallingDevices {
  readonly recent: RecentCalls;
  readonly displayBuses: DisplayBus[] = [];
  readonly padLines: PadLine[] = [];
  private readonly counterDisplays = new Map<string, { device: DisplayDevice; address: number }>();
  private readonly boards: { device: DisplayDevice; address: number }[] = [];
  private readonly counterPads = new Map<string, { device: CallPadDevice; address: number }>();
  private readonly padShown = new Map<string, string>();
  private readonly padMessages = new Map<string, { text: string; timer: NodeJS.Timeout }>();
  private readonly actions: PadActions;
  private readonly service: BranchService;
  private readonly log: Logger;
  private readonly padMessageMs: number;
  private unsubscribe: (() => void) | undefined;

  constructor(opts: CallingDevicesOptions) {
    this.service = opts.service;
    this.log = opts.log;
    this.padMessageMs = opts.padMessageMs ?? 3000;
    this.recent = new RecentCalls(opts.boardRows);
    this.actions = new PadActions(opts.service, opts.log);
    const plan = planCallingDevices(opts.file, { demo: opts.demo, displays: opts.displays });

    for (const p of plan.displays) {
      const opened = openDisplay(p.uri, { id: `display:${p.busKey}`, kind: p.kind, logger: opts.log });
      opts.registry.add(opened.device);
      this.displayBuses.push({ plan: p, opened });
      for (const [counterId, address] of p.counters) this.counterDisplays.set(counterId, { device: opened.device, address });
      for (const address of p.boards) this.boards.push({ device: opened.device, address });
    }
    for (const p of plan.pads) {
      const opened = openCallPad(p.uri, { id: `call-pad:${p.busKey}`, logger: opts.log });
      opts.registry.add(opened.device);
      this.padLines.push({ plan: p, opened });
      for (const [address, counterId] of p.counters) this.counterPads.set(counterId, { device: opened.device, address });
      opened.device.on('key', ({ address, key }) => {
        const counterId = p.counters.get(address);
        if (counterId === undefined) {
          this.log.warn({ bus: p.busKey, address, key }, 'key from a call pad whose address is no configured counter; ignored');
          return;
        }
        this.onKey(counterId, key);
      });
    }
  }

  /** Subscribes to committed events and paints every device's current content. Devices are started by the registry. */
  start(): void {
    for (const { opened } of [...this.displayBuses, ...this.padLines]) opened.sim?.fake.start();
    this.seedRecent();
    this.unsubscribe = this.service.hub.subscribe((e) => this.onEvent(e));
    for (const counterId of this.counterDisplays.keys()) this.paintCounter(counterId);
    this.paintBoards();
    this.paintPads();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.padsPending) clearImmediate(this.padsPending);
    if (this.countsTimer) clearTimeout(this.countsTimer);
    for (const m of this.padMessages.values()) clearTimeout(m.timer);
    this.padMessages.clear();
    // The registry stops the drivers; the simulated far ends are ours.
    await Promise.allSettled([...this.displayBuses, ...this.padLines].map(({ opened }) => opened.sim?.fake.stop()));
  }

  /**
   * Runs a pad key for a counter as if pressed on its pad (pads and the demo lab). The pad shows
   * the key's outcome once it is durable, as every answer of the service does.
   */
  onKey(counterId: string, key: CallPadKey): void {
    const feedback = this.actions.press(counterId, key);
    void this.service.durable().then(
      () => {
        if (feedback.message) this.flashPad(counterId, feedback.message);
        else this.clearPadMessage(counterId);
        this.paintPad(counterId);
      },
      () => {
        this.flashPad(counterId, PAD_TEXT.failed);
        this.paintPad(counterId);
      },
    );
  }

  /** Where each counter's devices are (for the lab and GET /api/devices readers). */
  wiring() {
    return this.service.queueConfig.counters.map((c) => ({
      counterId: c.id,
      display: this.counterDisplays.has(c.id) ? { device: this.counterDisplays.get(c.id)!.device.id, address: this.counterDisplays.get(c.id)!.address } : null,
      callPad: this.counterPads.has(c.id) ? { device: this.counterPads.get(c.id)!.device.id, address: this.counterPads.get(c.id)!.address } : null,
    }));
  }

  private onEvent(e: BranchEvent): void {
    if (!QUEUE_EVENTS.test(e.type)) return;
    switch (e.type) {
      case 'ticket.called':
      case 'ticket.recalled':
        this.recent.add({
          ticketId: e.data.ticket.id,
          number: e.data.ticket.number,
          serviceCode: e.data.ticket.serviceCode,
          counterId: e.data.counterId,
          at: Date.parse(e.at),
          recall: e.type === 'ticket.recalled',
        });
        this.paintBoards();
        break;
      case 'ticket.transferred':
      case 'ticket.cancelled':
      case 'ticket.returned':
        if (this.recent.remove(e.data.ticket.id)) this.paintBoards();
        break;
      case 'day.closed':
        this.recent.clear();
        this.paintBoards();
        break;
    }
    const counterId = 'counterId' in e.data ? e.data.counterId : undefined;
    if (typeof counterId === 'string') {
      this.paintCounter(counterId);
      // The event's own pad at once (after the request that caused it has been answered).
      this.padsDue.add(counterId);
      this.paintDueSoon();
    }
    // Waiting counts change with most queue events; pads whose screen is unchanged are skipped.
    this.paintCountsSoon();
  }

  private padsPending: NodeJS.Immediate | undefined;
  /** Pads to paint after this turn of the event loop. */
  private readonly padsDue = new Set<string>();
  private allPadsDue = false;
  private countsTimer: NodeJS.Timeout | undefined;
  private countsPaintedAt = -Infinity;

  private paintDueSoon(): void {
    this.padsPending ??= setImmediate(() => {
      this.padsPending = undefined;
      if (this.allPadsDue) {
        this.allPadsDue = false;
        this.countsPaintedAt = performance.now();
        this.paintPads();
      } else for (const id of this.padsDue) this.paintPad(id);
      this.padsDue.clear();
    });
  }

  /** Every pad, after this turn when the counts were last painted long enough ago, else once they were. */
  private paintCountsSoon(): void {
    if (this.countsTimer || this.allPadsDue) return;
    const wait = this.countsPaintedAt + PAD_COUNTS_INTERVAL_MS - performance.now();
    if (wait <= 0) {
      this.allPadsDue = true;
      this.paintDueSoon();
      return;
    }
    this.countsTimer = setTimeout(() => {
      this.countsTimer = undefined;
      this.allPadsDue = true;
      this.paintDueSoon();
    }, wait);
    this.countsTimer.unref();
  }

  private seedRecent(): void {
    const svc = this.service;
    const current = this.service.queueConfig.counters
      .map((c) => svc.counterState(c.id))
      .map((st) => (st.currentTicketId ? svc.liveTicket(st.currentTicketId) : undefined))
      .filter((t) => t !== undefined && t.calledAt !== undefined && t.counterId !== undefined)
      .sort((a, b) => a!.calledAt! - b!.calledAt!);
    for (const t of current) this.recent.add({ ticketId: t!.id, number: t!.number, serviceCode: t!.serviceCode, counterId: t!.counterId!, at: t!.calledAt!, recall: false });
  }

  private paintCounter(counterId: string): void {
    const target = this.counterDisplays.get(counterId);
    if (!target) return;
    const svc = this.service;
    const st = svc.counterState(counterId);
    const cur = st.currentTicketId ? svc.liveTicket(st.currentTicketId) : undefined;
    let text: string;
    let flash = false;
    if (st.status === 'closed') text = closedText(counterId, false);
    else if (st.status === 'paused') text = closedText(counterId, true);
    else if (cur?.status === 'called') {
      text = calledText(cur.number, counterId);
      flash = true;
    } else if (cur?.status === 'serving') text = servingText(cur.number);
    else text = idleText(counterId);
    target.device.show({ kind: 'counter', address: target.address, text, flash });
  }

  private paintBoards(): void {
    const rows = this.recent.list().map((c) => boardRow(c.number, c.counterId));
    for (const b of this.boards) b.device.show({ kind: 'board', address: b.address, rows });
  }

  private paintPads(): void {
    for (const counterId of this.counterPads.keys()) this.paintPad(counterId);
  }

  private padScreen(counterId: string): { text: string; waiting: number } {
    const svc = this.service;
    const def = this.service.queueConfig.counters.find((c) => c.id === counterId);
    const waiting = Math.min(65535, (def?.services ?? []).reduce((n, s) => n + svc.waitingCount(s.code), 0));
    const message = this.padMessages.get(counterId);
    if (message) return { text: message.text, waiting };
    const st = svc.counterState(counterId);
    const cur = st.currentTicketId ? svc.liveTicket(st.currentTicketId) : undefined;
    if (st.status === 'closed') return { text: PAD_TEXT.closed, waiting };
    if (st.status === 'paused') return { text: PAD_TEXT.paused, waiting };
    if (cur && (cur.status === 'called' || cur.status === 'serving')) return { text: cur.number, waiting };
    return { text: PAD_TEXT.idle, waiting };
  }

  private paintPad(counterId: string): void {
    const target = this.counterPads.get(counterId);
    if (!target) return;
    const screen = this.padScreen(counterId);
    const key = `${screen.text}|${screen.waiting}`;
    if (this.padShown.get(counterId) === key) return;
    this.padShown.set(counterId, key);
    target.device.showOnPad({ address: target.address, ...screen });
  }

  private flashPad(counterId: string, text: string): void {
    this.clearPadMessage(counterId);
    const timer = setTimeout(() => {
      this.padMessages.delete(counterId);
      this.paintPad(counterId);
    }, this.padMessageMs);
    timer.unref();
    this.padMessages.set(counterId, { text, timer });
  }

  private clearPadMessage(counterId: string): void {
    const m = this.padMessages.get(counterId);
    if (m) clearTimeout(m.timer);
    this.padMessages.delete(counterId);
  }
}

/**
 * Keeps the branch's alerts: evaluates the rules on every queue or device event and on a timer
 * (a wait passes its target with no event at all), using the service's clock so tests move time
 * instead of sleeping. A condition that starts raises one alert (stored, and an `alert.raised`
 * event on the stream); when its condition changes (paper near end becomes paper out) the same
 * alert takes the new severity and words (`alert.changed`, and a new acknowledgement is needed when
 * it got worse); when it ends the alert is marked cleared; a person acknowledges it, and who and
 * when is kept. An acknowledged condition that persists is not raised again until it
 * has cleared and come back.
 */
import { randomUUID } from 'node:crypto';
import { DomainError } from '../../common/errors.js';
import { draft, type EventDraft } from '../../core/events.js';
import type { AlertRecord, InsightsStore } from '../../db/insights-store.js';
import type { BranchService } from '../branch-service.js';
import type { Logger } from '../logger.js';
import { conditions, DEFAULT_ALERT_SETTINGS, type AlertSettings, type Condition } from './rules.js';

/** Evaluations caused by events are at least this far apart. */
const EVENT_EVALUATION_GAP_MS = 250;

export interface DeviceStates {
  list(): { id: string; kind: string; state: string; detail?: string }[];
}

export function alertView(a: AlertRecord) {
  return {
    id: a.id,
    key: a.key,
    kind: a.kind,
    severity: a.severity,
    message: a.message,
    raisedAt: new Date(a.raisedAt).toISOString(),
    clearedAt: a.clearedAt !== undefined ? new Date(a.clearedAt).toISOString() : undefined,
    acknowledgedAt: a.acknowledgedAt !== undefined ? new Date(a.acknowledgedAt).toISOString() : undefined,
    acknowledgedBy: a.acknowledgedBy,
    active: a.clearedAt === undefined,
  };
}

export class AlertMonitor {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private evaluating = false;
  /** Cancels the evaluation scheduled after a burst of events, if one is. */
  private pending: (() => void) | undefined;
  /** When the last evaluation after events ran (performance.now(): a cost in real time, not the service's clock). */
  private lastRun = -Infinity;
  private readonly sources: (() => AlertRecord[])[] = [];
  readonly settings: AlertSettings;

  constructor(
    private readonly service: BranchService,
    private readonly store: InsightsStore,
    private readonly devices: DeviceStates,
    private readonly log: Logger,
    settings: Partial<AlertSettings> = {},
    /** Conditions other parts watch (head-office sync), evaluated with the rest. */
    private readonly extra: () => Condition[] = () => [],
  ) {
    this.settings = { ...DEFAULT_ALERT_SETTINGS, ...settings };
  }

  start(): void {
    this.unsubscribe = this.service.hub.subscribe((e) => {
      // Its own events would only evaluate again what was just evaluated.
      if (!e.type.startsWith('alert.')) this.evaluateSoon();
    });
    this.timer = setInterval(() => this.safeEvaluate(), this.settings.intervalMs);
    this.timer.unref();
    this.safeEvaluate();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    this.pending?.();
    this.pending = undefined;
  }

  /**
   * Evaluates once after the current burst of events, off the request that caused them: a
   * ticket's answer does not wait for the alert rules, and ten events cost one evaluation. Under
   * sustained load at most once per EVENT_EVALUATION_GAP_MS: a busy lobby's stream of tickets
   * would otherwise evaluate every rule after every ticket (about 3 % of the service's time
   * issuing tickets back to back), and an alert a quarter of a second later is as timely to a
   * person.
   */
  private evaluateSoon(): void {
    if (this.pending) return;
    const run = () => {
      this.pending = undefined;
      this.lastRun = performance.now();
      this.safeEvaluate();
    };
    const wait = this.lastRun + EVENT_EVALUATION_GAP_MS - performance.now();
    if (wait <= 0) {
      const immediate = setImmediate(run);
      this.pending = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(run, wait);
      this.pending = () => clearTimeout(timer);
    }
  }

  private safeEvaluate(): void {
    try {
      this.evaluate();
    } catch (err) {
      this.log.error({ err }, 'alert evaluation failed; will retry on the next event or tick');
    }
  }

  /** Compares the conditions now with the active alerts; raises and clears. Returns the changes. */
  evaluate(): { raised: AlertRecord[]; cleared: AlertRecord[] } {
    if (this.evaluating) return { raised: [], cleared: [] };
    this.evaluating = true;
    try {
      const now = this.service.clock();
      const q = this.service.queueView();
      const found = [...conditions({ now, services: q.services, counters: q.counters, devices: this.devices.list() }, this.settings), ...this.extra()];
      const active = new Map(this.store.activeAlerts().map((a) => [a.key, a]));
      const raised: AlertRecord[] = [];
      const cleared: AlertRecord[] = [];
      const changed: { alert: AlertRecord; reopen: boolean }[] = [];
      const drafts: EventDraft[] = [];
      for (const c of found) {
        const open = active.get(c.key);
        if (open) {
          if (open.severity === c.severity && open.message.zh === c.message.zh && open.message.en === c.message.en) continue;
          // Worse than what was acknowledged: somebody has to look again.
          const reopen = open.severity === 'warning' && c.severity === 'critical';
          const next: AlertRecord = { ...open, severity: c.severity, message: c.message, ...(reopen ? { acknowledgedAt: undefined, acknowledgedBy: undefined } : {}) };
          changed.push({ alert: next, reopen });
          drafts.push(draft('alert.changed', now, { alert: alertView(next) }));
          continue;
        }
        const a: AlertRecord = { id: randomUUID(), key: c.key, kind: c.kind, severity: c.severity, message: c.message, raisedAt: now };
        raised.push(a);
        drafts.push(draft('alert.raised', now, { alert: alertView(a) }));
      }
      const keys = new Set(found.map((c) => c.key));
      for (const a of active.values()) {
        if (keys.has(a.key)) continue;
        cleared.push({ ...a, clearedAt: now });
        drafts.push(draft('alert.cleared', now, { alertId: a.id, key: a.key }));
      }
      if (drafts.length > 0) {
        // The alert rows and their events in one transaction, through the service's one write path.
        this.service.record(drafts, () => {
          for (const a of raised) this.store.insertAlert(a);
          for (const { alert, reopen } of changed) this.store.changeAlert(alert.id, alert.severity, alert.message, reopen);
          for (const a of cleared) this.store.clearAlert(a.id, now);
        });
      }
      return { raised, cleared };
    } finally {
      this.evaluating = false;
    }
  }

  /** Alerts nobody has acknowledged (active or already cleared), or all since `since`. */
  list(opts: { since?: number } = {}): ReturnType<typeof alertView>[] {
    const rows = opts.since !== undefined ? this.store.alertsSince(opts.since) : this.store.unacknowledgedAlerts();
    return [...this.sources.flatMap((s) => s()), ...rows].map(alertView);
  }

  /**
   * Alerts kept outside the database, for conditions under which nothing can be saved (the
   * database files changed under the service). Listed first; they cannot be acknowledged.
   */
  addSource(source: () => AlertRecord[]): void {
    this.sources.push(source);
  }

  acknowledge(id: string, staffId: string): ReturnType<typeof alertView> {
    const a = this.store.alert(id);
    if (!a) throw new DomainError('UNKNOWN_ALERT', `There is no alert ${id}.`);
    if (a.acknowledgedAt !== undefined) throw new DomainError('ALREADY_ACKNOWLEDGED', `This alert was acknowledged by ${a.acknowledgedBy ?? 'someone'} already.`);
    const now = this.service.clock();
    this.service.record([draft('alert.acknowledged', now, { alertId: id, key: a.key, staffId })], () => this.store.acknowledgeAlert(id, staffId, now));
    return alertView({ ...a, acknowledgedAt: now, acknowledgedBy: staffId });
  }
}

/**
 * The conditions that deserve a person's attention, evaluated from a picture of the branch
 * now. Pure: the monitor gathers the picture and keeps the alerts; this says what is wrong.
 */
import { deviceName, deviceStateText } from '../../common/device-text.js';
import type { Localized } from '../../core/types.js';
import type { AlertKind } from '../../db/insights-store.js';

export interface AlertSettings {
  /** A counter open and idle this long while its services have customers waiting. */
  idleGraceMinutes: number;
  /** How often the timer re-evaluates (conditions that start with no event, like a wait growing). */
  intervalMs: number;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = { idleGraceMinutes: 2, intervalMs: 15_000 };

export interface BranchPicture {
  now: number;
  services: { code: string; name: Localized; waiting: number; longestWaitSeconds: number; targetWaitMinutes: number }[];
  counters: { id: string; name: Localized; state: string; since?: string; services: { code: string }[] }[];
  devices: { id: string; kind: string; state: string; detail?: string }[];
}

export interface Condition {
  key: string;
  kind: AlertKind;
  severity: 'warning' | 'critical';
  message: Localized;
}

export function conditions(p: BranchPicture, settings: AlertSettings): Condition[] {
  // The words say what is wrong, never how long: the dashboard shows since when, and the queue
  // table the waits as they grow, so an alert's text is never stale.
  const out: Condition[] = [];
  const waiting = new Map(p.services.map((s) => [s.code, s.waiting]));
  for (const s of p.services) {
    if (s.waiting > 0 && s.longestWaitSeconds > s.targetWaitMinutes * 60) {
      out.push({
        key: `wait:${s.code}`,
        kind: 'wait_over_target',
        severity: s.longestWaitSeconds > 2 * s.targetWaitMinutes * 60 ? 'critical' : 'warning',
        message: {
          zh: `${s.name.zh}：有客户等候超过目标 ${s.targetWaitMinutes} 分钟`,
          en: `${s.name.en}: customers have waited longer than the ${s.targetWaitMinutes}-minute target`,
        },
      });
    }
  }
  for (const c of p.counters) {
    if (c.state !== 'idle' || !c.since) continue;
    const idleMinutes = (p.now - Date.parse(c.since)) / 60_000;
    const queued = c.services.reduce((n, s) => n + (waiting.get(s.code) ?? 0), 0);
    if (queued > 0 && idleMinutes > settings.idleGraceMinutes) {
      out.push({
        key: `idle:${c.id}`,
        kind: 'counter_idle',
        severity: 'warning',
        message: {
          zh: `${c.name.zh} 空闲，但它办理的业务有客户在等候`,
          en: `${c.name.en} is idle while customers wait for its services`,
        },
      });
    }
  }
  for (const d of p.devices) {
    const name = deviceName(d.kind, d.id);
    const state = deviceStateText(d.state);
    if (d.state === 'offline') {
      out.push({ key: `device:${d.id}:offline`, kind: 'device_offline', severity: 'critical', message: { zh: `${name.zh}未连接`, en: `${name.en} is not connected` } });
    } else if (d.state === 'paper_near_end' || d.state === 'paper_end') {
      // One alert per printer's paper: near end that becomes out of paper is the same alert, escalated.
      const end = d.state === 'paper_end';
      out.push({
        key: `device:${d.id}:paper`,
        kind: 'printer_paper',
        severity: end ? 'critical' : 'warning',
        message: end
          ? { zh: `${name.zh}缺纸：号码只能显示在取号机屏幕上，请立即换纸`, en: `${name.en} is out of paper: the kiosk shows numbers on screen only; change the roll now` }
          : { zh: `${name.zh}纸将用完，请尽快换纸`, en: `${name.en}: paper running low, change the roll soon` },
      });
    } else if (d.state === 'cover_open' || d.state === 'cutter_error' || d.state === 'error') {
      out.push({ key: `device:${d.id}:fault`, kind: 'device_fault', severity: 'critical', message: { zh: `${name.zh}：${state.zh}`, en: `${name.en}: ${state.en}` } });
    }
  }
  return out;
}

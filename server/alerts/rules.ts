/**
 * The conditions that deserve a person's attention, evaluated from a picture of the branch
 * now. Pure: the monitor gathers the picture and keeps the alerts; this says what is wrong.
 */
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
  const out: Condition[] = [];
  const waiting = new Map(p.services.map((s) => [s.code, s.waiting]));
  for (const s of p.services) {
    if (s.waiting > 0 && s.longestWaitSeconds > s.targetWaitMinutes * 60) {
      const mins = Math.floor(s.longestWaitSeconds / 60);
      out.push({
        key: `wait:${s.code}`,
        kind: 'wait_over_target',
        severity: s.longestWaitSeconds > 2 * s.targetWaitMinutes * 60 ? 'critical' : 'warning',
        message: {
          zh: `${s.name.zh}：最长等候 ${mins} 分钟，超过目标 ${s.targetWaitMinutes} 分钟`,
          en: `${s.name.en}: longest wait ${mins} min, past the ${s.targetWaitMinutes} min target`,
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
          zh: `${c.name.zh} 空闲 ${Math.floor(idleMinutes)} 分钟，但有 ${queued} 位客户在等候`,
          en: `${c.name.en} idle for ${Math.floor(idleMinutes)} min while ${queued} customer(s) wait for its services`,
        },
      });
    }
  }
  for (const d of p.devices) {
    const detail = d.detail ? ` (${d.detail})` : '';
    if (d.state === 'offline') {
      out.push({ key: `device:${d.id}:offline`, kind: 'device_offline', severity: 'critical', message: { zh: `设备 ${d.id} 离线${detail}`, en: `Device ${d.id} is offline${detail}` } });
    } else if (d.state === 'paper_near_end' || d.state === 'paper_end') {
      const end = d.state === 'paper_end';
      out.push({
        key: `device:${d.id}:${d.state}`,
        kind: 'printer_paper',
        severity: end ? 'critical' : 'warning',
        message: end ? { zh: `打印机 ${d.id} 缺纸`, en: `Printer ${d.id} is out of paper` } : { zh: `打印机 ${d.id} 纸将用尽，请尽快换纸`, en: `Printer ${d.id}: paper near end, replace the roll soon` },
      });
    } else if (d.state === 'cover_open' || d.state === 'cutter_error' || d.state === 'error') {
      out.push({ key: `device:${d.id}:${d.state}`, kind: 'device_fault', severity: 'critical', message: { zh: `设备 ${d.id} 故障：${d.state}${detail}`, en: `Device ${d.id}: ${d.state.replace('_', ' ')}${detail}` } });
    }
  }
  return out;
}

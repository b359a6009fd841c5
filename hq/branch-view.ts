/**
 * A branch as head office's page shows it: load now, waits against target, devices in trouble,
 * last sync and backlog, from what the branch last pushed and what it uploaded.
 */
import type { z } from 'zod';
import { livePushSchema } from '../sync/protocol.js';
import type { AlarmRow, BranchRow, SnapshotRow } from './storage/hq-store.js';
import { profileOf } from './reports.js';

const liveSchema = livePushSchema.omit({ tickets: true, profile: true });
type Live = z.infer<typeof liveSchema>;

/** A branch that has not pushed its picture for this long is shown as out of contact. */
export const CONTACT_LOST_MS = 2 * 60_000;

function liveOf(b: BranchRow): Live | undefined {
  const p = liveSchema.safeParse(b.live);
  return p.success ? p.data : undefined;
}

export function branchView(b: BranchRow, alarms: AlarmRow[], now: number) {
  const live = liveOf(b);
  const profile = profileOf(b);
  const services = live?.load.services ?? [];
  // The service furthest past its target (longest wait ÷ target).
  let worst: { code: string; longestWaitSeconds: number; targetWaitMinutes: number; ratio: number } | null = null;
  for (const s of services) {
    if (s.waiting === 0) continue;
    const ratio = s.longestWaitSeconds / 60 / s.targetWaitMinutes;
    if (!worst || ratio > worst.ratio) worst = { code: s.code, longestWaitSeconds: s.longestWaitSeconds, targetWaitMinutes: s.targetWaitMinutes, ratio: Math.round(ratio * 100) / 100 };
  }
  return {
    id: b.id,
    region: b.region,
    name: profile?.name ?? null,
    online: b.live_at !== null && now - b.live_at.getTime() < CONTACT_LOST_MS,
    liveAt: b.live_at?.toISOString() ?? null,
    lastSyncAt: b.last_sync_at?.toISOString() ?? null,
    businessDay: live?.businessDay ?? null,
    waiting: live?.load.waiting ?? null,
    issuedToday: services.reduce((n, s) => n + s.issuedToday, 0),
    openCounters: live ? live.load.counters.filter((c) => c.state !== 'closed').length : null,
    overTarget: services.filter((s) => s.waiting > 0 && s.longestWaitSeconds > s.targetWaitMinutes * 60).map((s) => s.code),
    worstWait: worst,
    devicesInTrouble: (live?.devices ?? []).filter((d) => d.state !== 'online'),
    alerts: live?.alerts.length ?? 0,
    backlog: live?.sync.backlog ?? null,
    oldestUnsentAt: live?.sync.oldestUnsentAt ?? null,
    configApplied: b.config_applied,
    configReport: b.config_report,
    alarms: alarms.map((a) => ({ id: a.id, kind: a.kind, detail: a.detail, raisedAt: a.raised_at.toISOString() })),
  };
}

export function branchDetail(b: BranchRow, heads: { stream: string; head: number; updatedAt: Date }[], alarms: AlarmRow[], configs: SnapshotRow[], now: number) {
  const live = liveOf(b);
  const profile = profileOf(b);
  return {
    ...branchView(b, alarms, now),
    timeZone: profile?.timeZone ?? null,
    services: (live?.load.services ?? []).map((s) => ({ ...s, name: profile?.services.find((p) => p.code === s.code)?.name ?? null })),
    counters: (live?.load.counters ?? []).map((c) => ({ ...c, name: profile?.counters.find((p) => p.id === c.id)?.name ?? null })),
    devices: live?.devices ?? [],
    activeAlerts: live?.alerts ?? [],
    streams: heads.map((h) => ({ stream: h.stream, head: h.head, updatedAt: h.updatedAt.toISOString() })),
    configs: configs.map((c) => ({ version: c.version, createdAt: c.created_at.toISOString(), createdBy: c.created_by, status: c.status, problems: c.problems })),
  };
}

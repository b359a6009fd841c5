/**
 * Reports across branches: the branch's own day/week/month figures (server/insights/reports.ts),
 * grouped by branch, by region and by service across every branch, from the tickets head
 * office keeps in step with the events. A ticket's target wait is its own branch's.
 */
import { groupBy, periodRange, reportRow, type Period, type ReportRow } from '../server/insights/reports.js';
import type { BranchRow, HqTicketFact } from './storage/hq-store.js';
import { branchProfileSchema, type BranchProfile } from './branch-profile.js';

export type HqGroup = 'branch' | 'region' | 'service';

export interface HqReport {
  period: Period;
  from: string;
  to: string;
  by: HqGroup;
  rows: (ReportRow<HqGroup> & { branches: number })[];
}

export const HQ_CSV_COLUMNS = ['group', 'key', 'name', 'branches', 'tickets', 'called', 'served', 'noShows', 'noShowRate', 'waitP50Minutes', 'waitP90Minutes', 'waitMeanMinutes', 'serviceMeanMinutes', 'serviceP50Minutes', 'serviceP90Minutes', 'withinTarget', 'satisfaction'];

export function profileOf(b: BranchRow): BranchProfile | undefined {
  const p = branchProfileSchema.safeParse(b.profile);
  return p.success ? p.data : undefined;
}

export function buildHqReport(facts: HqTicketFact[], branches: BranchRow[], period: Period, date: string, by: HqGroup): HqReport {
  const { from, to } = periodRange(period, date);
  const info = new Map(branches.map((b) => [b.id, { region: b.region || '—', profile: profileOf(b) }]));
  const targets = new Map<string, number>();
  const serviceNames = new Map<string, string>();
  for (const [id, i] of info) {
    for (const s of i.profile?.services ?? []) {
      targets.set(`${id}/${s.code}`, s.targetWaitMinutes);
      if (!serviceNames.has(s.code)) serviceNames.set(s.code, `${s.name.zh} ${s.name.en}`);
    }
  }
  const targetOf = (f: HqTicketFact) => targets.get(`${f.branch}/${f.serviceCode}`) ?? Infinity;
  const key = (f: HqTicketFact): string => (by === 'branch' ? f.branch : by === 'region' ? (info.get(f.branch)?.region ?? '—') : f.serviceCode);
  const name = (k: string): string => {
    if (by === 'branch') {
      const n = info.get(k)?.profile?.name;
      return n ? `${n.zh} ${n.en}` : k;
    }
    return by === 'service' ? (serviceNames.get(k) ?? k) : k;
  };
  const rows = [...groupBy(facts, key)].map(([k, fs]) => ({ ...reportRow(by, k, name(k), fs, targetOf), branches: new Set(fs.map((f) => f.branch)).size }));
  return { period, from, to, by, rows };
}

/**
 * Runs a set of profiles over a set of seeds and holds each profile to the service-quality bars:
 * `npm run simulate -- --profiles sim/profiles --seeds 1-10`. Each (profile, seed) is one
 * simulated run of the profile's days through the real engine; the figures are pooled per
 * profile over its seeds.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../common/errors.js';
import type { QueueConfig } from '../core/types.js';
import { loadProfile, type SimProfile } from './profile.js';
import { barsOf, estimateQuality, serviceLevels, vipCheck, type EstimateQuality, type ServiceLevel, type VipCheck } from './quality.js';
import { simulate, type SimStorage } from './simulator.js';

export interface ProfileCase {
  /** Short name: the file name without its extension. */
  id: string;
  profile: SimProfile;
  config: QueueConfig;
}

export interface ProfileEvaluation {
  id: string;
  name: string;
  seeds: number[];
  days: number;
  customers: number;
  estimate: EstimateQuality;
  services: ServiceLevel[];
  vip: VipCheck;
  bars: ReturnType<typeof barsOf>;
  elapsedMs: number;
}

/** "1-10", "3", "1,4,7-9" → the seeds. */
export function parseSeeds(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new DomainError('SEEDS_INVALID', `--seeds "${text}": use numbers and ranges such as 1-10 or 1,4,7-9`);
    const from = Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : from;
    if (to < from || to - from > 10_000) throw new DomainError('SEEDS_INVALID', `--seeds "${part.trim()}": a range runs from low to high, at most 10,000 seeds`);
    for (let s = from; s <= to; s++) out.push(s);
  }
  return [...new Set(out)];
}

/** Every profile (*.yaml, *.yml, *.json) in a folder, by file name. */
export function loadProfiles(dir: string): ProfileCase[] {
  const files = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
  if (files.length === 0) throw new DomainError('PROFILES_NONE', `${dir} holds no profile (*.yaml, *.yml or *.json).`);
  return files.map((f) => ({ id: f.replace(/\.(ya?ml|json)$/, ''), ...loadProfile(join(dir, f)) }));
}

export interface EvaluationOptions {
  storage?: SimStorage;
  /** Days run before each counted run and not counted; default: each profile's warmupDays. */
  warmupDays?: number;
}

/** The profiles with the branch's calling policy replaced (to compare reserve duty and strict tiers on the same days). */
export function withTiers(cases: ProfileCase[], tiers: QueueConfig['rules']['tiers']): ProfileCase[] {
  return cases.map((c) => ({ ...c, config: { ...c.config, rules: { ...c.config.rules, tiers } } }));
}

export function evaluateProfile(c: ProfileCase, seeds: number[], opts: EvaluationOptions = {}): ProfileEvaluation {
  const started = performance.now();
  const { storage = 'none', warmupDays } = opts;
  const runs = seeds.map((seed) => simulate({ profile: c.profile, config: c.config, seed, storage, warmupDays }));
  const tickets = runs.flatMap((r) => r.tickets);
  const estimate = estimateQuality(tickets);
  const services = serviceLevels(runs, c.config);
  const vip = runs.reduce<VipCheck>(
    (acc, r) => {
      const v = vipCheck(r.tickets, c.config);
      return { violations: acc.violations + v.violations, overdueVips: acc.overdueVips + v.overdueVips };
    },
    { violations: 0, overdueVips: 0 },
  );
  return {
    id: c.id,
    name: c.profile.name,
    seeds,
    days: runs[0]?.days.length ?? 0,
    customers: tickets.length,
    estimate,
    services,
    vip,
    bars: barsOf(estimate, services, vip),
    elapsedMs: performance.now() - started,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number, w: number, d = 1) => x.toFixed(d).padStart(w);
const mark = (ok: boolean) => (ok ? ' ' : '!');

/** The per-profile table: one line of estimate figures, then each service's p90 against target. */
export function formatEvaluation(rows: ProfileEvaluation[]): string {
  const head = `${'profile'.padEnd(18)} ${'days'.padStart(4)} ${'tickets'.padStart(7)} ${'inside'.padStart(7)}  ${'width'.padStart(5)} ${'limit'.padStart(5)}  ${'wait'.padStart(5)} ${'IS'.padStart(6)}  ${'MAE'.padStart(5)} ${'queue'.padStart(5)} ${'delay'.padStart(5)} ${'×best'.padStart(6)}  VIP>2×`;
  const lines: string[] = [head];
  for (const r of rows) {
    const e = r.estimate;
    lines.push(
      `${r.id.slice(0, 18).padEnd(18)} ${String(r.days).padStart(4)} ${String(e.tickets).padStart(7)} ${pct(e.coverage).padStart(6)}${mark(r.bars.coverage)}  ${num(e.meanWidth, 5)}${mark(r.bars.width)}${num(e.widthLimit, 5)}  ${num(e.meanWait, 5)} ${num(e.intervalScore, 6)}  ${num(e.mae, 5, 2)} ${num(e.maeQueueLength, 5, 2)} ${num(e.maeDelayHistory, 5, 2)} ${num(e.maeShareOfBest, 5, 2)}${mark(r.bars.mae)}  ${String(r.vip.violations).padStart(3)}${mark(r.bars.vip)}`,
    );
  }
  lines.push('');
  lines.push('p90 wait / target in minutes (longest wait; utilisation of the counters that can serve it); ! = bar missed');
  for (const r of rows) {
    const cells = r.services.map((s) => `${s.code} ${s.p90Wait.toFixed(0)}/${s.targetMinutes} (${s.maxWait.toFixed(0)}; ${(s.utilisation * 100).toFixed(0)}%)${s.ok ? '' : '!'}`);
    lines.push(`${r.id.slice(0, 18).padEnd(18)} ${cells.join('  ')}`);
  }
  return lines.join('\n');
}

export function allBarsHold(rows: ProfileEvaluation[]): boolean {
  return rows.every((r) => Object.values(r.bars).every(Boolean));
}

/**
 * A simulation profile: which branch, which day, who arrives when, how long each service takes
 * and when each counter is staffed. YAML (or JSON), checked with zod so a typo names its field.
 * The format is documented in docs/simulator.md.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DomainError } from '../common/errors.js';
import { DEMO_CONFIG_PATH, describeIssues, loadConfigFile } from '../config/load-config.js';
import type { QueueConfig } from '../core/types.js';

const hhmm = z.string().regex(/^([01]?\d|2[0-4]):[0-5]\d$/, 'must be HH:MM');

const serviceTime = z.discriminatedUnion('dist', [
  z.object({ dist: z.literal('exponential'), meanMinutes: z.number().positive() }).strict(),
  z.object({ dist: z.literal('lognormal'), meanMinutes: z.number().positive(), cv: z.number().positive().max(5) }).strict(),
  z.object({ dist: z.literal('fixed'), meanMinutes: z.number().positive() }).strict(),
]);

const counterShift = z
  .object({
    open: hhmm,
    close: hhmm,
    breaks: z.array(z.object({ at: hhmm, minutes: z.number().positive().max(240), reason: z.string().default('break') }).strict()).default([]),
  })
  .strict();

export const WEEKDAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export const profileSchema = z
  .object({
    name: z.string().min(1),
    /** What sets this day apart, for the evaluation table and the docs. */
    description: z.string().optional(),
    /** The branch configuration: "demo" or a path relative to the profile file. */
    config: z.string().default('demo'),
    /** The simulated local date, YYYY-MM-DD. */
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
    seed: z.number().int().nonnegative().default(1),
    /** Business days simulated from `date` on (a week, say); `--days` overrides. */
    days: z.number().int().min(1).max(60).default(1),
    /**
     * Days of the branch's own history before `date`: arrivals and service times drawn from this
     * profile, as the database would hold them, for the estimator's per-hour history. Not
     * counted in any figure.
     */
    historyDays: z.number().int().min(0).max(90).default(0),
    /**
     * Days run through the engine before `date`, like the simulated days but not counted: the
     * estimator's calibration then starts the first counted day as a branch in operation would.
     * Drawn from their own random streams, so the counted days are the same whatever this is.
     */
    warmupDays: z.number().int().min(0).max(14).default(0),
    /** Hours the doors are open: arrivals happen in [open, close); those inside are still served. */
    open: hhmm,
    close: hhmm,
    arrivals: z
      .object({
        /** Customers per hour at a shape factor of 1, per service code. */
        perHour: z.record(z.string(), z.number().nonnegative()),
        /** Factor by local hour ("09" … "16"); hours not listed use 1. Lunch peaks live here. */
        shape: z.record(z.string().regex(/^\d{2}$/, 'hour keys are two digits, e.g. "12"'), z.number().nonnegative()).default({}),
        /** Days of the month that are paydays, and how much busier they are. */
        paydays: z.array(z.number().int().min(1).max(31)).default([]),
        paydayFactor: z.number().positive().default(1),
        /** Factor by weekday (sun … sat): Monday peaks, quiet Saturdays. Days not listed use 1. */
        weekdays: z.partialRecord(z.enum(WEEKDAY_KEYS), z.number().nonnegative()).default({}),
        /** Share of customers per segment (weights), and per service overrides. */
        segments: z.record(z.string(), z.number().nonnegative()).default({ regular: 1 }),
        segmentsByService: z.record(z.string(), z.record(z.string(), z.number().nonnegative())).default({}),
      })
      .strict(),
    serviceTimes: z.record(z.string(), serviceTime),
    /** Factor on every service time by the local hour the service starts (a slow end of day). */
    serviceTimeShape: z.record(z.string().regex(/^\d{2}$/, 'hour keys are two digits, e.g. "16"'), z.number().positive()).default({}),
    behaviour: z
      .object({
        /** Chance a called customer has left; grows with the wait by perMinuteOfWait. */
        noShow: z.number().min(0).max(1).default(0),
        noShowPerMinuteOfWait: z.number().min(0).max(0.1).default(0),
        /** Mean seconds from the call to the customer sitting down at the counter. */
        walkSeconds: z.number().min(0).default(0),
        /** Seconds a teller waits before recalling a customer who does not come. */
        recallSeconds: z.number().min(0).default(30),
      })
      .strict()
      .default({ noShow: 0, noShowPerMinuteOfWait: 0, walkSeconds: 0, recallSeconds: 30 }),
    /**
     * Counter id → shift, every simulated day; counters not listed stay closed. Left out, each
     * day follows the roster of the branch configuration (its shifts and breaks for that weekday).
     */
    counters: z.record(z.string(), counterShift).optional(),
    /** Counters whose teller does not come although the roster has them (off sick). */
    absent: z.array(z.string()).default([]),
    /**
     * Unplanned outages no roster knows of: at `at` the counter stops (once its current customer
     * is done) for `minutes`, paused with the reason "system_fault".
     */
    faults: z.record(z.string(), z.array(z.object({ at: hhmm, minutes: z.number().positive().max(600) }).strict())).default({}),
  })
  .strict();

export type SimProfile = z.infer<typeof profileSchema>;
export type CounterShift = z.infer<typeof counterShift>;

/** The pause reason a counter fault is recorded with. */
export const FAULT_REASON = 'system_fault';
export type ServiceTimeSpec = z.infer<typeof serviceTime>;

export const SAMPLE_PROFILE_PATH = new URL('./samples/busy-city.yaml', import.meta.url).pathname;

export function parseProfile(raw: unknown, source: string): SimProfile {
  const r = profileSchema.safeParse(raw);
  if (!r.success) {
    const lines = describeIssues(r.error.issues);
    throw new DomainError('PROFILE_INVALID', `${source} has ${lines.length} problem(s):\n  ${lines.join('\n  ')}`, lines);
  }
  return r.data;
}

export function loadProfile(path: string): { profile: SimProfile; config: QueueConfig } {
  const text = readFileSync(path, 'utf8');
  const raw: unknown = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  const profile = parseProfile(raw, path);
  const configPath = profile.config === 'demo' ? DEMO_CONFIG_PATH : resolve(dirname(path), profile.config);
  const config = loadConfigFile(configPath).queue;
  checkProfile(profile, config, path);
  return { profile, config };
}

/** Cross-checks a profile against its branch: every code it names must exist there. */
export function checkProfile(profile: SimProfile, config: QueueConfig, source = 'profile'): void {
  const services = new Set(config.services.map((s) => s.code));
  const counters = new Set(config.counters.map((c) => c.id));
  const segments = new Set(config.segments.map((s) => s.code));
  const reasons = new Set(config.rules.pauseReasons.map((r) => r.code));
  const problems: string[] = [];
  for (const code of Object.keys(profile.arrivals.perHour)) {
    if (!services.has(code)) problems.push(`arrivals.perHour.${code}: no such service`);
    else if (!profile.serviceTimes[code]) problems.push(`serviceTimes.${code}: missing (customers arrive for it)`);
  }
  for (const seg of Object.keys(profile.arrivals.segments)) if (!segments.has(seg)) problems.push(`arrivals.segments.${seg}: no such segment`);
  for (const [code, mix] of Object.entries(profile.arrivals.segmentsByService)) {
    if (!services.has(code)) problems.push(`arrivals.segmentsByService.${code}: no such service`);
    for (const seg of Object.keys(mix)) if (!segments.has(seg)) problems.push(`arrivals.segmentsByService.${code}.${seg}: no such segment`);
  }
  for (const [id, shift] of Object.entries(profile.counters ?? {})) {
    if (!counters.has(id)) problems.push(`counters.${id}: no such counter`);
    shift.breaks.forEach((b, i) => {
      if (!reasons.has(b.reason)) problems.push(`counters.${id}.breaks.${i}.reason: "${b.reason}" is not a pause reason`);
    });
  }
  if (!profile.counters && config.roster.length === 0) problems.push('counters: missing, and the branch configuration has no roster to follow');
  profile.absent.forEach((id, i) => {
    if (!counters.has(id)) problems.push(`absent.${i}: no such counter "${id}"`);
  });
  for (const id of Object.keys(profile.faults)) {
    if (!counters.has(id)) problems.push(`faults.${id}: no such counter`);
    else if (!reasons.has(FAULT_REASON)) problems.push(`faults.${id}: the branch has no pause reason "${FAULT_REASON}"`);
  }
  if (problems.length) throw new DomainError('PROFILE_INVALID', `${source} has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`, problems);
}

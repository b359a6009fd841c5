/**
 * Head-office operators' endpoints (operator token): every branch's picture, a branch's
 * drill-down and daily summary (DESIGN §6), configuration versions, enrollment codes,
 * revocation, alarms and reports across branches with CSV.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { addDays, localEpoch } from '../../common/local-time.js';
import { DomainError } from '../../common/errors.js';
import { configSnapshotSchema } from '../../config/snapshot-schema.js';
import { describeIssues } from '../../config/load-config.js';
import { reportCsv } from '../../server/insights/reports.js';
import { parseInput } from '../../server/http/validate.js';
import { branchView, branchDetail } from '../branch-view.js';
import type { Hints } from '../hints.js';
import { buildHqReport, HQ_CSV_COLUMNS, profileOf } from '../reports.js';
import type { HqStore } from '../storage/hq-store.js';
import { requireOperator } from './principals.js';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a calendar date');
const branchParams = z.object({ branch: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'is not a branch id') });

export const enrollmentRequestSchema = z
  .object({
    branch: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, - or _'),
    region: z.string().max(60).default(''),
    ttlHours: z.number().min(0.01).max(24 * 30).default(72),
  })
  .strict();

export function registerOperatorRoutes(app: FastifyInstance, deps: { store: HqStore; hints: Hints; now?: () => number }): void {
  const { store, hints } = deps;
  const now = deps.now ?? Date.now;
  const operator = (req: FastifyRequest) => requireOperator(store, req);
  const knownBranch = async (req: FastifyRequest) => {
    const { branch } = parseInput(branchParams, req.params, 'branch');
    const row = await store.branch(branch);
    if (!row) throw new DomainError('UNKNOWN_BRANCH', `There is no branch "${branch}" at head office.`);
    return row;
  };

  app.get('/api/branches', async (req) => {
    await operator(req);
    const [branches, alarms] = await Promise.all([store.branches(), store.alarms()]);
    return { at: new Date(now()).toISOString(), branches: branches.map((b) => branchView(b, alarms.filter((a) => a.branch === b.id), now())) };
  });

  app.get('/api/branches/:branch', async (req) => {
    await operator(req);
    const b = await knownBranch(req);
    const [heads, alarms, configs] = await Promise.all([store.streamHeads(b.id), store.alarms(b.id), store.configHistory(b.id, 10)]);
    return branchDetail(b, heads, alarms, configs, now());
  });

  app.get('/api/branches/:branch/summary', async (req) => {
    await operator(req);
    const b = await knownBranch(req);
    const tz = profileOf(b)?.timeZone ?? 'UTC';
    const q = parseInput(z.object({ date: isoDate.optional() }).strict(), req.query, 'query');
    const date = q.date ?? new Date(now()).toISOString().slice(0, 10);
    const from = localEpoch(date, 0, tz);
    const to = localEpoch(addDays(date, 1), 0, tz);
    const [ticketsIssued, events, heads] = await Promise.all([store.ticketsIssued(b.id, date), store.eventCount(b.id, from, to), store.streamHeads(b.id)]);
    const streams = Object.fromEntries(heads.map((h) => [h.stream, h.head]));
    return {
      branch: b.id,
      date,
      ticketsIssued,
      events,
      lastSeq: streams.queue ?? 0,
      lastSyncAt: b.last_sync_at?.toISOString() ?? null,
      streams,
      configApplied: b.config_applied,
    };
  });

  app.get('/api/branches/:branch/config', async (req) => {
    await operator(req);
    const b = await knownBranch(req);
    return (await store.configHistory(b.id)).map((c) => ({
      version: c.version,
      createdAt: c.created_at.toISOString(),
      createdBy: c.created_by,
      status: c.status,
      reportedAt: c.reported_at?.toISOString() ?? null,
      problems: c.problems,
      snapshot: c.body,
    }));
  });

  app.post('/api/branches/:branch/config', async (req, reply) => {
    const who = await operator(req);
    const b = await knownBranch(req);
    const parsed = configSnapshotSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const lines = describeIssues(parsed.error.issues);
      throw new DomainError('CONFIG_INVALID', `The configuration snapshot has ${lines.length} problem(s): ${lines.join('; ')}`, lines);
    }
    if (parsed.data.config.branch.id !== b.id) {
      throw new DomainError('CONFIG_INVALID', `config.branch.id is "${parsed.data.config.branch.id}", but this is branch "${b.id}".`);
    }
    // Kept as sent: the branch validates the original, and fills in defaults itself.
    const version = await store.publishConfig(b.id, req.body, who);
    hints.notify(b.id, version);
    return reply.code(201).send({ branch: b.id, version });
  });

  app.post('/api/branches/:branch/revoke', async (req) => {
    await operator(req);
    const b = await knownBranch(req);
    return { branch: b.id, revoked: await store.revokeBranch(b.id) };
  });

  app.post('/api/enrollments', async (req, reply) => {
    await operator(req);
    const body = parseInput(enrollmentRequestSchema, req.body);
    const { code, expiresAt } = await store.createEnrollmentCode(body.branch, body.region, body.ttlHours);
    return reply.code(201).send({ branch: body.branch, code, expiresAt: expiresAt.toISOString() });
  });

  app.get('/api/alarms', async (req) => {
    await operator(req);
    return (await store.alarms()).map((a) => ({ id: a.id, branch: a.branch, kind: a.kind, detail: a.detail, raisedAt: a.raised_at.toISOString() }));
  });

  app.get('/api/reports', async (req, reply) => {
    await operator(req);
    const q = parseInput(
      z
        .object({
          period: z.enum(['day', 'week', 'month']).default('day'),
          date: isoDate.optional(),
          by: z.enum(['branch', 'region', 'service']).default('branch'),
          branch: branchParams.shape.branch.optional(),
          format: z.enum(['json', 'csv']).default('json'),
        })
        .strict(),
      req.query,
      'query',
    );
    const date = q.date ?? new Date(now()).toISOString().slice(0, 10);
    const branches = await store.branches();
    const probe = buildHqReport([], branches, q.period, date, q.by);
    const report = buildHqReport(await store.ticketFacts(probe.from, probe.to, q.branch), branches, q.period, date, q.by);
    if (q.format === 'csv') {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="hq-report-${q.by}-${q.period}-${report.from}.csv"`)
        .send(reportCsv(report, HQ_CSV_COLUMNS));
    }
    return report;
  });
}

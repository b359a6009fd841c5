/**
 * The dashboard's endpoints: GET /api/dashboard, GET /api/alerts, POST /api/alerts/:id/ack,
 * GET /api/staffing (lobby, supervisor, admin) and GET /api/reports (supervisor, admin).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireRole, type Auth } from '../auth.js';
import type { AlertMonitor } from '../alerts/alert-monitor.js';
import type { BranchService } from '../branch-service.js';
import type { InsightsStore } from '../../db/insights-store.js';
import { dashboardSnapshot } from '../insights/dashboard.js';
import { buildReport, periodRange, reportCsv } from '../insights/reports.js';
import { staffingAdvice } from '../insights/staffing-advice.js';
import type { DayFacts } from '../insights/day-facts.js';
import { parseInput } from './validate.js';
import { localEpoch } from '../../common/local-time.js';

export interface InsightsApiDeps {
  service: BranchService;
  auth: Auth;
  insights: InsightsStore;
  dayFacts: DayFacts;
  alerts: AlertMonitor;
  devices: { list(): unknown[] };
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a calendar date');

const reportQuery = z
  .object({
    period: z.enum(['day', 'week', 'month']).default('day'),
    date: isoDate.optional(),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

const alertsQuery = z.object({ since: isoDate.optional() }).strict();
const alertParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'is not an alert id') });

export function registerInsightsApi(app: FastifyInstance, deps: InsightsApiDeps): void {
  const { service, auth } = deps;
  const staff = (req: FastifyRequest, ...roles: Parameters<typeof requireRole>[1][]) => {
    const p = auth.authenticate(req.headers.authorization, service.clock());
    requireRole(p, ...roles);
    return p;
  };

  app.get('/api/dashboard', async (req) => {
    staff(req, 'lobby', 'supervisor', 'admin');
    const names = new Map(auth.listStaff().map((x) => [x.id, x.name]));
    return dashboardSnapshot({ ...deps, staffName: (id) => names.get(id) });
  });

  app.get('/api/alerts', async (req) => {
    staff(req, 'lobby', 'supervisor', 'admin');
    const q = parseInput(alertsQuery, req.query, 'query');
    // ?since=YYYY-MM-DD: every alert raised from that local date on, acknowledged or not.
    return deps.alerts.list({ since: q.since ? localEpoch(q.since, 0, service.queueConfig.branch.timeZone) : undefined });
  });

  app.post('/api/alerts/:id/ack', async (req) => {
    const p = staff(req, 'lobby', 'supervisor', 'admin');
    const { id } = parseInput(alertParams, req.params, 'alert id');
    return { alert: deps.alerts.acknowledge(id, p.staff.id) };
  });

  app.get('/api/staffing', async (req) => {
    staff(req, 'lobby', 'supervisor', 'admin');
    const now = service.clock();
    return { at: new Date(now).toISOString(), services: staffingAdvice(service, deps.dayFacts.today(), now) };
  });

  app.get('/api/reports', async (req, reply) => {
    staff(req, 'supervisor', 'admin');
    const q = parseInput(reportQuery, req.query, 'query');
    const { from, to } = periodRange(q.period, q.date ?? service.businessDay);
    const names = new Map(auth.listStaff().map((x) => [x.id, x.name]));
    const report = buildReport(deps.insights.ticketFacts(from, to), service.queueConfig, q.period, from, to, (id) => names.get(id));
    if (q.format === 'csv') {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="report-${service.branchId}-${q.period}-${from}.csv"`)
        .send(reportCsv(report));
    }
    return report;
  });
}

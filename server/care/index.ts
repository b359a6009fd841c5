/**
 * Customer care in the branch service (the bank's rules 一(五) and 一(六)): complaints and
 * opinions to closure, with the overdue alert on the dashboard. branch-app.ts calls attachCare()
 * before the server listens (routes) and before the alert monitor is built (its conditions).
 */
import type { FastifyInstance } from 'fastify';
import type { LoadedConfig } from '../../config/load-config.js';
import { createComplaintStore } from '../../db/complaint-store.js';
import type { Db } from '../../db/open-database.js';
import type { Condition } from '../alerts/rules.js';
import type { Auth } from '../auth.js';
import type { BranchService } from '../branch-service.js';
import { rowErrorReporter, type Logger } from '../logger.js';
import { ComplaintDesk } from './complaint-desk.js';
import { registerComplaintRoutes } from './complaint-routes.js';

export interface CareOptions {
  http: FastifyInstance;
  service: BranchService;
  auth: Auth;
  db: Db;
  config: LoadedConfig;
  log: Logger;
}

export interface Care {
  complaints: ComplaintDesk;
  /** Alert conditions this part owns: overdue complaints. */
  alertConditions(now: number): Condition[];
}

export function attachCare(opts: CareOptions): Care {
  const { service, auth } = opts;
  const settings = () => opts.config.file.care;
  const complaintStore = createComplaintStore(opts.db, { reportRowError: rowErrorReporter(opts.log) });
  const staffExists = (id: string) => auth.listStaff().some((s) => s.id === id && s.active);
  const complaints = new ComplaintDesk(service, complaintStore, settings, staffExists);
  registerComplaintRoutes(opts.http, { service, auth, desk: complaints, settings });
  return {
    complaints,
    alertConditions: (now) => complaints.overdueConditions(now),
  };
}

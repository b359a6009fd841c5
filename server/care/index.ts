/**
 * Customer care in the branch service (the bank's rules 一(五) and 一(六)): complaints and
 * opinions to closure with the overdue alert on the dashboard; customer files kept only with
 * consent, linked through the card read at the kiosk; follow-up calls after given services; the
 * daily retention job. branch-app.ts calls attachCare() before the server listens (routes) and
 * before the alert monitor is built (its conditions).
 */
import type { FastifyInstance } from 'fastify';
import type { LoadedConfig } from '../../config/load-config.js';
import { createComplaintStore } from '../../db/complaint-store.js';
import { createCustomerStore } from '../../db/customer-store.js';
import type { Db } from '../../db/open-database.js';
import type { Condition } from '../alerts/rules.js';
import type { Auth } from '../auth.js';
import type { BranchService } from '../branch-service.js';
import { rowErrorReporter, type Logger } from '../logger.js';
import { ComplaintDesk } from './complaint-desk.js';
import { registerComplaintRoutes } from './complaint-routes.js';
import { CustomerDesk } from './customer-desk.js';
import { registerCustomerRoutes } from './customer-routes.js';

const RETENTION_CHECK_MS = 3_600_000;

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
  customers: CustomerDesk;
  /** Alert conditions this part owns: overdue complaints. */
  alertConditions(now: number): Condition[];
  /** Listens for completed services; runs the retention job once a day. */
  start(): void;
  stop(): void;
}

export function attachCare(opts: CareOptions): Care {
  const { service, auth, log } = opts;
  const settings = () => opts.config.file.care;
  const report = { reportRowError: rowErrorReporter(log) };
  const complaintStore = createComplaintStore(opts.db, report);
  const customerStore = createCustomerStore(opts.db, report);
  const staffExists = (id: string) => auth.listStaff().some((s) => s.id === id && s.active);
  // A complaint about a ticket taken with a card read belongs to that customer's file, if any.
  const late: { customers?: CustomerDesk } = {};
  const complaints = new ComplaintDesk(service, complaintStore, settings, staffExists, (ticketId) => late.customers?.fileOfTicket(ticketId)?.id);
  const desk = new CustomerDesk(service, customerStore, complaints, settings, log);
  late.customers = desk;
  registerComplaintRoutes(opts.http, { service, auth, desk: complaints, settings });
  registerCustomerRoutes(opts.http, { service, auth, desk });

  let timer: NodeJS.Timeout | undefined;
  let lastRunDay: string | undefined;
  const runRetention = () => {
    // Once per business day, at the first check of the day.
    if (lastRunDay === service.businessDay) return;
    lastRunDay = service.businessDay;
    try {
      const r = desk.purgeExpired();
      log.info(r, 'customer-file retention job ran');
    } catch (err) {
      lastRunDay = undefined;
      log.error({ err }, 'customer-file retention job failed; it runs again at the next check');
    }
  };
  return {
    complaints,
    customers: desk,
    alertConditions: (now) => complaints.overdueConditions(now),
    start() {
      desk.start();
      runRetention();
      timer = setInterval(runRetention, RETENTION_CHECK_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      desk.stop();
    },
  };
}

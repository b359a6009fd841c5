/**
 * Wires the dashboard, alerts, staffing advice and reports (issue #5) into the branch service:
 * the insights store on the branch database, the alert monitor on the event hub and the
 * service's clock, and their HTTP endpoints.
 */
import type { FastifyInstance } from 'fastify';
import { createInsightsStore, type InsightsStore } from '../../db/insights-store.js';
import type { Db } from '../../db/open-database.js';
import { AlertMonitor } from '../alerts/alert-monitor.js';
import { DayFacts } from './day-facts.js';
import type { AlertSettings, Condition } from '../alerts/rules.js';
import type { Auth } from '../auth.js';
import type { BranchService } from '../branch-service.js';
import type { DeviceRegistry } from '../devices.js';
import { registerInsightsApi } from '../http/insights-api.js';
import { rowErrorReporter, type Logger } from '../logger.js';

export interface Insights {
  store: InsightsStore;
  alerts: AlertMonitor;
  /** Starts the alert timer and event subscription (after the service accepts requests). */
  start(): void;
  stop(): void;
}

export function attachInsights(deps: {
  http: FastifyInstance;
  service: BranchService;
  auth: Auth;
  devices: DeviceRegistry;
  db: Db;
  log: Logger;
  alertSettings?: Partial<AlertSettings>;
  /** Alert conditions other parts watch (head-office sync). */
  extraConditions?: () => Condition[];
}): Insights {
  const store = createInsightsStore(deps.db, { reportRowError: rowErrorReporter(deps.log) });
  const alerts = new AlertMonitor(deps.service, store, deps.devices, deps.log, deps.alertSettings, deps.extraConditions);
  const dayFacts = new DayFacts(deps.service, store);
  registerInsightsApi(deps.http, { service: deps.service, auth: deps.auth, insights: store, dayFacts, alerts, devices: deps.devices });
  return {
    store,
    alerts,
    start() {
      dayFacts.start();
      alerts.start();
    },
    stop() {
      alerts.stop();
      dayFacts.stop();
    },
  };
}

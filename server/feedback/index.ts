/**
 * Satisfaction ratings and staff performance in the branch service (the bank's rules 一(五) and
 * 二(二)): the rating command, the counters' rating requests, the evaluator pads, the counter
 * tablets, performance per teller, and their HTTP routes. branch-app.ts calls attachFeedback()
 * before the server listens (routes) and before the device registry starts (drivers).
 */
import type { FastifyInstance } from 'fastify';
import { addDays, localEpoch, hhmmToMinutes } from '../../common/local-time.js';
import type { LoadedConfig } from '../../config/load-config.js';
import { createFeedbackStore } from '../../db/feedback-store.js';
import type { Db } from '../../db/open-database.js';
import type { Auth } from '../auth.js';
import type { BranchService } from '../branch-service.js';
import type { DeviceRegistry } from '../devices.js';
import { interruptionsOf, type Interruption } from '../faults/interruptions.js';
import { periodRange, type Period, type ReportExtras } from '../insights/reports.js';
import { rowErrorReporter, type Logger } from '../logger.js';
import { CounterTablets } from './counter-tablets.js';
import { EvaluatorPads } from './evaluator-pads.js';
import { buildPerformance, type PerformanceRow } from './performance.js';
import { RatingCommands } from './rating-commands.js';
import { RatingRequests } from './rating-requests.js';
import { registerFeedbackRoutes } from './routes.js';

export interface FeedbackOptions {
  http: FastifyInstance;
  service: BranchService;
  auth: Auth;
  registry: DeviceRegistry;
  db: Db;
  config: LoadedConfig;
  demo: boolean;
  log: Logger;
}

export interface Feedback {
  ratings: RatingCommands;
  requests: RatingRequests;
  pads: EvaluatorPads;
  tablets: CounterTablets;
  /** Staff performance of the period containing `date` (every teller: the route filters). */
  performance(period: Period, date: string): PerformanceRow[];
  /** What the day's report adds from this part: the period's ratings and fault interruptions. */
  reportExtras(from: string, to: string): ReportExtras;
  start(): void;
  stop(): Promise<void>;
}

export function attachFeedback(opts: FeedbackOptions): Feedback {
  const { service, log } = opts;
  const settings = opts.config.file.feedback;
  const store = createFeedbackStore(opts.db, { reportRowError: rowErrorReporter(log) });
  const ratings = new RatingCommands(service, store, settings);
  const requests = new RatingRequests(service, settings, log);
  const pads = new EvaluatorPads({ service, registry: opts.registry, file: opts.config.file, demo: opts.demo, requests, ratings, settings, log });
  const tablets = new CounterTablets(service, store);

  /** The instants a period of business days spans: from its first day's start to the next day's. */
  const span = (from: string, to: string) => {
    const { timeZone, dayStartsAt } = service.queueConfig.branch;
    const start = hhmmToMinutes(dayStartsAt);
    return { fromIso: new Date(localEpoch(from, start, timeZone)).toISOString(), toIso: new Date(localEpoch(addDays(to, 1), start, timeZone)).toISOString() };
  };

  const interruptions = (from: string, to: string): (Interruption & { ticketNumber?: string })[] => {
    const { fromIso, toIso } = span(from, to);
    const events = store.auditEvents(['counter.paused', 'counter.resumed', 'counter.closed'], fromIso, toIso);
    return interruptionsOf(events, service.clock()).map((i) => ({ ...i, ticketNumber: i.ticketId ? service.ticketRecord(i.ticketId)?.number : undefined }));
  };

  const feedback: Feedback = {
    ratings,
    requests,
    pads,
    tablets,
    performance(period, date) {
      const { from, to } = periodRange(period, date);
      const { fromIso, toIso } = span(from, to);
      return buildPerformance({
        from,
        to,
        facts: store.servedFacts(from, to),
        ratings: store.ratingsOfDays(from, to),
        calls: store.callFacts(fromIso, toIso),
        complaints: store.complaintFacts(fromIso, toIso),
        config: service.queueConfig,
        staff: opts.auth.listStaff(),
      });
    },
    reportExtras: (from, to): ReportExtras => ({ ratings: store.ratingsOfDays(from, to), interruptions: interruptions(from, to) }),
    start() {
      requests.start();
      pads.start();
    },
    async stop() {
      requests.stop();
      await pads.stop();
    },
  };
  registerFeedbackRoutes(opts.http, { service, auth: opts.auth, feedback, settings, demo: opts.demo });
  return feedback;
}

/**
 * Typed reads and writes for the dashboard, alerts and reports: ticket facts straight from the
 * tickets table (json_extract keeps the query in SQLite, so a day of 10,000 tickets is read
 * without parsing every JSON record in JavaScript) and the alerts table.
 */
import { z } from 'zod';
import { alertSchema } from '../core/events.js';
import { localizedSchema, ticketStatusSchema, type Localized } from '../core/types.js';
import type { Db } from './open-database.js';
import { jsonColumn, optionalColumn, rowReader, type RowErrorReporter } from './rows.js';

const nullableNumber = z.number().nullable();
const nullableString = z.string().nullable();

/**
 * The parts of a ticket that waits, service times and accuracy are computed from, as the query
 * reads them out of the ticket's JSON (null where the ticket has no such field yet).
 */
export const ticketFactSchema = z.object({
  id: z.string(),
  businessDay: z.string(),
  serviceCode: z.string(),
  segment: z.string(),
  status: ticketStatusSchema,
  issuedAt: z.number(),
  calledAt: nullableNumber,
  startedAt: nullableNumber,
  endedAt: nullableNumber,
  counterId: nullableString,
  staffId: nullableString,
  ahead: z.number().int(),
  rejoins: z.number().int(),
  transferredFrom: nullableString,
  estMin: nullableNumber,
  estMax: nullableNumber,
  /** The estimator's point estimate and the queue-length baseline kept with the range. */
  estExpected: nullableNumber,
  estBaseline: nullableNumber,
});
export type TicketFact = z.infer<typeof ticketFactSchema>;

const dayTimeSchema = z.object({ businessDay: z.string(), issuedAt: z.number(), endedAt: nullableNumber, status: ticketStatusSchema });
export type DayTime = z.infer<typeof dayTimeSchema>;

export const alertKindSchema = alertSchema.shape.kind;
export type AlertKind = z.infer<typeof alertKindSchema>;

export interface AlertRecord {
  id: string;
  key: string;
  kind: AlertKind;
  severity: 'warning' | 'critical';
  message: Localized;
  raisedAt: number;
  clearedAt?: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
}

const alertRow = z
  .object({
    id: z.string(),
    key: z.string(),
    kind: alertKindSchema,
    severity: alertSchema.shape.severity,
    raised_at: z.number(),
    cleared_at: optionalColumn(z.number()),
    acknowledged_at: optionalColumn(z.number()),
    acknowledged_by: optionalColumn(z.string()),
    data: jsonColumn(z.object({ message: localizedSchema })),
  })
  .transform(
    (r): AlertRecord => ({
      id: r.id,
      key: r.key,
      kind: r.kind,
      severity: r.severity,
      message: r.data.message,
      raisedAt: r.raised_at,
      clearedAt: r.cleared_at,
      acknowledgedAt: r.acknowledged_at,
      acknowledgedBy: r.acknowledged_by,
    }),
  );

export interface InsightsStore {
  ticketFacts(fromDay: string, toDay: string): TicketFact[];
  /** Issue and end times of the given days' tickets (for the same-weekday average). */
  dayTimes(days: string[]): DayTime[];
  /** Alert writes run inside the service's record(), so the row and its event commit together. */
  insertAlert(a: AlertRecord): void;
  clearAlert(id: string, at: number): void;
  /** The condition of an active alert changed: new severity and words; `reopen` asks for a new acknowledgement. */
  changeAlert(id: string, severity: AlertRecord['severity'], message: Localized, reopen: boolean): void;
  acknowledgeAlert(id: string, staffId: string, at: number): boolean;
  alert(id: string): AlertRecord | undefined;
  /** Alerts still active (not cleared), acknowledged or not. */
  activeAlerts(): AlertRecord[];
  /** Alerts nobody has acknowledged yet, active or cleared. */
  unacknowledgedAlerts(): AlertRecord[];
  alertsSince(time: number): AlertRecord[];
}

const FACT_COLUMNS = `id, business_day AS businessDay, service_code AS serviceCode, status, issued_at AS issuedAt,
  json_extract(data, '$.segment') AS segment,
  json_extract(data, '$.calledAt') AS calledAt,
  json_extract(data, '$.startedAt') AS startedAt,
  json_extract(data, '$.endedAt') AS endedAt,
  json_extract(data, '$.counterId') AS counterId,
  json_extract(data, '$.staffId') AS staffId,
  json_extract(data, '$.ahead') AS ahead,
  json_extract(data, '$.rejoins') AS rejoins,
  json_extract(data, '$.transferredFrom') AS transferredFrom,
  json_extract(data, '$.estimate.minMinutes') AS estMin,
  json_extract(data, '$.estimate.maxMinutes') AS estMax,
  json_extract(data, '$.estimate.expectedMinutes') AS estExpected,
  json_extract(data, '$.estimate.baselineMinutes') AS estBaseline`;

export function createInsightsStore(db: Db, opts: { reportRowError?: RowErrorReporter } = {}): InsightsStore {
  const rows = rowReader(opts.reportRowError);
  const stmt = {
    facts: db.prepare(`SELECT ${FACT_COLUMNS} FROM tickets WHERE business_day BETWEEN ? AND ? ORDER BY issued_at`),
    insertAlert: db.prepare(
      'INSERT INTO alerts (id, key, kind, severity, raised_at, cleared_at, acknowledged_at, acknowledged_by, data) VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?)',
    ),
    clearAlert: db.prepare('UPDATE alerts SET cleared_at = ? WHERE id = ? AND cleared_at IS NULL'),
    changeAlert: db.prepare('UPDATE alerts SET severity = ?, data = ? WHERE id = ? AND cleared_at IS NULL'),
    reopenAlert: db.prepare('UPDATE alerts SET acknowledged_at = NULL, acknowledged_by = NULL WHERE id = ?'),
    ackAlert: db.prepare('UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL'),
    alert: db.prepare('SELECT * FROM alerts WHERE id = ?'),
    active: db.prepare('SELECT * FROM alerts WHERE cleared_at IS NULL ORDER BY raised_at'),
    unacked: db.prepare('SELECT * FROM alerts WHERE acknowledged_at IS NULL ORDER BY raised_at'),
    since: db.prepare('SELECT * FROM alerts WHERE raised_at >= ? ORDER BY raised_at'),
  };
  return {
    ticketFacts: (from, to) => rows.all(ticketFactSchema, 'tickets', ['id'], stmt.facts.all(from, to)),
    dayTimes(days) {
      if (days.length === 0) return [];
      const q = db.prepare(
        `SELECT id, business_day AS businessDay, issued_at AS issuedAt, json_extract(data, '$.endedAt') AS endedAt, status
         FROM tickets WHERE business_day IN (${days.map(() => '?').join(',')})`,
      );
      return rows.all(dayTimeSchema, 'tickets', ['id'], q.all(...days));
    },
    insertAlert: (a) => void stmt.insertAlert.run(a.id, a.key, a.kind, a.severity, a.raisedAt, JSON.stringify({ message: a.message })),
    clearAlert: (id, at) => void stmt.clearAlert.run(at, id),
    changeAlert(id, severity, message, reopen) {
      stmt.changeAlert.run(severity, JSON.stringify({ message }), id);
      if (reopen) stmt.reopenAlert.run(id);
    },
    acknowledgeAlert: (id, staffId, at) => stmt.ackAlert.run(at, staffId, id).changes > 0,
    alert(id) {
      const r = stmt.alert.get(id);
      return r === undefined ? undefined : rows.one(alertRow, 'alerts', ['id'], r);
    },
    activeAlerts: () => rows.all(alertRow, 'alerts', ['id'], stmt.active.all()),
    unacknowledgedAlerts: () => rows.all(alertRow, 'alerts', ['id'], stmt.unacked.all()),
    alertsSince: (time) => rows.all(alertRow, 'alerts', ['id'], stmt.since.all(time)),
  };
}

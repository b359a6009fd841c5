/**
 * Typed reads and writes for the dashboard, alerts and reports: ticket facts straight from the
 * tickets table (json_extract keeps the query in SQLite, so a day of 10,000 tickets is read
 * without parsing every JSON record in JavaScript) and the alerts table.
 */
import type { Localized } from '../core/types.js';
import type { Db } from './open-database.js';

/** The parts of a ticket that waits, service times and accuracy are computed from. */
export interface TicketFact {
  id: string;
  businessDay: string;
  serviceCode: string;
  segment: string;
  status: string;
  issuedAt: number;
  calledAt: number | null;
  startedAt: number | null;
  endedAt: number | null;
  counterId: string | null;
  staffId: string | null;
  ahead: number;
  rejoins: number;
  transferredFrom: string | null;
  estMin: number | null;
  estMax: number | null;
  estExpected: number | null;
  estBaseline: number | null;
}

export type AlertKind = 'wait_over_target' | 'counter_idle' | 'device_offline' | 'printer_paper' | 'device_fault' | 'storage_fault';

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

export interface InsightsStore {
  ticketFacts(fromDay: string, toDay: string): TicketFact[];
  /** Issue and end times of the given days' tickets (for the same-weekday average). */
  dayTimes(days: string[]): { businessDay: string; issuedAt: number; endedAt: number | null; status: string }[];
  insertAlert(a: AlertRecord): void;
  clearAlert(id: string, at: number): void;
  acknowledgeAlert(id: string, staffId: string, at: number): boolean;
  alert(id: string): AlertRecord | undefined;
  /** Alerts still active (not cleared), acknowledged or not. */
  activeAlerts(): AlertRecord[];
  /** Alerts nobody has acknowledged yet, active or cleared. */
  unacknowledgedAlerts(): AlertRecord[];
  alertsSince(time: number): AlertRecord[];
  /** Runs `fn` in one transaction (an alert row and its event commit together). */
  transaction<T>(fn: () => T): T;
}

type Row = Record<string, unknown>;

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

function toAlert(r: Row): AlertRecord {
  const data = JSON.parse(r.data as string) as { message: Localized };
  return {
    id: r.id as string,
    key: r.key as string,
    kind: r.kind as AlertKind,
    severity: r.severity as AlertRecord['severity'],
    message: data.message,
    raisedAt: r.raised_at as number,
    clearedAt: (r.cleared_at as number | null) ?? undefined,
    acknowledgedAt: (r.acknowledged_at as number | null) ?? undefined,
    acknowledgedBy: (r.acknowledged_by as string | null) ?? undefined,
  };
}

export function createInsightsStore(db: Db): InsightsStore {
  const stmt = {
    facts: db.prepare(`SELECT ${FACT_COLUMNS} FROM tickets WHERE business_day BETWEEN ? AND ? ORDER BY issued_at`),
    insertAlert: db.prepare(
      'INSERT INTO alerts (id, key, kind, severity, raised_at, cleared_at, acknowledged_at, acknowledged_by, data) VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?)',
    ),
    clearAlert: db.prepare('UPDATE alerts SET cleared_at = ? WHERE id = ? AND cleared_at IS NULL'),
    ackAlert: db.prepare('UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL'),
    alert: db.prepare('SELECT * FROM alerts WHERE id = ?'),
    active: db.prepare('SELECT * FROM alerts WHERE cleared_at IS NULL ORDER BY raised_at'),
    unacked: db.prepare('SELECT * FROM alerts WHERE acknowledged_at IS NULL ORDER BY raised_at'),
    since: db.prepare('SELECT * FROM alerts WHERE raised_at >= ? ORDER BY raised_at'),
  };
  return {
    ticketFacts: (from, to) => stmt.facts.all(from, to) as TicketFact[],
    dayTimes(days) {
      if (days.length === 0) return [];
      const q = db.prepare(
        `SELECT business_day AS businessDay, issued_at AS issuedAt, json_extract(data, '$.endedAt') AS endedAt, status
         FROM tickets WHERE business_day IN (${days.map(() => '?').join(',')})`,
      );
      return q.all(...days) as { businessDay: string; issuedAt: number; endedAt: number | null; status: string }[];
    },
    insertAlert: (a) => void stmt.insertAlert.run(a.id, a.key, a.kind, a.severity, a.raisedAt, JSON.stringify({ message: a.message })),
    clearAlert: (id, at) => void stmt.clearAlert.run(at, id),
    acknowledgeAlert: (id, staffId, at) => stmt.ackAlert.run(at, staffId, id).changes > 0,
    alert(id) {
      const r = stmt.alert.get(id) as Row | undefined;
      return r ? toAlert(r) : undefined;
    },
    activeAlerts: () => (stmt.active.all() as Row[]).map(toAlert),
    unacknowledgedAlerts: () => (stmt.unacked.all() as Row[]).map(toAlert),
    alertsSince: (time) => (stmt.since.all(time) as Row[]).map(toAlert),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
  };
}

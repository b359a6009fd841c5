/**
 * The `tickets` table (every ticket's latest state, for reports and summaries) is folded from
 * the stored events after they commit, not inside each ingest transaction: one statement in the
 * database reads every stream's events past its watermark, keeps each ticket's latest state and
 * upserts it once, however many batches touched it. docs/decisions/0014-tickets-projected-after-ingest.md
 * has the reasons and the figures.
 *
 * The watermark (`ticket_projection`, per branch stream) moves in the same statement as the
 * upserts, so a crash or restart resumes exactly where the last committed step ended; the
 * upsert keeps the row with the higher stream seq, so a step run twice changes nothing.
 */
import type { SqlDatabase } from './sql.js';

/** Any fixed number: the key of the advisory lock that lets one projector run at a time across servers. */
const PROJECTOR_LOCK = 0x71636b74;

const TICKET = (col: string) => `x.t->>'${col}'`;

/**
 * One step: everything committed up to now. Heads are read in the same snapshot as the events,
 * and a head moves in the transaction that stores its events, so no event below a head is
 * missed. When an event carries two tickets (a transfer: `ticket` and `to`), `to` comes second.
 */
const PROJECT_SQL = `
WITH behind AS (
  SELECT s.branch, s.stream, COALESCE(p.projected, 0) AS done, s.head
  FROM streams s LEFT JOIN ticket_projection p ON p.branch = s.branch AND p.stream = s.stream
  WHERE s.head > COALESCE(p.projected, 0)
),
latest AS (
  SELECT DISTINCT ON (e.branch, ${TICKET('id')}) e.branch, e.seq, x.t
  FROM behind b
  JOIN events e ON e.branch = b.branch AND e.stream = b.stream AND e.seq > b.done AND e.seq <= b.head
  CROSS JOIN LATERAL (VALUES (1, e.data->'ticket'), (2, e.data->'to')) AS x(ord, t)
  WHERE jsonb_typeof(x.t) = 'object'
  ORDER BY e.branch, ${TICKET('id')}, e.seq DESC, x.ord DESC
),
upserted AS (
  INSERT INTO tickets (branch, id, business_day, number, service_code, segment, status, issued_at, called_at, started_at, ended_at,
                       counter_id, staff_id, rejoins, transferred_from, est_min, est_max, seq)
  SELECT branch, ${TICKET('id')}, ${TICKET('businessDay')}, ${TICKET('number')}, ${TICKET('serviceCode')}, ${TICKET('segment')}, ${TICKET('status')},
         (${TICKET('issuedAt')})::bigint, (${TICKET('calledAt')})::bigint, (${TICKET('startedAt')})::bigint, (${TICKET('endedAt')})::bigint,
         ${TICKET('counterId')}, ${TICKET('staffId')}, (${TICKET('rejoins')})::int, ${TICKET('transferredFrom')},
         (x.t->'estimate'->>'minMinutes')::real, (x.t->'estimate'->>'maxMinutes')::real, seq
  FROM latest AS x
  ON CONFLICT (branch, id) DO UPDATE SET status = excluded.status, called_at = excluded.called_at, started_at = excluded.started_at,
    ended_at = excluded.ended_at, counter_id = excluded.counter_id, staff_id = excluded.staff_id, rejoins = excluded.rejoins,
    segment = excluded.segment, seq = excluded.seq
  WHERE tickets.seq < excluded.seq
  RETURNING 1
),
marked AS (
  INSERT INTO ticket_projection (branch, stream, projected) SELECT branch, stream, head FROM behind
  ON CONFLICT (branch, stream) DO UPDATE SET projected = GREATEST(ticket_projection.projected, excluded.projected)
  RETURNING 1
)
SELECT (SELECT count(*) FROM marked)::int AS streams, (SELECT count(*) FROM upserted)::int AS tickets`;

/** Projects everything committed so far; returns how many streams it moved. */
async function projectCommitted(db: SqlDatabase): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [PROJECTOR_LOCK], 'hq_project_lock');
    const r = await tx.query(PROJECT_SQL, [], 'hq_project_tickets');
    return Number(r[0]?.streams ?? 0);
  });
}

export interface TicketProjector {
  /** New events were committed: project them within `everyMs`, together with whatever else arrives meanwhile. */
  poke(): void;
  /** Resolves once every event committed before the call is in `tickets` (readers call it first). */
  projectNow(): Promise<void>;
  /** Stops the timer and waits for a step under way. */
  stop(): Promise<void>;
}

export function createTicketProjector(db: SqlDatabase, opts: { everyMs: number; onError?: (e: unknown) => void }): TicketProjector {
  // Steps run one after another; a caller waits for the step that starts after its call.
  let tail: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const projectNow = (): Promise<void> => {
    const step = tail.then(async () => {
      await projectCommitted(db);
    });
    tail = step.catch(() => undefined);
    return step;
  };

  return {
    poke() {
      if (timer || stopped) return;
      timer = setTimeout(() => {
        timer = undefined;
        projectNow().catch((e: unknown) => opts.onError?.(e));
      }, opts.everyMs);
      timer.unref();
    },
    projectNow,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await tail;
    },
  };
}

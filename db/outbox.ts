/**
 * The outbox as the uploader reads it: the event log by stream and sequence, and what head
 * office has acknowledged (kept in meta, written after each acknowledged batch). Events read
 * back are checked with the event schemas before they leave the branch. Only durable events are
 * offered (`durableUpTo`): with group commit (decision record 0002) the connection also sees the
 * events of a batch whose fsync is still to come, and a batch that fails must not have reached
 * head office.
 */
import { parseEvent, type BranchEvent, type StreamName } from '../core/events.js';
import { DomainError } from '../common/errors.js';
import type { BranchStore } from './branch-store.js';
import type { Db } from './open-database.js';

export interface Outbox {
  /** The highest sequence written per stream. */
  heads(): Map<StreamName, number>;
  /** Up to `limit` events of `stream` after `afterSeq`, in order. */
  after(stream: StreamName, afterSeq: number, limit: number): BranchEvent[];
  /** Time of the oldest event of `stream` after `afterSeq` (the backlog's age). */
  oldestAfter(stream: StreamName, afterSeq: number): string | undefined;
  acked(stream: StreamName): number;
  setAcked(stream: StreamName, seq: number): void;
}

type Row = Record<string, unknown>;

/**
 * `durableUpTo`: the id of the newest event known to be durable (default: every event in the
 * file is).
 */
export function createOutbox(
  db: Db,
  store: Pick<BranchStore, 'getMeta' | 'setMeta'>,
  branch: () => string,
  durableUpTo: () => number = () => Number.MAX_SAFE_INTEGER,
): Outbox {
  const stmt = {
    heads: db.prepare('SELECT stream, MAX(seq) AS seq FROM events WHERE id <= ? GROUP BY stream'),
    after: db.prepare('SELECT * FROM events WHERE stream = ? AND seq > ? AND id <= ? ORDER BY seq LIMIT ?'),
    oldest: db.prepare('SELECT at FROM events WHERE stream = ? AND seq > ? AND id <= ? ORDER BY seq LIMIT 1'),
  };
  return {
    heads() {
      const m = new Map<StreamName, number>();
      for (const r of stmt.heads.all(durableUpTo()) as Row[]) m.set(r.stream as StreamName, Number(r.seq));
      // A stream moved past head office's numbers counts from there (BranchStore.resequenceStream).
      for (const s of ['queue', 'device', 'config', 'staff'] as const) {
        const floor = Number(store.getMeta(`seq_floor.${s}`) ?? 0);
        if (floor > (m.get(s) ?? 0)) m.set(s, floor);
      }
      return m;
    },
    after(stream, afterSeq, limit) {
      return (stmt.after.all(stream, afterSeq, durableUpTo(), limit) as Row[]).map((r) => {
        try {
          return parseEvent({ id: r.id, stream: r.stream, seq: r.seq, type: r.type, v: r.v, at: r.at, branch: branch(), data: JSON.parse(String(r.data)) });
        } catch (e) {
          throw new DomainError('DB_ROW_INVALID', `Event ${String(r.stream)}#${String(r.seq)} in the branch database does not match the event schema: ${(e as Error).message.slice(0, 300)}`);
        }
      });
    },
    oldestAfter: (stream, afterSeq) => ((stmt.oldest.get(stream, afterSeq, durableUpTo()) as Row | undefined)?.at as string | undefined) ?? undefined,
    acked: (stream) => Number(store.getMeta(`sync.acked.${stream}`) ?? 0),
    setAcked: (stream, seq) => store.setMeta(`sync.acked.${stream}`, String(seq)),
  };
}

/**
 * A checked batch in the form head office writes it: the events' rows in COPY's text format as
 * bytes, and the latest state of each ticket they carry as the JSON the tickets upsert reads.
 *
 * Why bytes and not the event objects: a batch waits on PostgreSQL for most of its life (the
 * stream lock, COPY, the upsert, the commit's fsync), and every object graph still reachable
 * while another batch is being parsed is copied by each young-generation collection. Encoding
 * the batch right after it is checked, before the first await on the database, lets the parsed
 * objects die young; the bytes live outside the JS heap. Measured in docs/hq-scale.md.
 */
import type { BranchEvent, StreamName } from '../../core/events.js';
import type { Ticket } from '../../core/types.js';
import { copyField } from './sql.js';

export const EVENT_COLUMNS = ['branch', 'stream', 'seq', 'type', 'v', 'at', 'data'] as const;

export interface EncodedBatch {
  readonly stream: StreamName;
  /** Sequence of the first and last event; the events in between are consecutive. */
  readonly first: number;
  readonly last: number;
  /** Every event's COPY row (EVENT_COLUMNS, new line included), in sequence order. */
  readonly rows: Buffer<ArrayBuffer>;
  /** Where the row of event `seq` starts: rowStart[seq − first]; the last entry is rows.length. */
  readonly rowStart: Uint32Array;
  /** The latest state of each ticket the batch carries, for the tickets upsert; undefined when none. */
  readonly tickets: string | undefined;
}

/** A stored or encoded event reduced to what a replay is compared on. */
export interface EventRecord {
  seq: number;
  type: string;
  at: string;
  data: unknown;
}

/** Bytes a row may need: a UTF-16 unit never takes more than three bytes in UTF-8. */
const MAX_BYTES_PER_UNIT = 3;

/**
 * Row buffers of stored batches, kept for the next ones: a buffer this large is mapped fresh
 * from the system and faulted in page by page each time it is allocated, which costs more than
 * writing the rows into it (docs/hq-scale.md).
 */
const spare: Buffer<ArrayBuffer>[] = [];
/** At most this much kept: about the batches the database takes at once. */
const MAX_SPARE_BYTES = 8 * 1024 * 1024;
let spareBytes = 0;
const MIN_BUFFER = 256 * 1024;
const buffers = new WeakMap<EncodedBatch, Buffer<ArrayBuffer>>();

function takeBuffer(atLeast: number): Buffer<ArrayBuffer> {
  const i = spare.findIndex((b) => b.length >= atLeast);
  if (i < 0) return Buffer.allocUnsafe(Math.max(atLeast, MIN_BUFFER));
  const b = spare.splice(i, 1)[0]!;
  spareBytes -= b.length;
  return b;
}

/**
 * The batch is stored, or was refused without a byte sent: its buffer serves the next batch.
 * Not called when a write failed, since the connection may still hold the bytes.
 */
export function releaseBatch(batch: EncodedBatch): void {
  const b = buffers.get(batch);
  buffers.delete(batch);
  if (b && spareBytes + b.length <= MAX_SPARE_BYTES) {
    spare.push(b);
    spareBytes += b.length;
  }
}

/** Encodes consecutive, checked events of one branch stream, at least one (the caller has checked all three). */
export function encodeBatch(branch: string, stream: StreamName, events: readonly BranchEvent[]): EncodedBatch {
  const prefix = `${copyField(branch)}\t${copyField(stream)}\t`;
  let rows = takeBuffer(events.length * 640);
  const rowStart = new Uint32Array(events.length + 1);
  let end = 0;
  for (let k = 0; k < events.length; k++) {
    const e = events[k]!;
    const row = `${prefix}${e.seq}\t${copyField(e.type)}\t${e.v}\t${copyField(e.at)}\t${copyField(JSON.stringify(e.data))}\n`;
    if (rows.length - end < row.length * MAX_BYTES_PER_UNIT) {
      const bigger = takeBuffer(Math.max(rows.length * 2, end + row.length * MAX_BYTES_PER_UNIT));
      rows.copy(bigger, 0, 0, end);
      rows = bigger;
    }
    rowStart[k] = end;
    end += rows.write(row, end, 'utf8');
  }
  rowStart[events.length] = end;
  const batch: EncodedBatch = { stream, first: events[0]!.seq, last: events.at(-1)!.seq, rows: rows.subarray(0, end), rowStart, tickets: ticketRows(events) };
  buffers.set(batch, rows);
  return batch;
}

/** The rows of the events from `seq` to the end of the batch. */
export function rowsFrom(batch: EncodedBatch, seq: number): Buffer<ArrayBuffer> {
  return batch.rows.subarray(batch.rowStart[seq - batch.first]);
}

const COPY_UNESCAPES: Record<string, string> = { '\\\\': '\\', '\\n': '\n', '\\r': '\r', '\\t': '\t' };

/** One COPY text field back to its value (copyField's inverse). */
function uncopyField(f: string): string {
  return f.replace(/\\[\\nrt]/g, (s) => COPY_UNESCAPES[s]!);
}

/** Event `seq` of the batch, decoded from its row: only replays compare it, so it is rebuilt on demand. */
export function eventAt(batch: EncodedBatch, seq: number): EventRecord {
  const k = seq - batch.first;
  const fields = batch.rows.toString('utf8', batch.rowStart[k], batch.rowStart[k + 1]! - 1).split('\t');
  // Tabs inside a field are escaped, so a row always splits into its seven columns.
  return { seq, type: uncopyField(fields[3]!), at: uncopyField(fields[5]!), data: JSON.parse(uncopyField(fields[6]!)) as unknown };
}

/** The tickets an event carries, in their state after the event. */
function ticketsOf(e: BranchEvent): Ticket[] {
  // Every event type whose data holds a ticket names it `ticket` (a transfer's new one `to`).
  const d = e.data as { ticket?: Ticket; to?: Ticket };
  const out: Ticket[] = [];
  if (d.ticket) out.push(d.ticket);
  if (d.to) out.push(d.to);
  return out;
}

/**
 * Each ticket the batch touched, once, in its latest state, with the sequence of the event that
 * left it so. The upsert keeps a stored ticket whose sequence is not lower, so the rows of the
 * whole batch are right for any part of it that is new: a ticket last touched by an event the
 * database already holds is offered again and left as it is. One JSON array read with
 * json_to_recordset: one native JSON.stringify instead of seventeen arrays escaped element by
 * element into array literals.
 */
function ticketRows(events: readonly BranchEvent[]): string | undefined {
  const latest = new Map<string, { t: Ticket; seq: number }>();
  for (const e of events) for (const t of ticketsOf(e)) latest.set(t.id, { t, seq: e.seq });
  if (latest.size === 0) return undefined;
  return JSON.stringify(
    [...latest.values()].map(({ t, seq }) => ({
      id: t.id,
      business_day: t.businessDay,
      number: t.number,
      service_code: t.serviceCode,
      segment: t.segment,
      status: t.status,
      issued_at: t.issuedAt,
      called_at: t.calledAt ?? null,
      started_at: t.startedAt ?? null,
      ended_at: t.endedAt ?? null,
      counter_id: t.counterId ?? null,
      staff_id: t.staffId ?? null,
      rejoins: t.rejoins,
      transferred_from: t.transferredFrom ?? null,
      est_min: t.estimate?.minMinutes ?? null,
      est_max: t.estimate?.maxMinutes ?? null,
      seq,
    })),
  );
}

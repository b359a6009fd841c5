/**
 * The sync protocol between a branch and head office (docs/hq.md): request and answer shapes,
 * checked with zod on both sides. Event batches carry events exactly as core/events.ts defines
 * them; everything else is here.
 */
import { z } from 'zod';

export const STREAMS = ['queue', 'device', 'config', 'staff'] as const;

const localized = z.object({ zh: z.string(), en: z.string() });
const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO time');

export const enrollRequestSchema = z
  .object({
    code: z.string().min(4).max(40),
    /** Random id of this branch installation, kept in its data folder. */
    installId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    /** The branch id in the branch's configuration; must match the code's branch. */
    branch: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  })
  .strict();

export const enrollAnswerSchema = z.object({ branch: z.string(), credential: z.string().min(20) });

export const ackAnswerSchema = z.object({ stream: z.enum(STREAMS), ackSeq: z.number().int().nonnegative(), inserted: z.number().int(), duplicates: z.number().int() });

/** 409 answers to a batch: a gap (send from expectedSeq) or a conflict (the branch's log differs). */
export const batchRefusalSchema = z.object({
  error: z.object({ code: z.enum(['SEQ_GAP', 'SEQ_CONFLICT']), message: z.string() }),
  stream: z.enum(STREAMS),
  ackSeq: z.number().int().nonnegative(),
  expectedSeq: z.number().int().positive().optional(),
  conflictSeq: z.number().int().positive().optional(),
});

export const stateAnswerSchema = z.object({
  branch: z.string(),
  streams: z.record(z.string(), z.number().int().nonnegative()),
  config: z.object({ latestVersion: z.number().int().nonnegative(), appliedVersion: z.number().int().nullable() }),
});

export const configAnswerSchema = z.object({ version: z.number().int().positive(), snapshot: z.unknown() });

export const configReportSchema = z
  .object({
    version: z.number().int().positive(),
    status: z.enum(['applied', 'refused']),
    problems: z.array(z.string().max(500)).max(100).default([]),
  })
  .strict();

export const alarmReportSchema = z
  .object({
    kind: z.enum(['sequence_reset']),
    stream: z.enum(STREAMS),
    localSeq: z.number().int().nonnegative(),
    hqSeq: z.number().int().nonnegative(),
    detail: z.string().max(1000),
  })
  .strict();

/** A ticket as the customer's phone sees it at head office: no segment, no staff, nothing personal. */
export const publicTicketSchema = z
  .object({
    id: z.string().max(64),
    number: z.string().max(16),
    serviceCode: z.string().max(16),
    serviceName: localized.optional(),
    status: z.enum(['waiting', 'called', 'serving', 'done', 'no_show', 'cancelled', 'transferred']),
    ahead: z.number().int().nonnegative(),
    estimate: z.object({ minMinutes: z.number(), maxMinutes: z.number() }).nullable(),
    counterId: z.string().max(16).optional(),
    counterName: localized.optional(),
    transferredTo: z.object({ id: z.string().max(64), number: z.string().max(16) }).optional(),
  })
  .strict();
export type PublicTicket = z.infer<typeof publicTicketSchema>;

export const MAX_LIVE_TICKETS = 5000;

export const livePushSchema = z
  .object({
    at: iso,
    businessDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** When the public ticket page stops answering for today's tickets. */
    dayEndsAt: iso,
    profile: z.object({
      name: localized,
      timeZone: z.string().max(64),
      services: z.array(z.object({ code: z.string(), name: localized, targetWaitMinutes: z.number() })).max(100),
      counters: z.array(z.object({ id: z.string(), name: localized })).max(200),
    }),
    load: z.object({
      waiting: z.number().int().nonnegative(),
      services: z
        .array(z.object({ code: z.string(), waiting: z.number().int(), longestWaitSeconds: z.number(), targetWaitMinutes: z.number(), issuedToday: z.number().int() }))
        .max(100),
      counters: z.array(z.object({ id: z.string(), state: z.string(), servedToday: z.number().int() })).max(200),
    }),
    devices: z.array(z.object({ id: z.string(), kind: z.string(), state: z.string(), detail: z.string().optional(), since: z.string() })).max(500),
    alerts: z.array(z.object({ key: z.string(), kind: z.string(), severity: z.string(), message: localized, raisedAt: z.string() })).max(500),
    sync: z.object({
      backlog: z.number().int().nonnegative(),
      lastSuccessAt: z.string().nullable(),
      oldestUnsentAt: z.string().nullable(),
    }),
    tickets: z.array(publicTicketSchema).max(MAX_LIVE_TICKETS),
  })
  .strict();
export type LivePush = z.infer<typeof livePushSchema>;

/** What the hint socket sends: a new configuration version is waiting. */
export const hintSchema = z.object({ type: z.literal('config'), version: z.number().int().positive() });

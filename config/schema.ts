/**
 * The branch configuration file: its schema, checked when the file is loaded, so the service
 * never starts half-configured. Every problem is reported with the field's path.
 */
import { z } from 'zod';
import { isValidTimeZone, parseHhMm } from '../core/calendar.js';
import { FAULT_PAUSE_REASON, FAULT_REASON_NAME } from '../core/faults.js';
import type { OpeningHours, QueueConfig } from '../core/types.js';
import { careSettingsSchema } from './care-schema.js';
import { feedbackSettingsSchema } from './feedback-schema.js';
import { ticketTemplateSchema } from './ticket-template-schema.js';

const localized = z.object({
  zh: z.string().min(1, 'needs the Chinese name'),
  en: z.string().min(1, 'needs the English name'),
});

const hhmmRange = /^([01]\d|2[0-4]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;
const dayHours = z.union([
  z.literal('closed'),
  z
    .string()
    .refine(
      (s) =>
        s.split(',').every((part) => {
          const p = part.trim();
          if (!hhmmRange.test(p)) return false;
          const [a, b] = p.split('-') as [string, string];
          return parseHhMm(a) < parseHhMm(b);
        }),
      'must be "closed" or windows like "08:30-12:00, 13:00-17:00" (start before end)',
    ),
]);

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const hhmm = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'must be a time of day HH:MM');

/** One planned shift of a counter (the roster): the estimator counts on it, the simulator can run it. */
export const rosterShiftSchema = z
  .object({
    counter: z.string(),
    days: z.array(z.enum(DAYS)).min(1).default([...DAYS]),
    open: hhmm,
    close: hhmm,
    breaks: z
      .array(z.object({ at: hhmm, minutes: z.number().positive().max(240), reason: z.string().default('break') }).strict())
      .default([]),
  })
  .strict()
  .refine((s) => parseHhMm(s.open) < parseHhMm(s.close), { message: 'the shift must open before it closes', path: ['close'] });

export const serviceSchema = z.object({
  code: z.string().regex(/^[A-Z][A-Z0-9_]{0,15}$/, 'must be 1–16 capital letters, digits or _ starting with a letter'),
  prefix: z.string().regex(/^[A-Z]{1,2}$/, 'must be one or two capital letters'),
  name: localized,
  range: z
    .tuple([z.number().int().min(0), z.number().int().max(9999)])
    .refine(([a, b]) => a <= b, 'first number must not exceed the last')
    .default([1, 999]),
  dailyCap: z.number().int().positive().optional(),
  targetWaitMinutes: z.number().positive().max(240),
  typicalServiceMinutes: z.number().positive().max(240),
  selfService: z.array(localized).default([]),
  icon: z.string().optional(),
  enabled: z.boolean().default(true),
  reserveAfterMinutes: z.number().positive().max(240).optional(),
});

export const counterSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'must be 1–16 letters, digits, - or _'),
  name: localized.optional(),
  primary: z.array(z.string()).min(1, 'a counter needs at least one primary service'),
  secondary: z.array(z.string()).default([]),
  devices: z
    .object({
      display: z.string().optional(),
      callPad: z.string().optional(),
      evaluator: z.string().optional(),
    })
    .default({}),
});

export const segmentSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be lower-case letters, digits or _'),
  name: localized,
  priority: z.boolean(),
});

const DEFAULT_SEGMENTS = [
  { code: 'regular', name: { zh: '普通客户', en: 'Regular' }, priority: false },
  { code: 'vip1', name: { zh: '贵宾客户', en: 'VIP' }, priority: true },
  { code: 'vip2', name: { zh: '白金贵宾', en: 'Platinum VIP' }, priority: true },
  { code: 'priority', name: { zh: '爱心优先', en: 'Priority help' }, priority: true },
  { code: 'appointment', name: { zh: '预约客户', en: 'Appointment' }, priority: true },
];

const LOOPBACK = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];

/**
 * What one client on the branch LAN may cost the service (docs/security.md). The kiosk's own
 * addresses are the branch machine itself and are exempt from the per-address limits (not from
 * the totals).
 */
const limitsSchema = z
  .object({
    // Open sockets (HTTP and WebSocket) one address may hold, and all addresses together.
    connectionsPerAddress: z.number().int().min(4).max(10_000).default(64),
    connections: z.number().int().min(16).max(100_000).default(1500),
    // Live /api/stream clients per address and in total.
    streamClientsPerAddress: z.number().int().min(1).max(10_000).default(16),
    streamClients: z.number().int().min(1).max(100_000).default(1000),
    // The deepest replay a stream client may ask for (?after=), in events; never past the business day's start.
    replayEvents: z.number().int().min(100).max(1_000_000).default(20_000),
    // A request's headers and body must arrive within this; an idle connection is closed after twice it.
    requestTimeoutSeconds: z.number().int().min(1).max(600).default(15),
    // Sign-in attempts per minute from one address (the PIN hash is slow on purpose).
    loginsPerMinutePerAddress: z.number().int().min(1).max(10_000).default(10),
    // Tickets per minute taken without a staff sign-in, all kiosks and addresses together.
    ticketsPerMinutePerBranch: z.number().int().min(1).max(100_000).default(120),
  })
  .strict();

const securitySchema = z
  .object({
    lockoutAttempts: z.number().int().min(3).max(20).default(5),
    lockoutMinutes: z.number().int().min(1).max(1440).default(15),
    sessionHours: z.number().min(1).max(24).default(12),
    // Shortest PIN a staff account may be given; trivial PINs (000000, 123456, …) are refused too.
    minPinLength: z.number().int().min(6).max(12).default(6),
    // Tickets per minute from one enrolled kiosk (its key) or, without a key, one address.
    ticketRateLimitPerMinute: z.number().int().min(1).max(100_000).default(60),
    // When true, only enrolled kiosks (X-Kiosk-Key), the kiosk's own addresses and signed-in
    // staff take tickets; other addresses are refused with KIOSK_KEY_REQUIRED.
    requireKioskKey: z.boolean().default(false),
    // Addresses of the kiosk itself: only they may turn card reads into identity tokens.
    // The kiosk PC runs the service, so loopback is the default.
    kioskAddresses: z.array(z.ipv4().or(z.ipv6())).min(1).default([...LOOPBACK]),
    // Names the branch service is reached by besides its own addresses, localhost and the
    // machine's name (e.g. queue.branch-0421.bank.internal); other Host headers are refused.
    allowedHosts: z.array(z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name such as queue.branch.example')).default([]),
    limits: limitsSchema.prefault({}),
  })
  .strict();

const DEFAULT_PAUSE_REASONS = [
  { code: 'break', name: { zh: '休息', en: 'Break' } },
  { code: 'meal', name: { zh: '用餐', en: 'Meal' } },
  { code: 'cash_handover', name: { zh: '款箱交接', en: 'Cash handover' } },
  { code: 'meeting', name: { zh: '晨会/培训', en: 'Meeting or training' } },
  { code: 'system_fault', name: { zh: '系统故障', en: 'System fault' } },
  { code: 'other', name: { zh: '其他', en: 'Other' } },
];

export const configFileSchema = z
  .object({
    branch: z.object({
      id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, - or _'),
      name: localized,
      timeZone: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Shanghai'),
      dayStartsAt: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM')
        .default('00:00'),
      hours: z
        .object({
          ...Object.fromEntries(DAYS.map((d) => [d, dayHours.default('closed')])),
          closedDates: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')).default([]),
        } as Record<(typeof DAYS)[number], z.ZodDefault<typeof dayHours>> & { closedDates: z.ZodDefault<z.ZodArray<z.ZodString>> })
        .strict(),
    }),
    services: z.array(serviceSchema).min(1, 'at least one service is needed'),
    counters: z.array(counterSchema).min(1, 'at least one counter is needed'),
    segments: z.array(segmentSchema).default(DEFAULT_SEGMENTS),
    rules: z
      .object({
        tiers: z.enum(['reserve', 'strict']).default('reserve'),
        fairnessCap: z.number().int().min(1).max(20).default(3),
        ageing: z.boolean().default(true),
        maxRecalls: z.number().int().min(0).max(10).default(2),
        maxRejoins: z.number().int().min(0).max(5).default(1),
        autoCompleteOnNext: z.boolean().default(true),
        pauseReasons: z.array(z.object({ code: z.string().regex(/^[a-z][a-z0-9_]*$/), name: localized })).min(1).default(DEFAULT_PAUSE_REASONS),
      })
      .strict()
      .default({
        tiers: 'reserve',
        fairnessCap: 3,
        ageing: true,
        maxRecalls: 2,
        maxRejoins: 1,
        autoCompleteOnNext: true,
        pauseReasons: DEFAULT_PAUSE_REASONS,
      }),
    roster: z.array(rosterShiftSchema).default([]),
    security: securitySchema.prefault({}),
    ticket: ticketTemplateSchema.default({}),
    alerts: z
      .object({
        // A counter open and idle this long while its services have customers waiting raises an alert.
        idleGraceMinutes: z.number().min(0).max(120).default(2),
        // How often waits are re-checked against their targets.
        checkEverySeconds: z.number().int().min(1).max(600).default(15),
      })
      .strict()
      .default({ idleGraceMinutes: 2, checkEverySeconds: 15 }),
    devices: z
      .object({
        printer: z.string().optional(),
        cardReader: z.array(z.string()).default([]),
        lobbyDisplay: z.string().optional(),
      })
      .default({ cardReader: [] }),
    // How long the event log keeps events that head office already holds; older ones move to
    // monthly archive files in the data folder (docs/security.md, "Event log").
    retention: z
      .object({ eventDays: z.number().int().min(1).max(3650).default(90) })
      .strict()
      .prefault({}),
    publicBaseUrl: z.string().url('must be a URL such as https://wifi.branch.example/').optional(),
    // Satisfaction ratings after each service (config/feedback-schema.ts; docs/feedback.md).
    feedback: feedbackSettingsSchema,
    // Complaints, follow-up rules and customer-file retention (config/care-schema.ts; docs/customer-care.md).
    care: careSettingsSchema,
    /**
     * Card-swipe segment lookup (docs/devices/card-readers.md): issuer BIN ranges and keyed
     * identity hashes of known VIPs, each naming one of the segments above.
     */
    cardLookup: z
      .object({
        binRanges: z
          .array(z.object({ from: z.string().regex(/^\d{6}$/, 'must be exactly 6 digits'), to: z.string().regex(/^\d{6}$/, 'must be exactly 6 digits'), segment: z.string() }).strict())
          .default([]),
        vipIdHashes: z.record(z.string().regex(/^[0-9a-f]{64}$/, 'keys must be 64 lowercase hex characters (an identity hash)'), z.string()).default({}),
      })
      .strict()
      .optional(),
    // The lobby display page (/display): notice ticker, voice languages (clips under
    // renderer/static/voice/<lang>/ or a local speech voice), rows of recent calls.
    lobby: z
      .object({
        notice: z.string().min(1).max(500).optional(),
        voiceLanguages: z.array(z.string().regex(/^[a-z]{2,3}$/, 'must be a language code such as zh, en or yue')).max(5).default(['zh', 'en']),
        recentCalls: z.number().int().min(1).max(16).default(8),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const dup = <T>(items: T[], key: (t: T) => string, path: string, what: string) => {
      const seen = new Map<string, number>();
      items.forEach((it, i) => {
        const k = key(it);
        if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [path, i], message: `${what} "${k}" is used twice (also at ${path}[${seen.get(k)}])` });
        else seen.set(k, i);
      });
    };
    dup(cfg.services, (s) => s.code, 'services', 'service code');
    dup(cfg.services, (s) => s.prefix, 'services', 'ticket prefix');
    dup(cfg.counters, (c) => c.id, 'counters', 'counter id');
    dup(cfg.segments, (s) => s.code, 'segments', 'segment code');
    if (!cfg.segments.some((s) => s.code === 'regular' && !s.priority)) {
      ctx.addIssue({ code: 'custom', path: ['segments'], message: 'needs a non-priority segment with code "regular"' });
    }
    const segmentCodes = new Set(cfg.segments.map((s) => s.code));
    cfg.cardLookup?.binRanges.forEach((r, i) => {
      if (!segmentCodes.has(r.segment)) ctx.addIssue({ code: 'custom', path: ['cardLookup', 'binRanges', i, 'segment'], message: `unknown segment "${r.segment}"` });
      if (r.from > r.to) ctx.addIssue({ code: 'custom', path: ['cardLookup', 'binRanges', i, 'to'], message: `must not be below from (${r.from})` });
    });
    for (const [hash, seg] of Object.entries(cfg.cardLookup?.vipIdHashes ?? {})) {
      if (!segmentCodes.has(seg)) ctx.addIssue({ code: 'custom', path: ['cardLookup', 'vipIdHashes', `${hash.slice(0, 12)}…`], message: `unknown segment "${seg}"` });
    }
    const codes = new Set(cfg.services.map((s) => s.code));
    cfg.counters.forEach((c, i) => {
      for (const key of ['primary', 'secondary'] as const) {
        c[key].forEach((code, j) => {
          if (!codes.has(code)) ctx.addIssue({ code: 'custom', path: ['counters', i, key, j], message: `unknown service "${code}"` });
          if (key === 'secondary' && c.primary.includes(code)) {
            ctx.addIssue({ code: 'custom', path: ['counters', i, key, j], message: `service "${code}" is already primary at this counter` });
          }
        });
      }
    });
    checkRoster(cfg, ctx);
  });

function checkRoster(cfg: { counters: { id: string }[]; rules: { pauseReasons: { code: string }[] }; roster: z.infer<typeof rosterShiftSchema>[] }, ctx: z.RefinementCtx): void {
  const counters = new Set(cfg.counters.map((c) => c.id));
  const reasons = new Set(cfg.rules.pauseReasons.map((r) => r.code));
  cfg.roster.forEach((s, i) => {
    if (!counters.has(s.counter)) ctx.addIssue({ code: 'custom', path: ['roster', i, 'counter'], message: `unknown counter "${s.counter}"` });
    const open = parseHhMm(s.open);
    const close = parseHhMm(s.close);
    let lastEnd = open;
    [...s.breaks].sort((a, b) => parseHhMm(a.at) - parseHhMm(b.at)).forEach((b) => {
      const j = s.breaks.indexOf(b);
      const at = parseHhMm(b.at);
      if (!reasons.has(b.reason)) ctx.addIssue({ code: 'custom', path: ['roster', i, 'breaks', j, 'reason'], message: `"${b.reason}" is not one of the pause reasons` });
      if (at < lastEnd || at + b.minutes > close) {
        ctx.addIssue({ code: 'custom', path: ['roster', i, 'breaks', j, 'at'], message: 'breaks must fall inside the shift and not overlap each other' });
      }
      lastEnd = Math.max(lastEnd, at + b.minutes);
    });
    // Two shifts of one counter on the same day may follow each other but not overlap.
    for (let k = 0; k < i; k++) {
      const o = cfg.roster[k]!;
      if (o.counter !== s.counter || !o.days.some((d) => s.days.includes(d))) continue;
      if (parseHhMm(o.open) < close && open < parseHhMm(o.close)) {
        ctx.addIssue({ code: 'custom', path: ['roster', i], message: `overlaps roster[${k}] of counter "${s.counter}" on the same day` });
      }
    }
  });
}

export type ConfigFile = z.infer<typeof configFileSchema>;

function toHours(h: ConfigFile['branch']['hours']): OpeningHours {
  const weekly = DAYS.map((d) => {
    const text = h[d] ?? 'closed';
    if (text === 'closed') return [];
    return text.split(',').map((part) => {
      const [open, close] = part.trim().split('-') as [string, string];
      return { open, close };
    });
  });
  return { weekly, closedDates: h.closedDates };
}

/** The queue engine's view of a validated configuration file. */
export function toQueueConfig(cfg: ConfigFile): QueueConfig {
  return {
    branch: {
      id: cfg.branch.id,
      name: cfg.branch.name,
      timeZone: cfg.branch.timeZone,
      dayStartsAt: cfg.branch.dayStartsAt,
      hours: toHours(cfg.branch.hours),
    },
    services: cfg.services.map((s) => ({ ...s, range: { from: s.range[0], to: s.range[1] } })),
    counters: cfg.counters.map((c) => ({
      id: c.id,
      name: c.name ?? { zh: `${c.id}号窗口`, en: `Counter ${c.id}` },
      services: [
        ...c.primary.map((code) => ({ code, level: 'primary' as const })),
        ...c.secondary.map((code) => ({ code, level: 'secondary' as const })),
      ],
    })),
    segments: cfg.segments,
    // A system fault is always a pause reason (core/faults.ts), whether the file lists it or not.
    rules: cfg.rules.pauseReasons.some((r) => r.code === FAULT_PAUSE_REASON)
      ? cfg.rules
      : { ...cfg.rules, pauseReasons: [...cfg.rules.pauseReasons, { code: FAULT_PAUSE_REASON, name: FAULT_REASON_NAME }] },
    roster: cfg.roster.map((s) => ({
      counterId: s.counter,
      weekdays: s.days.map((d) => DAYS.indexOf(d)).sort((a, b) => a - b),
      open: s.open,
      close: s.close,
      breaks: [...s.breaks].sort((a, b) => parseHhMm(a.at) - parseHhMm(b.at)),
    })),
  };
}

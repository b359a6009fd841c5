/**
 * What branches call (docs/hq.md): enrollment, event batches, their stream heads, configuration
 * snapshots and reports on them, the live picture and open tickets' positions, alarms.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, isDomainError } from '../../common/errors.js';
import { RateLimiter } from '../../server/http/rate-limit.js';
import { parseInput } from '../../server/http/validate.js';
import { alarmReportSchema, configReportSchema, enrollRequestSchema, livePushSchema } from '../../sync/protocol.js';
import type { Hints } from '../hints.js';
import type { Ingest } from '../ingest.js';
import type { HqStore } from '../storage/hq-store.js';
import { parseBatchBody } from './batch-body.js';
import { requireBranch } from './principals.js';
import { z } from 'zod';

/** Batches of a few hundred events are well under this. */
export const SYNC_BODY_LIMIT = 8 * 1024 * 1024;
const ENROLL_PER_MINUTE = 10;
const retryAfter = z.object({ retryAfterSeconds: z.number() });

export function registerSyncRoutes(app: FastifyInstance, deps: { store: HqStore; ingest: Ingest; hints: Hints; enrollPerMinute?: number }): void {
  const { store, ingest } = deps;
  const enrollLimit = new RateLimiter(deps.enrollPerMinute ?? ENROLL_PER_MINUTE);

  app.post('/api/enroll', async (req, reply) => {
    const wait = enrollLimit.take(req.socket.remoteAddress ?? '?', Date.now());
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new DomainError('RATE_LIMITED', `Too many enrollment attempts from this address; try again in ${wait} s.`);
    }
    const body = parseInput(enrollRequestSchema, req.body);
    return store.redeemEnrollment(body.code, body.installId, body.branch);
  });

  // Event batches keep their bytes until admitted, then get their own JSON parser (batch-body.ts
  // says why); every other route keeps fastify's.
  void app.register(async (scope) => {
    const wholeBody = scope.getDefaultJsonParser('error', 'error');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: SYNC_BODY_LIMIT }, (_req, body, done) => done(null, body));
    const readBatch = (req: FastifyRequest) => {
      const body = req.body;
      if (!Buffer.isBuffer(body)) return body;
      // Any other shape, or a body that fails, gets fastify's parser: its object, or its error.
      return parseBatchBody(body) ?? new Promise<unknown>((resolve, reject) => wholeBody(req, body.toString('utf8'), (err, v) => (err ? reject(err) : resolve(v))));
    };
    scope.post('/api/sync/events', { bodyLimit: SYNC_BODY_LIMIT }, async (req, reply) => {
      const branch = await requireBranch(store, req);
      try {
        const r = await ingest.batch(branch, () => readBatch(req));
        if (r.kind === 'ok') return { stream: r.stream, ackSeq: r.ackSeq, inserted: r.inserted, duplicates: r.duplicates };
        if (r.kind === 'gap') {
          return reply.code(409).send({
            error: { code: 'SEQ_GAP', message: `Head office holds ${r.stream} up to ${r.ackSeq}; send from ${r.expectedSeq}.` },
            stream: r.stream,
            ackSeq: r.ackSeq,
            expectedSeq: r.expectedSeq,
          });
        }
        await store.raiseAlarm(branch, 'sequence_conflict', { stream: r.stream, conflictSeq: r.conflictSeq, hqSeq: r.ackSeq });
        return reply.code(409).send({
          error: { code: 'SEQ_CONFLICT', message: `Event ${r.conflictSeq} of ${r.stream} differs from the one head office holds: this branch's log is not the one it uploaded (restored from a backup?).` },
          stream: r.stream,
          ackSeq: r.ackSeq,
          conflictSeq: r.conflictSeq,
        });
      } catch (e) {
        if (isDomainError(e) && e.code === 'OVERLOADED') reply.header('retry-after', String(retryAfter.parse(e.details).retryAfterSeconds));
        throw e;
      }
    });
  });

  app.get('/api/sync/state', async (req) => {
    const branch = await requireBranch(store, req);
    parseInput(z.object({}).strict(), req.query, 'query');
    const [heads, b, latest] = await Promise.all([store.streamHeads(branch), store.branch(branch), store.latestConfig(branch)]);
    return {
      branch,
      streams: Object.fromEntries(heads.map((h) => [h.stream, h.head])),
      config: { latestVersion: latest?.version ?? 0, appliedVersion: b?.config_applied ?? null },
    };
  });

  app.get('/api/sync/config', async (req, reply) => {
    const branch = await requireBranch(store, req);
    const { after } = parseInput(z.object({ after: z.coerce.number().int().nonnegative().default(0) }).strict(), req.query, 'query');
    const latest = await store.latestConfig(branch);
    if (!latest || latest.version <= after) return reply.code(204).send();
    return { version: latest.version, snapshot: latest.body };
  });

  app.post('/api/sync/config/report', async (req) => {
    const branch = await requireBranch(store, req);
    const body = parseInput(configReportSchema, req.body);
    if (!(await store.reportConfig(branch, body.version, body.status, body.problems))) {
      throw new DomainError('UNKNOWN_CONFIG_VERSION', `Head office has no configuration version ${body.version} for this branch.`);
    }
    return { ok: true };
  });

  app.put('/api/sync/live', { bodyLimit: SYNC_BODY_LIMIT }, async (req) => {
    const branch = await requireBranch(store, req);
    const live = parseInput(livePushSchema, req.body);
    const { tickets, profile, ...rest } = live;
    await store.putLive(
      branch,
      rest,
      profile,
      tickets.map((t) => ({ id: t.id, view: t })),
      new Date(live.dayEndsAt),
    );
    return { ok: true, tickets: tickets.length };
  });

  app.post('/api/sync/alarms', async (req) => {
    const branch = await requireBranch(store, req);
    const body = parseInput(alarmReportSchema, req.body);
    await store.raiseAlarm(branch, body.kind, body);
    return { ok: true };
  });
}

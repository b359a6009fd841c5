/**
 * Head-office sync inside the branch service (`--hq URL [--enroll CODE]`): enrollment and the
 * credential in the data folder, the uploader on the event hub, configuration down, the live
 * picture and ticket positions, GET /api/sync/status for the dashboard, and the alerts when no
 * upload has succeeded for a while or the log was found restored from an older backup.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../common/errors.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { BranchStore } from '../db/branch-store.js';
import { createOutbox } from '../db/outbox.js';
import type { Db } from '../db/open-database.js';
import type { Condition } from '../server/alerts/rules.js';
import { requireRole, type Auth } from '../server/auth.js';
import type { BranchService } from '../server/branch-service.js';
import type { Logger } from '../server/logger.js';
import { Backoff } from './backoff.js';
import { ConfigPuller } from './config-puller.js';
import { installId, readCredential, writeCredential, type StoredCredential } from './credential-file.js';
import { HqClient } from './hq-client.js';
import { LivePusher, type LiveSources } from './live-pusher.js';
import { enrollAnswerSchema } from './protocol.js';
import { restoreAlarmSchema, Uploader, type RestoreAlarm } from './uploader.js';

export interface SyncOptions {
  /** Head office's URL (https, or http on this machine). */
  url: string;
  /** One-time enrollment code, used when the data folder has no credential for this head office. */
  enrollCode?: string;
  /** PEM file of a private CA that signed head office's certificate. */
  caFile?: string;
  /** Minutes without a successful upload before the dashboard alert (default 30). */
  alertAfterMinutes?: number;
  batchSize?: number;
  /** Uploader and live-push intervals (tests shorten them). */
  heartbeatMs?: number;
  liveDebounceMs?: number;
  backoff?: { baseMs: number; capMs: number };
}

export interface SyncDeps {
  http: FastifyInstance;
  service: BranchService;
  auth: Auth;
  store: BranchStore;
  db: Db;
  dataDir: string;
  log: Logger;
  devices: LiveSources['devices'];
  options: SyncOptions;
  /** Hands a configuration applied from head office to the running service. */
  activate(loaded: LoadedConfig): void;
}

export interface Sync {
  /** The base URL for tickets' QR codes once enrolled (head office's public ticket page). */
  publicBaseUrl(): string | undefined;
  conditions(): Condition[];
  /** Starts uploading, pulling and pushing (after the service listens). */
  start(alerts: LiveSources['alerts']): void;
  status(): ReturnType<typeof statusOf>;
  readonly uploader: Uploader;
  readonly config: ConfigPuller;
  readonly live: LivePusher;
  stop(): Promise<void>;
}

const ALARM_KEY = 'sync.alarm';
const ALARM_PENDING_KEY = 'sync.alarm_pending';
const ALARM_SHOWN_MS = 24 * 3_600_000;

function statusOf(credential: StoredCredential | undefined, url: string, uploader: Uploader, config: ConfigPuller, live: LivePusher, alarm: RestoreAlarm | undefined, enrollError: string | undefined) {
  const up = uploader.status();
  return {
    hq: url,
    enrolled: Boolean(credential),
    branch: credential?.branch ?? null,
    enrollError: enrollError ?? null,
    lastSuccessAt: up.lastSuccessAt ? new Date(up.lastSuccessAt).toISOString() : null,
    lastAttemptAt: up.lastAttemptAt ? new Date(up.lastAttemptAt).toISOString() : null,
    lastError: up.lastError,
    backlog: up.backlog,
    oldestUnsentAt: up.oldestUnsentAt,
    lagSeconds: up.oldestUnsentAt ? Math.max(0, Math.round((Date.now() - Date.parse(up.oldestUnsentAt)) / 1000)) : 0,
    streams: Object.fromEntries(Object.keys(up.heads).map((s) => [s, { head: up.heads[s], acked: up.acked[s] }])),
    config: config.status(),
    livePushAt: live.lastPushAt ? new Date(live.lastPushAt).toISOString() : null,
    alarm: alarm ?? null,
  };
}

export async function attachSync(deps: SyncDeps): Promise<Sync> {
  const { store, service, log, options } = deps;
  const ca = options.caFile ? readFileSync(options.caFile) : undefined;
  const client = new HqClient({ url: options.url, ca });
  const origin = client.base.origin;
  let credential = readCredential(deps.dataDir);
  if (credential && credential.hq !== origin && !options.enrollCode) {
    throw new DomainError('HQ_OTHER_ENROLLMENT', `This branch is enrolled with ${credential.hq}, not ${origin}; enroll it with a new code (--enroll CODE) to move it.`);
  }
  if (credential?.hq !== origin) credential = undefined;
  if (!credential && !options.enrollCode) {
    throw new DomainError('HQ_NOT_ENROLLED', `This branch is not enrolled with ${origin}: ask head office for a code (npm run hq -- enroll) and start with --enroll CODE.`);
  }
  client.setCredential(credential?.credential);
  let enrollError: string | undefined;

  /** One attempt; true when enrolled, false when head office could not be reached. */
  const enrollOnce = async (): Promise<boolean> => {
    const r = await client.request('POST', '/api/enroll', { code: options.enrollCode, installId: installId(deps.dataDir), branch: service.branchId }).catch((e: unknown) => {
      enrollError = (e as Error).message;
      return undefined;
    });
    if (!r) return false;
    if (r.status === 429 || r.status >= 500) {
      enrollError = `head office answered ${r.status}`;
      return false;
    }
    if (r.status !== 200) {
      const err = (r.body as { error?: { code?: string; message?: string } } | null)?.error;
      throw new DomainError('HQ_ENROLL_REFUSED', `Head office refused the enrollment code: ${err?.message ?? `answer ${r.status}`} [${err?.code ?? r.status}]`);
    }
    const a = enrollAnswerSchema.parse(r.body);
    credential = { hq: origin, branch: a.branch, credential: a.credential, enrolledAt: new Date().toISOString() };
    writeCredential(deps.dataDir, credential);
    client.setCredential(a.credential);
    enrollError = undefined;
    log.info({ hq: origin, branch: a.branch }, 'enrolled with head office; the credential is kept in the data folder');
    return true;
  };
  // A refused code stops the start (the person who typed it is watching); an unreachable head
  // office does not: the branch opens and keeps trying.
  if (!credential && options.enrollCode) await enrollOnce();

  const outbox = createOutbox(deps.db, store, () => service.branchId, () => service.durableEventId());
  const storedAlarm = (key: string): RestoreAlarm | undefined => {
    try {
      const p = restoreAlarmSchema.safeParse(JSON.parse(store.getMeta(key) || 'null'));
      return p.success ? p.data : undefined;
    } catch {
      return undefined;
    }
  };
  let alarm = storedAlarm(ALARM_KEY);

  const reportAlarm = async () => {
    const a = storedAlarm(ALARM_PENDING_KEY);
    if (!a || !credential) return;
    const r = await client
      .request('POST', '/api/sync/alarms', {
        kind: 'sequence_reset',
        stream: a.stream,
        localSeq: a.localSeq,
        hqSeq: a.hqSeq,
        detail: `The branch database's ${a.stream} log ended at ${a.localSeq} but head office held ${a.hqSeq}: restored from an older backup.${a.movedFrom ? ` Events from ${a.movedFrom} were renumbered after ${a.hqSeq}.` : ''}`,
      })
      .catch(() => undefined);
    if (r?.status === 200) store.setMeta(ALARM_PENDING_KEY, '');
  };

  const uploader = new Uploader({
    client,
    outbox,
    store,
    log,
    batchSize: options.batchSize,
    heartbeatMs: options.heartbeatMs,
    backoff: options.backoff,
    onAlarm(a) {
      alarm = a;
      store.setMeta(ALARM_KEY, JSON.stringify(a));
      store.setMeta(ALARM_PENDING_KEY, JSON.stringify(a));
      void reportAlarm();
    },
  });
  const config = new ConfigPuller({
    client,
    store,
    branchId: () => service.branchId,
    log,
    target: {
      store,
      record: (drafts, alongside) => service.record(drafts, alongside),
      clock: service.clock,
      activate: deps.activate,
    },
  });
  let alertsSource: LiveSources['alerts'] = () => [];
  const live = new LivePusher({
    client,
    log,
    debounceMs: options.liveDebounceMs,
    heartbeatMs: options.heartbeatMs,
    sources: { service, devices: deps.devices, alerts: () => alertsSource(), upload: () => uploader.status() },
  });

  deps.http.get('/api/sync/status', async (req) => {
    const p = deps.auth.authenticate(req.headers.authorization, service.clock());
    requireRole(p, 'lobby', 'supervisor', 'admin');
    return statusOf(credential, origin, uploader, config, live, alarm, enrollError);
  });

  let unsubscribe: (() => void) | undefined;
  let stopped = false;
  const startedAt = Date.now();

  const startWork = () => {
    uploader.start();
    config.start();
    live.start();
    void reportAlarm();
  };

  return {
    uploader,
    config,
    live,
    publicBaseUrl: () => (credential ? origin : undefined),
    status: () => statusOf(credential, origin, uploader, config, live, alarm, enrollError),
    conditions() {
      const out: Condition[] = [];
      const limitMs = (options.alertAfterMinutes ?? 30) * 60_000;
      const up = uploader.status();
      const since = up.lastSuccessAt ?? startedAt;
      const silent = Date.now() - since;
      if (silent > limitMs) {
        const mins = Math.floor(silent / 60_000);
        out.push({
          key: 'sync:stalled',
          kind: 'sync_stalled',
          severity: silent > 4 * limitMs ? 'critical' : 'warning',
          message: {
            zh: `已有 ${mins} 分钟未能上传到总行，待上传 ${up.backlog} 条事件（网点照常营业，恢复后自动补传）`,
            en: `No successful upload to head office for ${mins} min; ${up.backlog} events waiting (the branch works on; they are sent when the link is back)`,
          },
        });
      }
      if (alarm && Date.now() - alarm.at < ALARM_SHOWN_MS) {
        out.push({
          key: 'sync:restored',
          kind: 'sync_restored',
          severity: 'critical',
          message: {
            zh: `本网点数据库的事件记录落后于总行（${alarm.stream}：本地 ${alarm.localSeq}，总行 ${alarm.hqSeq}），数据库可能已从旧备份恢复。新事件已接续总行编号，请联系科技部门核对当日号票。`,
            en: `This branch database's ${alarm.stream} log is behind head office (${alarm.localSeq} here, ${alarm.hqSeq} at head office): it was likely restored from an older backup. New events continue after head office's numbers; ask IT to check today's tickets.`,
          },
        });
      }
      return out;
    },
    start(alerts) {
      alertsSource = alerts;
      unsubscribe = service.hub.subscribe(() => {
        uploader.kick();
        live.changed();
      });
      if (credential) {
        startWork();
        return;
      }
      // Enrollment could not reach head office at start: keep trying, then start.
      void (async () => {
        const backoff = new Backoff(options.backoff ?? { baseMs: 2000, capMs: 5 * 60_000 });
        while (!stopped) {
          try {
            if (await enrollOnce()) {
              startWork();
              return;
            }
          } catch (e) {
            enrollError = (e as Error).message;
            log.error({ err: enrollError }, 'head office refused the enrollment; sync stays off until the branch is enrolled with a new code');
            return;
          }
          await new Promise((r) => setTimeout(r, backoff.next()).unref());
        }
      })();
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      live.stop();
      await Promise.all([uploader.stop(), config.stop()]);
      client.close();
    },
  };
}

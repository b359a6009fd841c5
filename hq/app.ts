/**
 * The head-office server's composition root: database, ingest, HTTP(S) API, the hint socket,
 * the pages, and the upkeep timer (partitions ahead, expired ticket positions). `npm run hq`,
 * the tests and the benchmark start it through `startHqApp`.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createPlainServer } from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import { DomainError } from '../common/errors.js';
import { BUILT_PAGES_DIR, PACKAGE_VERSION } from '../common/package-layout.js';
import { createHttpServer } from '../server/http/http-server.js';
import { loadBuiltPages, registerPages, type PageDef } from '../server/http/pages.js';
import type { Logger } from '../server/logger.js';
import { acquireLock, newControlSecret, writeServerFile } from './control.js';
import { attachHints, type Hints } from './hints.js';
import { hqStatusOf } from './http/error-status.js';
import { registerControlRoutes } from './http/control-routes.js';
import { registerOperatorRoutes } from './http/operator-routes.js';
import { LOOPBACK } from './http/principals.js';
import { registerPublicRoutes } from './http/public-routes.js';
import { registerSyncRoutes } from './http/sync-routes.js';
import { Ingest } from './ingest.js';
import { openHqStore } from './open-store.js';
import { ensurePartitions } from './storage/partitions.js';
import type { HqStore } from './storage/hq-store.js';

export const HQ_PAGES: PageDef[] = [
  { entry: 'hq', title: '总行运营 · Head office', routes: ['/'] },
  { entry: 'hq-ticket', title: '排队进度 · Your place in the queue', routes: ['/t/:id'] },
];

const UPKEEP_MS = 3_600_000;

export const VERSION: string = PACKAGE_VERSION;

export interface HqAppOptions {
  dataDir: string;
  databaseUrl?: string;
  port: number;
  host: string;
  log: Logger;
  /** Certificate and key files (PEM); required unless the server listens on loopback only. */
  tls?: { certFile: string; keyFile: string };
  /** Batches allowed to wait for a database connection before 429 (default 4 per connection). */
  ingestQueue?: number;
  poolSize?: number;
  /** Enrollment attempts per minute per address (default 10; tests enroll many branches). */
  enrollPerMinute?: number;
}

export interface HqApp {
  url: string;
  port: number;
  store: HqStore;
  ingest: Ingest;
  hints: Hints;
  close(): Promise<void>;
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || host === 'localhost';
}

export async function startHqApp(opts: HqAppOptions): Promise<HqApp> {
  const { log } = opts;
  if (!opts.tls && !isLoopbackHost(opts.host)) {
    throw new DomainError('TLS_REQUIRED', `Head office listens on ${opts.host} only with TLS: give --tls-cert FILE --tls-key FILE (plain HTTP is for loopback only).`);
  }
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (opts.tls) {
    try {
      tls = { cert: readFileSync(opts.tls.certFile), key: readFileSync(opts.tls.keyFile) };
    } catch (e) {
      throw new DomainError('TLS_UNREADABLE', `Cannot read the TLS certificate or key: ${(e as Error).message}`);
    }
  }
  // The prebuilt pages are read before anything is opened: a missing one stops the start.
  const pages = loadBuiltPages(BUILT_PAGES_DIR, HQ_PAGES);
  // The embedded database belongs to one process; PostgreSQL does not need the lock.
  const releaseLock = acquireLock(opts.dataDir);
  let store: HqStore;
  try {
    store = await openHqStore({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl, poolSize: opts.poolSize });
  } catch (e) {
    releaseLock();
    throw e;
  }
  const concurrency = store.db.concurrency;
  const ingest = new Ingest(store, { concurrency, queue: opts.ingestQueue ?? Math.max(8, concurrency * 4) });
  const serverFactory: FastifyServerFactory | undefined = tls ? (handler) => createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : (handler) => createPlainServer(handler);
  const http = createHttpServer(log, { serverFactory, serviceName: 'head-office server', statusOf: hqStatusOf });
  const hints = attachHints(http.server, store, log);
  const secret = newControlSecret();
  registerPublicRoutes(http, { store, version: VERSION });
  registerSyncRoutes(http, { store, ingest, hints, enrollPerMinute: opts.enrollPerMinute });
  registerOperatorRoutes(http, { store, hints });
  registerControlRoutes(http, { store, secret });
  registerPages(http, pages);

  try {
    await http.listen({ port: opts.port, host: opts.host });
  } catch (e) {
    hints.close();
    await store.db.close();
    releaseLock();
    throw e;
  }
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const scheme = tls ? 'https' : 'http';
  const shownHost = isLoopbackHost(opts.host) || opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  const url = `${scheme}://${shownHost}:${port}`;
  const removeServerFile = writeServerFile(opts.dataDir, { pid: process.pid, url, secret, ...(opts.tls ? { ca: opts.tls.certFile } : {}) });

  const upkeep = setInterval(() => {
    void (async () => {
      try {
        const made = await ensurePartitions(store.db, Date.now());
        if (made.length) log.info({ partitions: made }, 'event partitions created');
        await store.purgeLiveTickets(new Date());
      } catch (err) {
        log.error({ err }, 'head-office upkeep failed; will retry');
      }
    })();
  }, UPKEEP_MS);
  upkeep.unref();

  return {
    url,
    port,
    store,
    ingest,
    hints,
    async close() {
      clearInterval(upkeep);
      hints.close();
      await http.close();
      await store.db.close();
      removeServerFile();
      releaseLock();
    },
  };
}

/**
 * The composition root of the branch service: configuration, database, engine, auth,
 * devices, HTTP API and stream, wired together. `npm run serve`, `npm start`, the tests and
 * (later) the Electron shell all start the service through `startBranchApp`.
 */
import { join } from 'node:path';
import { draft } from '../core/events.js';
import { BUILT_PAGES_DIR, PACKAGE_VERSION } from '../common/package-layout.js';
import { eventView } from '../core/public-view.js';
import { loadConfigFile, DEMO_CONFIG_PATH, type LoadedConfig } from '../config/load-config.js';
import { createBranchStore, type BranchStore } from '../db/branch-store.js';
import { createConfigStore } from '../db/config-store.js';
import { createKioskDeviceStore } from '../db/kiosk-device-store.js';
import { applyNumberingGuard } from '../db/numbering-guard.js';
import { openDatabase, type Db } from '../db/open-database.js';
import { Auth, type AuthSettings } from './auth.js';
import { BranchService, type Clock } from './branch-service.js';
import { attachCalling, type Calling } from './calling/index.js';
import { DeviceRegistry } from './devices.js';
import { EventHub } from './event-hub.js';
import { attachKiosk, type Kiosk } from './kiosk/attach-kiosk.js';
import { KioskDevices, registerKioskDeviceRoutes, TicketAdmission } from './kiosk/kiosk-devices.js';
import { attachInsights, type Insights } from './insights/attach-insights.js';
import { attachCare, type Care } from './care/index.js';
import { attachFeedback, type Feedback } from './feedback/index.js';
import { registerFaultRoutes } from './faults/routes.js';
import type { AlertSettings } from './alerts/rules.js';
import { registerApi } from './http/api.js';
import { createHttpServer } from './http/http-server.js';
import { loadBuiltPages, registerPages } from './http/pages.js';
import { attachStream, type StreamServer } from './http/stream.js';
import { addressSet } from './http/client-address.js';
import { OriginGuard } from './http/origin-guard.js';
import { EventRetention } from './event-retention.js';
import { StorageWatch } from './storage-watch.js';
import { rowErrorReporter, type Logger } from './logger.js';
import { seedDemoStaff, seedInitialAdmin, storeDemoStaff } from './staff-seed.js';
import { LiveConfig } from './live-config.js';
import { BranchConfiguration, configInForce } from './office/branch-configuration.js';
import { registerOfficeRoutes } from './office/office-routes.js';
import { StaffAdmin } from './office/staff-admin.js';
import type { FastifyInstance } from 'fastify';
import { appliedHqConfig } from '../sync/apply-config.js';
import { attachSync, registerSyncStatusUnconfigured, type Sync, type SyncOptions } from '../sync/attach-sync.js';

export interface BranchAppOptions {
  dataDir: string;
  configPath?: string;
  demo: boolean;
  port: number;
  host: string;
  log: Logger;
  clock?: Clock;
  /**
   * Device URIs from the command line; they override the configuration file's. In demo mode
   * every device that is not given is simulated (`sim`).
   */
  devices?: { printer?: string; cardReaders?: string[]; displays?: string[] };
  /** Overrides the configuration file's ticket rate limit (benchmarks and tests). */
  ticketRateLimitPerMinute?: number;
  /** Overrides the configuration file's alert settings (tests). */
  alertSettings?: Partial<AlertSettings>;
  /** The prebuilt pages (default: dist/renderer, made by `npm run build`). */
  pagesDir?: string;
  /** Sync with head office (`--hq URL [--enroll CODE]`). */
  hq?: SyncOptions;
}

export interface BranchApp {
  url: string;
  port: number;
  service: BranchService;
  /** The open database, for maintenance tools and tests (limits, integrity checks); queue code goes through the store. */
  db: Db;
  devices: DeviceRegistry;
  /** The configuration in force: the file, or the back office's edit of it. */
  config: LiveConfig;
  /** The back office's configuration edits. */
  configuration: BranchConfiguration;
  http: FastifyInstance;
  stream: StreamServer;
  /** Moves old events that head office holds out of the log (docs/security.md). */
  retention: EventRetention;
  /**
   * The branch's store, for what runs beside the queue rather than through it: the uploader
   * (syncAcked / setSyncAcked), maintenance tools and tests. Queue changes go through the service.
   */
  store: BranchStore;
  /** Ticket printer, card and ID readers, the device lab (issue #3). */
  kiosk: Kiosk;
  /** Counter displays, lobby board, call pads (issue #4). */
  calling: Calling;
  /** Dashboard, alerts, staffing advice, reports (issue #5). */
  insights: Insights;
  /** Satisfaction ratings, evaluators, staff performance (issue #13). */
  feedback: Feedback;
  care: Care;
  /** Head-office sync, when the service was started with --hq. */
  sync?: Sync;
  credentialsFile?: string;
  initialAdminFile?: string;
  close(): Promise<void>;
}

/** The sign-in settings of a configuration's security section. */
function authSettings(security: LoadedConfig['file']['security']): AuthSettings {
  return { ...security, loginsPerMinutePerAddress: security.limits.loginsPerMinutePerAddress };
}

export const VERSION = PACKAGE_VERSION;

export async function startBranchApp(opts: BranchAppOptions): Promise<BranchApp> {
  const { log } = opts;
  const clock = opts.clock ?? Date.now;
  // The configuration is checked before anything is opened: a broken file starts nothing.
  const fileConfig = loadConfigFile(opts.configPath ?? DEMO_CONFIG_PATH);
  // So are the pages: a kiosk must never get a page whose script is missing.
  const pages = loadBuiltPages(opts.pagesDir ?? BUILT_PAGES_DIR);
  const dbPath = join(opts.dataDir, 'branch.db');
  const db = openDatabase(dbPath);
  // A stop after the database files changed left the numbers issued so far: continue after them.
  const restored = (() => {
    try {
      return applyNumberingGuard(db, dbPath);
    } catch (e) {
      db.close();
      throw e;
    }
  })();
  if (restored) log.warn({ file: restored.file, raised: restored.raised }, 'numbering restored after the database files had changed: lost numbers are skipped, never issued again');
  const storageWatch = new StorageWatch(log);
  const store = createBranchStore(db, { reportRowError: rowErrorReporter(log), onStorageHalt: storageWatch.onHalt });
  try {
    const versions = createConfigStore(db, { reportRowError: rowErrorReporter(log) });
    // The base is what head office last sent, else the file; in force is the back office's edit
    // of that same base, else the base itself (decision record 0010).
    const base = appliedHqConfig(store, fileConfig.queue.branch.id, log) ?? fileConfig;
    const config = new LiveConfig(configInForce(base, versions, log));
    const hub = new EventHub(log);
    const service = new BranchService(store, config.queue, hub, clock, log);
    const security = config.file.security;
    const auth = new Auth(
      store,
      authSettings(security),
      {
        trustedAddresses: addressSet(security.kioskAddresses),
        onLocked: (staffId, until, address) => service.record([draft('staff.login_locked', clock(), { staffId, until, address })]),
      },
    );

    const configuration = new BranchConfiguration({
      service,
      live: config,
      versions,
      base,
      meta: { get: (k) => store.getMeta(k), set: (k, v) => store.setMeta(k, v) },
    });
    configuration.recordStart();
    config.onChange((c) => {
      service.updateConfig(c.queue);
      auth.updateSettings(authSettings(c.file.security));
    });

    // A new demo branch's staff file is written now and their PINs hashed once the service
    // listens (sign-ins wait for them); a first admin's one PIN is hashed while this thread
    // builds the rest, before it listens.
    const demoSeed = opts.demo ? seedDemoStaff(opts.dataDir, config.queue, store) : undefined;
    const seedingAdmin = opts.demo ? Promise.resolve(undefined) : seedInitialAdmin(opts.dataDir, store, auth);
    // Handled where it is awaited; this only keeps a failure meanwhile from counting as unhandled.
    seedingAdmin.catch(() => undefined);

    const devices = new DeviceRegistry(log);
    devices.bind(service);

    const limits = security.limits;
    let port = opts.port;
    const origins = new OriginGuard({ port: () => port, allowedHosts: security.allowedHosts, publicBaseUrl: config.file.publicBaseUrl });
    const http = createHttpServer(log, {
      durable: () => service.durable(),
      admit: (req) => origins.check(req),
      requestTimeoutMs: limits.requestTimeoutSeconds * 1000,
      connectionsPerAddress: limits.connectionsPerAddress,
      connections: limits.connections,
      trustedAddresses: addressSet(security.kioskAddresses),
    });
    // The customer file links visits through the kiosk's card reads (care is attached below).
    let sync: Sync | undefined;
    const late: { care?: Care } = {};
    const kiosk = attachKiosk({
      http,
      service,
      auth,
      devices,
      config,
      demo: opts.demo,
      dataDir: opts.dataDir,
      host: opts.host,
      uris: opts.devices,
      log,
      publicBaseUrl: () => sync?.publicBaseUrl(),
      onTicketIdentity: (ticketId, who) => late.care?.customers.ticketIdentified(ticketId, who),
    });
    const kioskDevices = new KioskDevices(createKioskDeviceStore(db, { reportRowError: rowErrorReporter(log) }));
    registerKioskDeviceRoutes(http, { devices: kioskDevices, auth, clock, log });
    registerApi(http, {
      service,
      auth,
      devices,
      kiosk: kiosk.ticketHooks,
      version: VERSION,
      admission: new TicketAdmission(kioskDevices, addressSet(security.kioskAddresses), {
        perSource: opts.ticketRateLimitPerMinute ?? security.ticketRateLimitPerMinute,
        // The override (benchmarks, tests) lifts the branch's limit with the per-kiosk one.
        perBranch: Math.max(limits.ticketsPerMinutePerBranch, opts.ticketRateLimitPerMinute ?? 0),
        requireKioskKey: security.requireKioskKey,
      }),
      startedAt: Date.now(),
      storage: storageWatch,
    });
    const alertSettings = {
      idleGraceMinutes: config.file.alerts.idleGraceMinutes,
      intervalMs: config.file.alerts.checkEverySeconds * 1000,
      ...opts.alertSettings,
    };
    const feedback = attachFeedback({ http, service, auth, registry: devices, db, config, demo: opts.demo, log });
    registerFaultRoutes(http, { service, auth });
    const care = attachCare({ http, service, auth, db, config, log });
    late.care = care;
    const insights = attachInsights({
      http,
      service,
      auth,
      devices,
      db,
      log,
      alertSettings,
      reportExtras: (from, to) => feedback.reportExtras(from, to),
      extraConditions: () => [...(sync?.conditions() ?? []), ...care.alertConditions(service.clock())],
    });
    const staff = new StaffAdmin({ auth, service, store });
    registerOfficeRoutes(http, { service, auth, staff, configuration });
    if (opts.hq) {
      sync = await attachSync({
        http,
        service,
        auth,
        store,
        db,
        dataDir: opts.dataDir,
        log,
        devices: () => devices.list(),
        options: opts.hq,
        // Head office's configuration becomes the new base: in force at once (the engine and
        // sign-in through the live configuration's listeners), and the back office edits it next.
        activate(loaded) {
          configuration.rebase(loaded);
        },
      });
    } else registerSyncStatusUnconfigured(http, auth, service);
    registerPages(http, pages);
    const calling = attachCalling({ http, service, auth, registry: devices, config, demo: opts.demo, displays: opts.devices?.displays, log });
    const initialAdminFile = await seedingAdmin;
    await http.listen({ port: opts.port, host: opts.host });
    // Held before this turn ends, so no sign-in is read before it.
    const demoStaffStored = demoSeed
      ? storeDemoStaff(auth, demoSeed.unstored).catch((e: unknown) => {
          log.error({ err: e }, 'could not store the demo staff; the next start stores them from the credentials file');
        })
      : Promise.resolve();
    auth.holdSignInsUntil(demoStaffStored);
    const stream = attachStream({
      server: http.server,
      log: service,
      hub,
      logger: log,
      limits: { clients: limits.streamClients, clientsPerAddress: limits.streamClientsPerAddress, replayEvents: limits.replayEvents },
      trustedAddresses: addressSet(config.file.security.kioskAddresses),
      isStaffToken: (token) => auth.isLive(token, clock()),
      admit: (req) => origins.check(req, true),
      view: eventView,
    });
    const retention = new EventRetention(store, { dataDir: opts.dataDir, eventDays: config.file.retention.eventDays, clock, log });
    const address = http.server.address();
    port = typeof address === 'object' && address ? address.port : opts.port;
    kiosk.listening(port);
    // From here on, the commands of one turn of the event loop share one fsync; every answer
    // waits until what it reports is durable (createHttpServer's onSend hook).
    service.groupCommits();
    service.startDayWatch();
    devices.startAll();
    insights.start();
    feedback.start();
    care.start();
    insights.alerts.addSource(() => storageWatch.alerts());
    storageWatch.start(store);
    retention.start();
    sync?.start(() => insights.alerts.list());

    return {
      url: `http://127.0.0.1:${port}`,
      port,
      service,
      db,
      devices,
      config,
      configuration,
      http,
      stream,
      retention,
      store,
      calling,
      kiosk,
      insights,
      feedback,
      care,
      sync,
      credentialsFile: demoSeed?.file,
      initialAdminFile,
      async close() {
        await demoStaffStored;
        await sync?.stop();
        service.stop();
        storageWatch.stop();
        retention.stop();
        insights.stop();
        await feedback.stop();
        care.stop();
        stream.close();
        await devices.stopAll();
        await kiosk.close();
        await calling.stop();
        await http.close();
        try {
          service.flush();
        } finally {
          store.close();
        }
      },
    };
  } catch (e) {
    store.close();
    throw e;
  }
}

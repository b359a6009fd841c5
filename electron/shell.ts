/**
 * The kiosk shell, composed: lock-down of the session and of every web contents, the supervised
 * branch service, the windows on their screens, the staff exit, the power-save blocker and the
 * orderly shutdown. No business logic: everything a customer or teller does happens in the
 * pages and the service.
 */
import type { StaffAction } from './channels.js';
import { guardSession, guardWebContents, SHELL_SCHEME } from './hardening.js';
import { attachKioskKey } from './kiosk-key.js';
import type { RotatingFile, ShellLog } from './log-files.js';
import type { ElectronPorts } from './ports.js';
import { ServiceSupervisor, type ServiceStatus } from './service-supervisor.js';
import type { ShellConfig } from './settings.js';
import { shellPageHandler } from './shell-protocol.js';
import { servicePinChecker, StaffExit } from './staff-exit.js';
import type { Timers } from './timers.js';
import { ShellWindows, type PolicyRegistry } from './windows.js';

export interface ShellPaths {
  kioskPreload: string;
  staffPreload: string;
  pagesDir: string;
}

export interface ShellDeps {
  log: ShellLog;
  serviceOutput: RotatingFile | null;
  echoServiceOutput?: (line: string) => void;
  fetch?: typeof fetch;
  timers?: Timers;
  env: Record<string, string | undefined>;
  killHard?: (pid: number) => void;
  /** Installs the start-at-login entry (packaged kiosks only). */
  installAutostart?: () => void;
}

export interface Shell {
  supervisor: ServiceSupervisor;
  windows: ShellWindows;
  staff: StaffExit;
  policies: PolicyRegistry;
  /** Stops the service, lets the windows close and exits the app. */
  shutdown(reason: string): Promise<void>;
}

export function startShell(ports: ElectronPorts, config: ShellConfig, paths: ShellPaths, deps: ShellDeps): Shell {
  const { app } = ports;
  const { log } = deps;
  const policies: PolicyRegistry = new Map();

  ports.setApplicationMenu(null);
  ports.protocol.handle(SHELL_SCHEME, shellPageHandler(paths.pagesDir));

  const supervisor = new ServiceSupervisor({
    entry: config.serviceEntry,
    args: config.serviceArgs,
    env: deps.env,
    fork: ports.fork,
    log,
    output: deps.serviceOutput,
    echo: deps.echoServiceOutput,
    startTimeoutMs: config.startTimeoutMs,
    timers: deps.timers,
    killHard: deps.killHard,
  });
  const origin = () => supervisor.origin;
  const isAppUrl = (url: string) => {
    const o = origin();
    try {
      return o !== undefined && new URL(url).origin === o;
    } catch {
      return false;
    }
  };

  guardSession(ports.session, isAppUrl, log);
  app.on('web-contents-created', (_e, contents) => guardWebContents(contents, () => policies.get(contents.id), log));

  const windows = new ShellWindows({
    createWindow: ports.createWindow,
    screen: ports.screen,
    kioskMode: config.kioskMode,
    screens: config.screens,
    kioskPreload: paths.kioskPreload,
    origin,
    serviceFailures: () => supervisor.consecutiveFailures,
    policies,
    log,
    timers: deps.timers,
  });

  // The kiosk's ticket requests carry its key; without one the service counts them by address.
  if (config.kioskKey) {
    const key = config.kioskKey;
    attachKioskKey(
      ports.session,
      key,
      () => {
        const kiosk = windows.get('kiosk');
        const live = kiosk && !kiosk.isDestroyed() && !kiosk.webContents.isDestroyed() ? kiosk.webContents : undefined;
        return { origin: origin(), kioskContentsId: live?.id, kioskPageUrl: live?.getURL() };
      },
      log,
    );
    log.info('kiosk key loaded', { kioskId: key.id, file: config.kioskKeyFile });
    if (config.kioskKeyFile && config.kioskKeyReadableByOthers) {
      log.warn('the kiosk key file can be read by other accounts on this PC; make it readable by the kiosk user only (chmod 600)', { file: config.kioskKeyFile });
    }
  } else if (config.kioskKeyFile) {
    log.warn('kiosk not enrolled: its tickets count as those of its address', { keyFile: config.kioskKeyFile });
  }

  // The touch screen and the lobby TV stay on all day.
  const blocker = ports.powerSaveBlocker.start('prevent-display-sleep');
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    shuttingDown ??= (async () => {
      log.info('shutting down', { reason });
      staff.close();
      windows.closeAll();
      await supervisor.stop();
      if (ports.powerSaveBlocker.isStarted(blocker)) ports.powerSaveBlocker.stop(blocker);
      app.exit(0);
    })();
    return shuttingDown;
  };

  const actions: Record<StaffAction, () => void | Promise<void>> = {
    exit: () => shutdown('staff exit to the desktop'),
    reload: () => windows.reloadAll('staff menu'),
    lab: () => windows.showLab(),
    kiosk: () => windows.showKiosk(),
    'restart-service': () => supervisor.restart('staff menu'),
  };
  const staff = new StaffExit({
    ipcMain: ports.ipcMain,
    createWindow: ports.createWindow,
    policies,
    kioskWindow: () => windows.get('kiosk'),
    origin,
    checkPin: servicePinChecker(origin, deps.fetch),
    actions,
    staffPreload: paths.staffPreload,
    kioskMode: config.kioskMode,
    log,
    timers: deps.timers,
  });
  staff.register();

  supervisor.onChange((s: ServiceStatus) => {
    if (s.state === 'ready') windows.serviceReady();
    else if (s.state === 'waiting' || s.state === 'starting') windows.serviceDown();
  });

  app.on('child-process-gone', (_e, d) => {
    if (d.type === 'GPU') windows.gpuLost(d.reason);
  });
  app.on('second-instance', () => windows.get('kiosk')?.focus());
  app.on('window-all-closed', () => {
    // The kiosk's windows close only through the staff menu; a developer's windows quit the app.
    if (!config.kioskMode) void shutdown('all windows closed');
  });
  app.on('before-quit', (e) => {
    if (shuttingDown) return;
    e.preventDefault();
    void shutdown('quit requested');
  });

  log.info('shell started', { kioskMode: config.kioskMode, settings: config.settingsFile, entry: config.serviceEntry, data: config.dataDir });
  windows.open();
  supervisor.start();
  if (config.kioskMode && config.autostart) deps.installAutostart?.();

  return { supervisor, windows, staff, policies, shutdown };
}

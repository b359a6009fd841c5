/**
 * The shell's windows: the kiosk page on the touch screen in kiosk mode, the lobby display on a
 * second screen when one is connected (following screens as they come and go), and what each
 * shows: the calm "starting" page until the branch service is ready, then the app page. A
 * window whose renderer crashes, hangs or loses its GPU is reloaded; a page that cannot load
 * falls back to the starting page, never a browser error page. While the service is away, a
 * loaded page stays and shows its own offline state.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { hardenedWebPreferences, lockDownInput, NavigationPolicy, SHELL_ORIGIN, type WindowRole } from './hardening.js';
import type { ShellLog } from './log-files.js';
import type { DisplayInfo, ScreenPort, WindowFactory, WindowPort } from './ports.js';
import { assignScreens, type ScreenChoice } from './screens.js';
import { realTimers, type Timers } from './timers.js';

export type AppRole = Exclude<WindowRole, 'staff'>;

/** Navigation policies by web contents id, read by the guards on every navigation. */
export type PolicyRegistry = Map<number, NavigationPolicy>;

export interface ShellWindowsOptions {
  createWindow: WindowFactory;
  screen: ScreenPort;
  /** false: ordinary windows with devtools (a developer's desktop); true: the locked kiosk. */
  kioskMode: boolean;
  screens: ScreenChoice;
  kioskPreload: string;
  /** The service's origin while it is ready. */
  origin: () => string | undefined;
  /** Start failures in a row: after a few, the starting page asks customers to see staff. */
  serviceFailures: () => number;
  policies: PolicyRegistry;
  log: ShellLog;
  timers?: Timers;
  /** How long a hung renderer gets before it is killed and reloaded. */
  hangGraceMs?: number;
  /** How long the device lab may stay on the kiosk screen before the kiosk page comes back. */
  labMinutes?: number;
  reloadBackoff?: BackoffPolicy;
}

export const APP_PATHS: Record<AppRole, string> = { kiosk: '/kiosk', lobby: '/display' };
export const STARTING_PAGE = `${SHELL_ORIGIN}/starting.html`;
export const UNAVAILABLE_PAGE = `${SHELL_ORIGIN}/unavailable.html`;
const FAILURES_BEFORE_UNAVAILABLE = 3;
const ERR_ABORTED = -3;

interface Managed {
  role: AppRole;
  win: WindowPort;
  display: DisplayInfo;
  /** The app page this window shows when the service is ready. */
  path: string;
  /** The URL last asked for. */
  loading: string;
  crashes: number;
  lastCrashAt: number;
  hangTimer: unknown;
  retryTimer: unknown;
  killing: boolean;
  allowClose: boolean;
}

const sameBounds = (a: DisplayInfo, b: DisplayInfo) =>
  a.id === b.id && a.bounds.x === b.bounds.x && a.bounds.y === b.bounds.y && a.bounds.width === b.bounds.width && a.bounds.height === b.bounds.height;

export class ShellWindows {
  private readonly windows = new Map<AppRole, Managed>();
  private readonly timers: Timers;
  private labTimer: unknown;
  private quitting = false;

  constructor(private readonly o: ShellWindowsOptions) {
    this.timers = o.timers ?? realTimers;
  }

  get(role: AppRole): WindowPort | undefined {
    return this.windows.get(role)?.win;
  }

  /** Opens the windows on the right screens and keeps them there as screens change. */
  open(): void {
    this.arrange();
    const rearrange = () => this.arrange();
    this.o.screen.on('display-added', rearrange);
    this.o.screen.on('display-removed', rearrange);
    this.o.screen.on('display-metrics-changed', rearrange);
  }

  /** Chooses screens again and creates, moves or closes windows to match. */
  arrange(): void {
    if (this.quitting) return;
    const a = assignScreens(this.o.screen.getAllDisplays(), this.o.screen.getPrimaryDisplay(), this.o.screens);
    this.place('kiosk', a.kiosk);
    if (a.lobby) this.place('lobby', a.lobby);
    else if (this.windows.has('lobby')) {
      this.o.log.info('lobby screen gone: closing the lobby display window');
      this.closeWindow('lobby');
    }
  }

  /** The service became ready (first start or restart): every window loads its app page again. */
  serviceReady(): void {
    for (const m of this.windows.values()) this.load(m);
  }

  /** The service is starting or restarting: windows on the starting page switch to "see staff" after repeated failures. */
  serviceDown(): void {
    for (const m of this.windows.values()) {
      if (m.loading.startsWith(SHELL_ORIGIN) && m.loading !== this.target(m)) this.load(m);
    }
  }

  reloadAll(reason: string): void {
    this.o.log.info('reloading windows', { reason });
    for (const m of this.windows.values()) this.load(m);
  }

  /** The GPU process went away: pages may be left black, so reload them all. */
  gpuLost(reason: string): void {
    this.o.log.warn('GPU process gone: reloading windows', { reason });
    for (const m of this.windows.values()) this.load(m);
  }

  /** Shows the device lab on the kiosk screen for a while (staff menu), then the kiosk again. */
  showLab(): void {
    const m = this.windows.get('kiosk');
    if (!m) return;
    m.path = '/lab';
    this.load(m);
    if (this.labTimer !== undefined) this.timers.clearTimeout(this.labTimer);
    this.labTimer = this.timers.setTimeout(() => {
      this.labTimer = undefined;
      this.showKiosk();
    }, (this.o.labMinutes ?? 10) * 60_000);
  }

  showKiosk(): void {
    const m = this.windows.get('kiosk');
    if (!m || m.path === APP_PATHS.kiosk) return;
    m.path = APP_PATHS.kiosk;
    this.load(m);
  }

  /** Lets the windows close (exit to desktop). */
  closeAll(): void {
    this.quitting = true;
    for (const role of [...this.windows.keys()]) this.closeWindow(role);
  }

  private target(m: Managed): string {
    const origin = this.o.origin();
    if (origin) return origin + m.path;
    return this.o.serviceFailures() >= FAILURES_BEFORE_UNAVAILABLE ? UNAVAILABLE_PAGE : STARTING_PAGE;
  }

  private load(m: Managed): void {
    if (m.win.isDestroyed()) return;
    if (m.retryTimer !== undefined) this.timers.clearTimeout(m.retryTimer);
    m.retryTimer = undefined;
    const url = this.target(m);
    m.loading = url;
    // Failures are handled by 'did-fail-load'; the promise only reports them again.
    void m.win.webContents.loadURL(url).catch(() => undefined);
  }

  private place(role: AppRole, display: DisplayInfo): void {
    const m = this.windows.get(role);
    if (!m) {
      this.create(role, display);
      return;
    }
    if (sameBounds(m.display, display)) return;
    this.o.log.info('moving window to another screen', { role, display: display.label || display.id });
    m.display = { ...display, bounds: { ...display.bounds } };
    const fullscreen = this.o.kioskMode;
    if (fullscreen) {
      if (role === 'kiosk') m.win.setKiosk(false);
      else m.win.setFullScreen(false);
    }
    m.win.setBounds({ ...display.bounds });
    if (fullscreen) {
      if (role === 'kiosk') m.win.setKiosk(true);
      else m.win.setFullScreen(true);
    }
  }

  private windowOptions(role: AppRole, display: DisplayInfo): BrowserWindowConstructorOptions {
    const locked = this.o.kioskMode;
    const common: BrowserWindowConstructorOptions = {
      show: false,
      ...display.bounds,
      backgroundColor: '#f3f5f7',
      autoHideMenuBar: true,
      frame: !locked,
      resizable: !locked,
      movable: !locked,
      minimizable: !locked,
      maximizable: !locked,
      closable: !locked,
      skipTaskbar: locked,
      fullscreen: locked,
    };
    if (role === 'kiosk') {
      return {
        ...common,
        title: '取号 · Take a number',
        kiosk: locked,
        alwaysOnTop: locked,
        webPreferences: hardenedWebPreferences('kiosk', { preload: this.o.kioskPreload, devTools: !locked }),
      };
    }
    return {
      ...common,
      title: '大厅显示屏 · Lobby display',
      // The lobby screen never takes the focus (or the keyboard) from the touch screen.
      focusable: !locked,
      webPreferences: hardenedWebPreferences('lobby', { devTools: !locked }),
    };
  }

  private create(role: AppRole, display: DisplayInfo): void {
    this.o.log.info('opening window', { role, display: display.label || display.id });
    const win = this.o.createWindow(this.windowOptions(role, display));
    const m: Managed = { role, win, display: { ...display, bounds: { ...display.bounds } }, path: APP_PATHS[role], loading: '', crashes: 0, lastCrashAt: 0, hangTimer: undefined, retryTimer: undefined, killing: false, allowClose: false };
    this.windows.set(role, m);
    this.o.policies.set(win.webContents.id, new NavigationPolicy(this.o.origin, [APP_PATHS[role]], ['/starting.html', '/unavailable.html']));
    if (this.o.kioskMode) lockDownInput(win.webContents);
    this.watch(m);
    if (role === 'kiosk') win.show();
    else win.showInactive();
    this.load(m);
  }

  private closeWindow(role: AppRole): void {
    const m = this.windows.get(role);
    if (!m) return;
    this.windows.delete(role);
    m.allowClose = true;
    this.clearTimers(m);
    this.o.policies.delete(m.win.webContents.id);
    if (!m.win.isDestroyed()) m.win.close();
  }

  private clearTimers(m: Managed): void {
    if (m.hangTimer !== undefined) this.timers.clearTimeout(m.hangTimer);
    if (m.retryTimer !== undefined) this.timers.clearTimeout(m.retryTimer);
    m.hangTimer = m.retryTimer = undefined;
  }

  private watch(m: Managed): void {
    const { win } = m;
    const wc = win.webContents;
    // Customers cannot close the kiosk (Alt+F4, a window manager's close): only the shell can.
    win.on('close', (e) => {
      if (!m.allowClose && !this.quitting && this.o.kioskMode) {
        e.preventDefault();
        this.o.log.warn('window close refused', { role: m.role });
      }
    });
    win.on('closed', () => {
      this.clearTimers(m);
      if (this.windows.get(m.role) === m) {
        this.windows.delete(m.role);
        this.o.policies.delete(wc.id);
        // Closed from outside the shell: put it back where it belongs.
        if (!this.quitting) this.timers.setTimeout(() => this.arrange(), 0);
      }
    });

    wc.on('render-process-gone', (_e, details) => {
      if (m.killing) {
        m.killing = false;
        return;
      }
      if (details.reason === 'clean-exit') return;
      this.o.log.error('page crashed: reloading it', { role: m.role, reason: details.reason, exitCode: details.exitCode });
      this.reloadAfterCrash(m);
    });
    win.on('unresponsive', () => {
      if (m.hangTimer !== undefined) return;
      this.o.log.warn('page not responding', { role: m.role });
      m.hangTimer = this.timers.setTimeout(() => {
        m.hangTimer = undefined;
        if (win.isDestroyed()) return;
        this.o.log.error('page still not responding: restarting its renderer', { role: m.role });
        // forcefullyCrashRenderer makes a fresh renderer for the next load; its 'gone' event is ours.
        m.killing = true;
        wc.forcefullyCrashRenderer();
        this.load(m);
      }, this.o.hangGraceMs ?? 15_000);
    });
    win.on('responsive', () => {
      if (m.hangTimer === undefined) return;
      this.timers.clearTimeout(m.hangTimer);
      m.hangTimer = undefined;
      this.o.log.info('page responding again', { role: m.role });
    });
    wc.on('did-fail-load', (_e, code, description, url, isMainFrame) => {
      if (!isMainFrame || code === ERR_ABORTED) return;
      this.o.log.warn('page failed to load', { role: m.role, code, description, url: url.startsWith(SHELL_ORIGIN) ? url : undefined });
      if (url.startsWith(SHELL_ORIGIN)) return; // the shell's own page: nothing better to show
      // Show the calm page instead of Chromium's error page, and try the app page again soon.
      m.loading = this.o.serviceFailures() >= FAILURES_BEFORE_UNAVAILABLE ? UNAVAILABLE_PAGE : STARTING_PAGE;
      void wc.loadURL(m.loading).catch(() => undefined);
      if (this.o.origin()) {
        m.retryTimer = this.timers.setTimeout(() => {
          m.retryTimer = undefined;
          this.load(m);
        }, 2_000);
      }
    });
  }

  private reloadAfterCrash(m: Managed): void {
    const now = this.timers.now();
    const policy = this.o.reloadBackoff ?? DEFAULT_BACKOFF;
    m.crashes = now - m.lastCrashAt > policy.stableAfterMs ? 1 : m.crashes + 1;
    m.lastCrashAt = now;
    // The first crash reloads at once; a page that keeps crashing is reloaded ever more slowly.
    const delay = m.crashes <= 1 ? 0 : backoffDelay(m.crashes - 1, policy);
    if (delay === 0) {
      this.load(m);
      return;
    }
    if (m.retryTimer !== undefined) this.timers.clearTimeout(m.retryTimer);
    m.retryTimer = this.timers.setTimeout(() => {
      m.retryTimer = undefined;
      this.load(m);
    }, delay);
  }
}

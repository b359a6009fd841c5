/**
 * A stand-in for the Electron binary, which cannot run here: the same interfaces the shell's
 * main.ts fills with the real Electron objects (electron/ports.ts), with the events a test
 * needs to raise (a crash, a hang, a screen plugged in, a renderer IPC message). Every decision
 * the shell takes runs unchanged on it.
 */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { BrowserWindowConstructorOptions } from 'electron';
import type {
  AppPort,
  BeforeSendHeadersDetails,
  CompletedDetails,
  DisplayInfo,
  ElectronPorts,
  ForkOptionsPort,
  HeadersReceivedDetails,
  InputInfo,
  IpcEventInfo,
  IpcMainPort,
  PermissionCheckHandler,
  PermissionRequestHandler,
  Preventable,
  Rect,
  ServiceProcess,
  SessionPort,
  WebContentsPort,
  WindowPort,
} from '../../electron/ports.js';
import type { Timers } from '../../electron/timers.js';

let nextId = 1;

export function preventable<T extends object>(extra: T): T & Preventable & { defaultPrevented: boolean } {
  const e = {
    ...extra,
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
  };
  return e;
}

export class FakeWebContents extends EventEmitter implements WebContentsPort {
  readonly id = nextId++;
  readonly loads: string[] = [];
  readonly css: string[] = [];
  zoomLimits: [number, number] | undefined;
  zoomFactor = 1;
  crashedByShell = 0;
  destroyed = false;
  /** URLs (prefixes) that fail to load, as when the service is down. */
  failing: string[] = [];
  openHandler: ((d: { url: string }) => { action: 'deny' } | { action: 'allow' }) | undefined;
  private url = '';

  getURL(): string {
    return this.url;
  }
  async loadURL(url: string): Promise<void> {
    this.loads.push(url);
    if (this.failing.some((p) => url.startsWith(p))) {
      this.emit('did-fail-load', {}, -102, 'ERR_CONNECTION_REFUSED', url, true);
      throw new Error('ERR_CONNECTION_REFUSED');
    }
    this.url = url;
    this.emit('did-finish-load');
  }
  reload(): void {
    void this.loadURL(this.url);
  }
  forcefullyCrashRenderer(): void {
    this.crashedByShell++;
    this.emit('render-process-gone', {}, { reason: 'killed', exitCode: 9 });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }): void {
    this.openHandler = handler;
  }
  async setVisualZoomLevelLimits(min: number, max: number): Promise<void> {
    this.zoomLimits = [min, max];
  }
  setZoomFactor(f: number): void {
    this.zoomFactor = f;
  }
  async insertCSS(css: string): Promise<string> {
    this.css.push(css);
    return 'key';
  }

  /** The page tries to navigate; returns true when the shell refused. */
  navigate(url: string, kind: 'will-navigate' | 'will-redirect' | 'will-frame-navigate' = 'will-navigate'): boolean {
    const e = preventable({ url });
    this.emit(kind, e);
    return e.defaultPrevented;
  }
  /** A key press reaches the window; returns true when the shell swallowed it. */
  key(input: Partial<InputInfo>): boolean {
    const e = preventable({});
    this.emit('before-input-event', e, { type: 'keyDown', key: 'a', control: false, meta: false, alt: false, ...input });
    return e.defaultPrevented;
  }
  raise(event: 'context-menu' | 'will-attach-webview' | 'zoom-changed'): boolean {
    const e = preventable({});
    this.emit(event, e);
    return e.defaultPrevented;
  }
  crash(reason = 'crashed'): void {
    this.emit('render-process-gone', {}, { reason, exitCode: 139 });
  }
}

export class FakeWindow extends EventEmitter implements WindowPort {
  readonly id = nextId++;
  readonly webContents = new FakeWebContents();
  bounds: Rect;
  kiosk: boolean;
  fullscreen: boolean;
  shown: 'no' | 'active' | 'inactive' = 'no';
  destroyed = false;
  focused = 0;

  constructor(
    readonly options: Omit<BrowserWindowConstructorOptions, 'parent'>,
    readonly parent?: WindowPort,
  ) {
    super();
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
    this.kiosk = options.kiosk ?? false;
    this.fullscreen = options.fullscreen ?? false;
  }
  setBounds(b: Partial<Rect>): void {
    this.bounds = { ...this.bounds, ...b };
  }
  setKiosk(flag: boolean): void {
    this.kiosk = flag;
  }
  setFullScreen(flag: boolean): void {
    this.fullscreen = flag;
  }
  setAlwaysOnTop(): void {}
  show(): void {
    this.shown = 'active';
  }
  showInactive(): void {
    this.shown = 'inactive';
  }
  focus(): void {
    this.focused++;
  }
  /** Like a window manager's close (Alt+F4) or the app's own: the shell may refuse. Returns true when closed. */
  close(): boolean {
    if (this.destroyed) return true;
    const e = preventable({});
    this.emit('close', e);
    if (e.defaultPrevented) return false;
    this.destroy();
    return true;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeApp extends EventEmitter implements AppPort {
  isPackaged = false;
  exitCode: number | undefined;
  loginItem: boolean | undefined;
  requestSingleInstanceLock(): boolean {
    return true;
  }
  async whenReady(): Promise<void> {}
  quit(): void {
    const e = preventable({});
    this.emit('before-quit', e);
  }
  exit(code = 0): void {
    this.exitCode = code;
  }
  getPath(name: string): string {
    return `/fake/${name}`;
  }
  setLoginItemSettings(s: { openAtLogin: boolean }): void {
    this.loginItem = s.openAtLogin;
  }
}

export class FakeScreen extends EventEmitter {
  constructor(public displays: DisplayInfo[]) {
    super();
  }
  getAllDisplays(): DisplayInfo[] {
    return [...this.displays];
  }
  getPrimaryDisplay(): DisplayInfo {
    return this.displays[0]!;
  }
  add(d: DisplayInfo): void {
    this.displays.push(d);
    this.emit('display-added', {}, d);
  }
  remove(id: number): void {
    const d = this.displays.find((x) => x.id === id)!;
    this.displays = this.displays.filter((x) => x.id !== id);
    this.emit('display-removed', {}, d);
  }
  change(id: number, bounds: Rect): void {
    // Electron hands out fresh display objects; so does the fake.
    this.displays = this.displays.map((x) => (x.id === id ? { ...x, bounds } : x));
    this.emit('display-metrics-changed', {}, this.displays.find((x) => x.id === id)!, ['bounds']);
  }
}

export function display(id: number, label: string, bounds: Rect, touch = false): DisplayInfo {
  return { id, label, bounds, internal: false, touchSupport: touch ? 'available' : 'unavailable' };
}

export class FakeSession extends EventEmitter implements SessionPort {
  requestHandler: PermissionRequestHandler | undefined;
  checkHandler: PermissionCheckHandler | undefined;
  deviceHandler: ((d: unknown) => boolean) | undefined;
  headersListener: ((d: HeadersReceivedDetails, cb: (r: { responseHeaders?: Record<string, string[] | string> }) => void) => void) | undefined;
  beforeSendListener: ((d: BeforeSendHeadersDetails, cb: (r: { requestHeaders?: Record<string, string> }) => void) => void) | undefined;
  readonly webRequest = {
    onHeadersReceived: (l: NonNullable<FakeSession['headersListener']>) => void (this.headersListener = l),
    onBeforeSendHeaders: (l: NonNullable<FakeSession['beforeSendListener']>) => void (this.beforeSendListener = l),
    onCompleted: (l: NonNullable<FakeSession['completedListener']>) => void (this.completedListener = l),
  };
  completedListener: ((d: CompletedDetails) => void) | undefined;
  /** The headers a request goes out with, after the shell's listener (if any) has seen it. */
  sendHeaders(d: BeforeSendHeadersDetails): Record<string, string> {
    if (!this.beforeSendListener) return d.requestHeaders;
    let out: Record<string, string> | undefined;
    this.beforeSendListener(d, (r) => void (out = r.requestHeaders ?? d.requestHeaders));
    if (!out) throw new Error('the before-send-headers listener did not answer');
    return out;
  }
  setPermissionRequestHandler(h: PermissionRequestHandler): void {
    this.requestHandler = h;
  }
  setPermissionCheckHandler(h: PermissionCheckHandler): void {
    this.checkHandler = h;
  }
  setDevicePermissionHandler(h: (d: unknown) => boolean): void {
    this.deviceHandler = h;
  }
  displayMediaHandler: ((request: unknown, callback: (streams: null) => void) => void) | undefined;
  setDisplayMediaRequestHandler(h: (request: unknown, callback: (streams: null) => void) => void): void {
    this.displayMediaHandler = h;
  }
  /** A page asks for a permission; resolves with the shell's answer. */
  request(permission: string, requestingUrl: string): Promise<boolean> {
    return new Promise((resolve) => this.requestHandler!({}, permission, resolve, { requestingUrl }));
  }
  headers(details: HeadersReceivedDetails): Record<string, string[] | string> | undefined {
    let out: Record<string, string[] | string> | undefined;
    this.headersListener!(details, (r) => (out = r.responseHeaders));
    return out;
  }
}

export class FakeIpcMain implements IpcMainPort {
  readonly handlers = new Map<string, (e: IpcEventInfo, ...args: unknown[]) => unknown>();
  readonly listeners = new Map<string, (e: IpcEventInfo, ...args: unknown[]) => void>();
  handle(channel: string, l: (e: IpcEventInfo, ...args: unknown[]) => unknown): void {
    this.handlers.set(channel, l);
  }
  on(channel: string, l: (e: IpcEventInfo, ...args: unknown[]) => void): void {
    this.listeners.set(channel, l);
  }
  /** ipcRenderer.send from a page in `contents` showing `url`. */
  send(channel: string, from: { contents: WebContentsPort; url: string; subFrame?: boolean }, ...args: unknown[]): void {
    this.listeners.get(channel)?.(senderOf(from), ...args);
  }
  /** ipcRenderer.invoke from a page in `contents` showing `url`. */
  async invoke(channel: string, from: { contents: WebContentsPort; url: string; subFrame?: boolean }, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`no handler for ${channel}`);
    return h(senderOf(from), ...args);
  }
}

function senderOf(from: { contents: WebContentsPort; url: string; subFrame?: boolean }): IpcEventInfo {
  return { sender: { id: from.contents.id }, senderFrame: { url: from.url, parent: from.subFrame ? {} : null } };
}

/** A branch service process the test drives: it prints what the test says and exits when told. */
export class FakeServiceProcess extends EventEmitter implements ServiceProcess {
  readonly pid = 40_000 + nextId++;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  killed = 0;
  exited = false;
  /** Whether kill() makes it exit (a hung service ignores SIGTERM). */
  obeysKill = true;

  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: ForkOptionsPort,
  ) {
    super();
  }
  kill(): boolean {
    this.killed++;
    if (this.obeysKill) setImmediate(() => this.exit(0));
    return true;
  }
  print(line: string): void {
    this.stdout.write(line + '\n');
  }
  ready(port: number): void {
    this.print(`Branch service ready at http://127.0.0.1:${port}`);
  }
  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.stdout.end();
    this.stderr.end();
    this.emit('exit', code);
  }
}

/** Timers the test moves by hand. */
export class ManualTimers implements Timers {
  private t = 1_000_000;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.pending.delete(h as number);
  }
  /** Moves time forward, running every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.pending) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.pending.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
  /** Delays of the timers now pending, from now. */
  pendingDelays(): number[] {
    return [...this.pending.values()].map((p) => p.at - this.t).sort((a, b) => a - b);
  }
}

export interface FakeElectron {
  ports: ElectronPorts;
  app: FakeApp;
  screen: FakeScreen;
  session: FakeSession;
  ipcMain: FakeIpcMain;
  windows: FakeWindow[];
  services: FakeServiceProcess[];
  protocolHandlers: Map<string, (r: Request) => Response | Promise<Response>>;
  blockers: { started: number[]; stopped: number[] };
  menu: unknown[];
}

export function fakeElectron(displays: DisplayInfo[]): FakeElectron {
  const app = new FakeApp();
  const screen = new FakeScreen(displays);
  const session = new FakeSession();
  const ipcMain = new FakeIpcMain();
  const windows: FakeWindow[] = [];
  const services: FakeServiceProcess[] = [];
  const protocolHandlers = new Map<string, (r: Request) => Response | Promise<Response>>();
  const blockers = { started: [] as number[], stopped: [] as number[] };
  const menu: unknown[] = [];
  const ports: ElectronPorts = {
    app,
    screen,
    session,
    protocol: { handle: (scheme, h) => void protocolHandlers.set(scheme, h) },
    ipcMain,
    powerSaveBlocker: {
      start: () => {
        const id = blockers.started.length + 1;
        blockers.started.push(id);
        return id;
      },
      stop: (id) => {
        blockers.stopped.push(id);
        return true;
      },
      isStarted: (id) => blockers.started.includes(id) && !blockers.stopped.includes(id),
    },
    createWindow: (options, parent) => {
      const w = new FakeWindow(options, parent);
      windows.push(w);
      // As in Electron: the window's web contents is announced while the window is built.
      app.emit('web-contents-created', {}, w.webContents);
      return w;
    },
    fork: (modulePath, args, options) => {
      const s = new FakeServiceProcess(modulePath, args, options);
      services.push(s);
      setImmediate(() => s.emit('spawn'));
      return s;
    },
    setApplicationMenu: (m) => void menu.push(m),
  };
  return { ports, app, screen, session, ipcMain, windows, services, protocolHandlers, blockers, menu };
}

/** Lets stream data and immediates run (the ready line travels through a stream). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

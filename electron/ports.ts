/**
 * The part of Electron's API the shell uses, as narrow interfaces. `main.ts` hands the real
 * Electron objects in (the type check proves they fit); the tests hand in fakes built on the
 * same interfaces, so every decision of the shell runs here without the Electron binary.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DisplayInfo {
  id: number;
  label: string;
  bounds: Rect;
  internal: boolean;
  touchSupport: 'available' | 'unavailable' | 'unknown';
}

/** Electron's event objects: the shell only ever prevents the default. */
export interface Preventable {
  preventDefault(): void;
}

export interface NavigationEvent extends Preventable {
  url: string;
}

export interface InputInfo {
  type: string;
  key: string;
  control: boolean;
  meta: boolean;
  alt: boolean;
}

export interface WebContentsPort {
  readonly id: number;
  getURL(): string;
  loadURL(url: string): Promise<void>;
  reload(): void;
  forcefullyCrashRenderer(): void;
  isDestroyed(): boolean;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  setVisualZoomLevelLimits(minimumLevel: number, maximumLevel: number): Promise<void>;
  setZoomFactor(factor: number): void;
  insertCSS(css: string): Promise<string>;
  on(event: 'will-navigate', listener: (e: NavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (e: NavigationEvent) => void): unknown;
  on(event: 'will-frame-navigate', listener: (e: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (e: Preventable) => void): unknown;
  on(event: 'context-menu', listener: (e: Preventable) => void): unknown;
  on(event: 'before-input-event', listener: (e: Preventable, input: InputInfo) => void): unknown;
  on(event: 'zoom-changed', listener: (e: Preventable) => void): unknown;
  on(event: 'render-process-gone', listener: (e: unknown, details: { reason: string; exitCode: number }) => void): unknown;
  on(event: 'did-fail-load', listener: (e: unknown, errorCode: number, errorDescription: string, validatedURL: string, isMainFrame: boolean) => void): unknown;
  on(event: 'did-finish-load', listener: () => void): unknown;
}

export interface WindowPort {
  readonly id: number;
  readonly webContents: WebContentsPort;
  setBounds(bounds: Partial<Rect>): void;
  setKiosk(flag: boolean): void;
  setFullScreen(flag: boolean): void;
  setAlwaysOnTop(flag: boolean): void;
  show(): void;
  showInactive(): void;
  focus(): void;
  close(): void;
  destroy(): void;
  isDestroyed(): boolean;
  on(event: 'close', listener: (e: Preventable) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  on(event: 'unresponsive', listener: () => void): unknown;
  on(event: 'responsive', listener: () => void): unknown;
}

/** Creates a window; `parent` makes it a child of another shell window (the staff window over the kiosk). */
export type WindowFactory = (options: Omit<BrowserWindowConstructorOptions, 'parent'>, parent?: WindowPort) => WindowPort;

export interface FrameInfo {
  readonly url: string;
  readonly parent: unknown;
}

export interface IpcEventInfo {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameInfo | null;
}

export interface IpcMainPort {
  // Electron types the arguments as any; the shell checks each one with a schema.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handle(channel: string, listener: (event: IpcEventInfo, ...args: any[]) => unknown): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(channel: string, listener: (event: IpcEventInfo, ...args: any[]) => void): unknown;
}

export interface ScreenPort {
  getAllDisplays(): DisplayInfo[];
  getPrimaryDisplay(): DisplayInfo;
  on(event: 'display-added' | 'display-removed', listener: (e: unknown, display: DisplayInfo) => void): unknown;
  on(event: 'display-metrics-changed', listener: (e: unknown, display: DisplayInfo, changedMetrics: string[]) => void): unknown;
}

export interface PermissionDetails {
  requestingUrl?: string;
}

export type PermissionRequestHandler = (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: PermissionDetails) => void;
export type PermissionCheckHandler = (webContents: unknown, permission: string, requestingOrigin: string) => boolean;

export interface HeadersReceivedDetails {
  url: string;
  resourceType: string;
  responseHeaders?: Record<string, string[]>;
}

export interface BeforeSendHeadersDetails {
  url: string;
  method: string;
  /** The web contents that sent it (absent for the browser's own requests). */
  webContentsId?: number;
  requestHeaders: Record<string, string>;
}

export interface CompletedDetails {
  url: string;
  method: string;
  webContentsId?: number;
  statusCode: number;
}

export interface SessionPort {
  setPermissionRequestHandler(handler: PermissionRequestHandler): void;
  setPermissionCheckHandler(handler: PermissionCheckHandler): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  setDisplayMediaRequestHandler(handler: (request: unknown, callback: (streams: null) => void) => void): void;
  on(event: 'will-download', listener: (e: Preventable) => void): unknown;
  on(event: 'select-hid-device' | 'select-serial-port' | 'select-usb-device', listener: (e: Preventable, details: unknown, callback: (id?: string) => void) => void): unknown;
  readonly webRequest: {
    onHeadersReceived(listener: (details: HeadersReceivedDetails, callback: (response: { responseHeaders?: Record<string, string[] | string> }) => void) => void): void;
    onBeforeSendHeaders(listener: (details: BeforeSendHeadersDetails, callback: (response: { requestHeaders?: Record<string, string> }) => void) => void): void;
    onCompleted(listener: (details: CompletedDetails) => void): void;
  };
}

export interface ProtocolPort {
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export interface ChildProcessGoneDetails {
  type: string;
  reason: string;
  exitCode: number;
}

export interface AppPort {
  readonly isPackaged: boolean;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  quit(): void;
  exit(code?: number): void;
  getPath(name: 'userData' | 'logs' | 'home'): string;
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'web-contents-created', listener: (e: unknown, contents: WebContentsPort) => void): unknown;
  on(event: 'child-process-gone', listener: (e: unknown, details: ChildProcessGoneDetails) => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'before-quit', listener: (e: Preventable) => void): unknown;
}

export interface PowerSaveBlockerPort {
  start(type: 'prevent-app-suspension' | 'prevent-display-sleep'): number;
  stop(id: number): boolean;
  isStarted(id: number): boolean;
}

/** A running branch service: Electron's UtilityProcess, or a Node child process in tests. */
export interface ServiceProcess {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  kill(): boolean;
  on(event: 'spawn', listener: () => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

export interface ForkOptionsPort {
  env: Record<string, string | undefined>;
  stdio: 'pipe';
  serviceName: string;
  /** Node and V8 flags of the service's process (server/node-flags.ts). */
  execArgv: string[];
  cwd?: string;
}

export type ServiceForker = (modulePath: string, args: string[], options: ForkOptionsPort) => ServiceProcess;

/** Everything the shell needs from Electron, injected. */
export interface ElectronPorts {
  app: AppPort;
  screen: ScreenPort;
  session: SessionPort;
  protocol: ProtocolPort;
  ipcMain: IpcMainPort;
  powerSaveBlocker: PowerSaveBlockerPort;
  createWindow: WindowFactory;
  fork: ServiceForker;
  setApplicationMenu(menu: null): void;
}

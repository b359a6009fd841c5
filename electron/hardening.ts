/**
 * The lock-down of every window and of the session, following Electron's security checklist:
 * hardened web preferences, navigation and new windows limited to the app's own pages, no
 * webviews, no downloads, every permission and device request denied (except choosing the
 * audio output for the lobby voice), a CSP on every app response even if one were missing, and
 * the kiosk's escape routes closed: zoom, context menu, keyboard shortcuts.
 */
import type { WebPreferences } from 'electron';
import type { ShellLog } from './log-files.js';
import type { InputInfo, PermissionCheckHandler, PermissionRequestHandler, SessionPort, WebContentsPort } from './ports.js';

export const SHELL_SCHEME = 'shell';
export const SHELL_ORIGIN = `${SHELL_SCHEME}://app`;

export type WindowRole = 'kiosk' | 'lobby' | 'staff';

export function hardenedWebPreferences(role: WindowRole, o: { preload?: string; devTools: boolean }): WebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    devTools: o.devTools,
    spellcheck: false,
    // alert()/confirm() would put a native dialog in front of customers.
    disableDialogs: true,
    safeDialogs: true,
    zoomFactor: 1,
    // The lobby TV announces calls with no one touching it; it must also keep running when unfocused.
    autoplayPolicy: role === 'lobby' ? 'no-user-gesture-required' : 'document-user-activation-required',
    backgroundThrottling: role !== 'lobby',
    ...(o.preload ? { preload: o.preload } : {}),
  };
}

/**
 * Where a window may go: the service's own origin (which the supervisor learns from the ready
 * line, so it is read at each check) under the given paths, or the shell's own pages.
 */
export class NavigationPolicy {
  constructor(
    private readonly appOrigin: () => string | undefined,
    private readonly appPaths: string[],
    private readonly shellPages: string[] = [],
  ) {}

  allows(raw: string): boolean {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return false;
    }
    if (url.username || url.password) return false;
    if (url.origin === SHELL_ORIGIN || (url.protocol === `${SHELL_SCHEME}:` && url.host === 'app')) {
      return this.shellPages.includes(url.pathname);
    }
    const origin = this.appOrigin();
    if (!origin || url.origin !== origin) return false;
    return this.appPaths.some((p) => url.pathname === p || url.pathname.startsWith(p.endsWith('/') ? p : `${p}/`));
  }
}

/** Keys that could leave or change the kiosk: any Ctrl/Alt/Meta chord and the function keys. */
export function isBlockedKey(input: InputInfo): boolean {
  if (input.type !== 'keyDown' && input.type !== 'rawKeyDown') return false;
  if (input.control || input.alt || input.meta) return true;
  if (/^F([1-9]|1[0-9]|2[0-4])$/.test(input.key)) return true;
  return ['BrowserBack', 'BrowserForward', 'BrowserRefresh', 'BrowserHome', 'BrowserSearch', 'ContextMenu', 'Print', 'ZoomIn', 'ZoomOut'].includes(input.key);
}

/** CSS put into app pages in kiosk windows: no text selection, no dragging, no long-press callout. */
export const KIOSK_CSS = `html, body, * { -webkit-user-select: none !important; user-select: none !important; -webkit-touch-callout: none !important; -webkit-user-drag: none !important; }
input, textarea, [contenteditable="true"] { -webkit-user-select: text !important; user-select: text !important; }
html { touch-action: pan-x pan-y; }`;

/**
 * Guards every web contents the app creates (called from app 'web-contents-created', so no
 * window is ever missed): navigation, redirects and frame navigations outside the policy,
 * window.open and webviews are refused and logged.
 */
export function guardWebContents(wc: WebContentsPort, policy: () => NavigationPolicy | undefined, log: ShellLog): void {
  const refuse = (kind: string) => (e: { url: string; preventDefault(): void }) => {
    if (policy()?.allows(e.url)) return;
    e.preventDefault();
    log.warn('navigation refused', { kind, url: redact(e.url), contents: wc.id });
  };
  wc.on('will-navigate', refuse('navigate'));
  wc.on('will-redirect', refuse('redirect'));
  wc.on('will-frame-navigate', refuse('frame'));
  wc.setWindowOpenHandler(({ url }) => {
    log.warn('new window refused', { url: redact(url), contents: wc.id });
    return { action: 'deny' };
  });
  wc.on('will-attach-webview', (e) => {
    e.preventDefault();
    log.warn('webview refused', { contents: wc.id });
  });
}

/** Kiosk and lobby windows: no zoom, no context menu, no shortcuts, no selection or drag. */
export function lockDownInput(wc: WebContentsPort): void {
  void wc.setVisualZoomLevelLimits(1, 1).catch(() => undefined);
  wc.on('zoom-changed', (e) => {
    e.preventDefault();
    wc.setZoomFactor(1);
  });
  wc.on('context-menu', (e) => e.preventDefault());
  wc.on('before-input-event', (e, input) => {
    if (isBlockedKey(input)) e.preventDefault();
  });
  wc.on('did-finish-load', () => {
    if (!wc.isDestroyed()) void wc.insertCSS(KIOSK_CSS).catch(() => undefined);
  });
}

/** Permissions a page may have: only choosing the audio output (the lobby voice), only for app pages. */
export function permissionAllowed(permission: string, requestingUrl: string | undefined, isAppUrl: (url: string) => boolean): boolean {
  return permission === 'speaker-selection' && requestingUrl !== undefined && isAppUrl(requestingUrl);
}

export function guardSession(session: SessionPort, isAppUrl: (url: string) => boolean, log: ShellLog): void {
  const onRequest: PermissionRequestHandler = (_wc, permission, callback, details) => {
    const ok = permissionAllowed(permission, details.requestingUrl, isAppUrl);
    if (!ok) log.warn('permission refused', { permission, url: details.requestingUrl ? redact(details.requestingUrl) : undefined });
    callback(ok);
  };
  const onCheck: PermissionCheckHandler = (_wc, permission, origin) => permissionAllowed(permission, origin, isAppUrl);
  session.setPermissionRequestHandler(onRequest);
  session.setPermissionCheckHandler(onCheck);
  session.setDevicePermissionHandler(() => false);
  // No page may capture the screen (a kiosk shows customers' tickets).
  session.setDisplayMediaRequestHandler((_request, callback) => {
    log.warn('screen capture refused');
    callback(null);
  });
  for (const ev of ['select-hid-device', 'select-serial-port', 'select-usb-device'] as const) {
    session.on(ev, (e, _details, callback) => {
      e.preventDefault();
      callback();
      log.warn('device request refused', { kind: ev });
    });
  }
  session.on('will-download', (e) => {
    e.preventDefault();
    log.warn('download refused');
  });
  session.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCsp(details, isAppUrl) }));
}

/** The CSP every app page carries; the service sends it, the shell adds it if a response lacks it. */
export const FALLBACK_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export function withCsp(details: { url: string; resourceType: string; responseHeaders?: Record<string, string[]> }, isAppUrl: (url: string) => boolean): Record<string, string[]> {
  const headers = { ...(details.responseHeaders ?? {}) };
  const has = Object.keys(headers).some((k) => k.toLowerCase() === 'content-security-policy');
  if (!has && (details.resourceType === 'mainFrame' || details.resourceType === 'subFrame') && isAppUrl(details.url)) {
    headers['Content-Security-Policy'] = [FALLBACK_CSP];
  }
  return headers;
}

/** Ticket ids in /t/:id are customers' capabilities: logs keep the origin and path shape only. */
export function redact(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname.replace(/^\/t\/.+$/, '/t/…')}`;
  } catch {
    return '(not a URL)';
  }
}

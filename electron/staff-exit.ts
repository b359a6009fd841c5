/**
 * The hidden staff exit: the corner gesture on the kiosk (reported by the kiosk preload) opens a
 * small staff window over the kiosk; a supervisor's PIN, checked by the branch service, unlocks
 * its menu for two minutes: exit to the desktop, reload, device lab, back to the kiosk, restart
 * the service. Every IPC message is checked for its sender (the right window, its main frame,
 * the right page) and its arguments are checked with a schema.
 */
import { z } from 'zod';
import { CHANNELS, STAFF_ACTIONS, type PinCheck, type StaffAction } from './channels.js';
import { hardenedWebPreferences, NavigationPolicy, SHELL_ORIGIN } from './hardening.js';
import type { ShellLog } from './log-files.js';
import type { IpcEventInfo, IpcMainPort, WindowFactory, WindowPort } from './ports.js';
import { realTimers, type Timers } from './timers.js';
import type { PolicyRegistry } from './windows.js';

export const STAFF_PAGE = `${SHELL_ORIGIN}/staff.html`;

const verifyArgs = z.object({ staffId: z.string().min(1).max(40), pin: z.string().min(1).max(40) }).strict();
const actionArg = z.enum(STAFF_ACTIONS);

export interface StaffExitOptions {
  ipcMain: IpcMainPort;
  createWindow: WindowFactory;
  policies: PolicyRegistry;
  kioskWindow: () => WindowPort | undefined;
  /** The branch service's origin while it is ready. */
  origin: () => string | undefined;
  checkPin: (staffId: string, pin: string) => Promise<PinCheck>;
  actions: Record<StaffAction, () => void | Promise<void>>;
  staffPreload: string;
  kioskMode: boolean;
  log: ShellLog;
  timers?: Timers;
  /** The staff window closes by itself after this long without a PIN try or action. */
  idleMs?: number;
  /** How long a PIN unlocks the menu. */
  unlockMs?: number;
}

function isMainFrame(e: IpcEventInfo): boolean {
  return e.senderFrame !== null && (e.senderFrame.parent === null || e.senderFrame.parent === undefined);
}

function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'shell:' ? `shell://${u.host}` : u.origin;
  } catch {
    return undefined;
  }
}

export class StaffExit {
  private win: WindowPort | undefined;
  private unlocked: { staffId: string; until: number } | undefined;
  private idleTimer: unknown;
  private readonly timers: Timers;

  constructor(private readonly o: StaffExitOptions) {
    this.timers = o.timers ?? realTimers;
  }

  get isOpen(): boolean {
    return this.win !== undefined && !this.win.isDestroyed();
  }

  register(): void {
    this.o.ipcMain.on(CHANNELS.staffGesture, (e) => {
      if (!this.fromKiosk(e)) {
        this.o.log.warn('staff gesture from an unexpected sender ignored', { sender: e.sender.id });
        return;
      }
      this.open();
    });
    this.o.ipcMain.handle(CHANNELS.staffVerify, async (e, raw: unknown): Promise<PinCheck> => {
      if (!this.fromStaffPage(e)) return this.refused('staff PIN from an unexpected sender', e);
      const args = verifyArgs.safeParse(raw);
      if (!args.success) return { ok: false, code: 'VALIDATION_FAILED', message: 'Enter a staff id and a PIN.' };
      this.touch();
      const r = await this.o.checkPin(args.data.staffId, args.data.pin);
      if (r.ok) {
        this.unlocked = { staffId: r.staffId, until: this.timers.now() + (this.o.unlockMs ?? 120_000) };
        this.o.log.info('staff menu unlocked', { staffId: r.staffId });
      } else {
        this.unlocked = undefined;
        this.o.log.warn('staff PIN refused', { staffId: args.data.staffId, code: r.code });
      }
      return r;
    });
    this.o.ipcMain.handle(CHANNELS.staffAction, async (e, raw: unknown): Promise<{ ok: boolean; message?: string }> => {
      if (!this.fromStaffPage(e)) return this.refused('staff action from an unexpected sender', e);
      const action = actionArg.safeParse(raw);
      if (!action.success) return { ok: false, message: 'Unknown action.' };
      const u = this.unlocked;
      if (!u || u.until < this.timers.now()) {
        this.unlocked = undefined;
        this.o.log.warn('staff action refused: not unlocked', { action: action.data });
        return { ok: false, message: 'Enter a supervisor PIN first.' };
      }
      this.o.log.info('staff action', { action: action.data, staffId: u.staffId });
      this.close();
      await this.o.actions[action.data]();
      return { ok: true };
    });
    this.o.ipcMain.on(CHANNELS.staffCancel, (e) => {
      if (this.fromStaffPage(e)) this.close();
    });
  }

  /** Opens the staff window over the kiosk (or brings it forward). */
  open(): void {
    if (this.win && !this.win.isDestroyed()) {
      this.win.focus();
      return;
    }
    const parent = this.o.kioskWindow();
    this.o.log.info('staff gesture: opening the staff window');
    const win = this.o.createWindow(
      {
      modal: parent !== undefined,
      width: 760,
      height: 720,
      show: false,
      frame: false,
      resizable: false,
      movable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      skipTaskbar: true,
      alwaysOnTop: this.o.kioskMode,
      backgroundColor: '#ffffff',
      title: '员工菜单 · Staff menu',
      webPreferences: hardenedWebPreferences('staff', { preload: this.o.staffPreload, devTools: !this.o.kioskMode }),
      },
      parent,
    );
    this.win = win;
    this.unlocked = undefined;
    this.o.policies.set(win.webContents.id, new NavigationPolicy(() => undefined, [], ['/staff.html']));
    win.on('closed', () => {
      if (this.win === win) this.win = undefined;
      this.unlocked = undefined;
      this.o.policies.delete(win.webContents.id);
      if (this.idleTimer !== undefined) this.timers.clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    });
    void win.webContents.loadURL(STAFF_PAGE).catch(() => undefined);
    win.show();
    this.touch();
  }

  close(): void {
    const win = this.win;
    this.win = undefined;
    if (this.idleTimer !== undefined) this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (win && !win.isDestroyed()) win.close();
  }

  private touch(): void {
    if (this.idleTimer !== undefined) this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = this.timers.setTimeout(() => {
      this.idleTimer = undefined;
      this.o.log.info('staff window closed after no use');
      this.unlocked = undefined;
      this.close();
    }, this.o.idleMs ?? 90_000);
  }

  private fromKiosk(e: IpcEventInfo): boolean {
    const kiosk = this.o.kioskWindow();
    if (!kiosk || kiosk.isDestroyed() || e.sender.id !== kiosk.webContents.id || !isMainFrame(e)) return false;
    const origin = originOf(e.senderFrame!.url);
    // The gesture also works on the shell's starting page: staff need the menu most when the service is down.
    return origin !== undefined && (origin === SHELL_ORIGIN || origin === this.o.origin());
  }

  private fromStaffPage(e: IpcEventInfo): boolean {
    const win = this.win;
    if (!win || win.isDestroyed() || e.sender.id !== win.webContents.id || !isMainFrame(e)) return false;
    return e.senderFrame!.url.split(/[?#]/)[0] === STAFF_PAGE;
  }

  private refused(msg: string, e: IpcEventInfo): { ok: false; code: string; message: string } {
    this.o.log.warn(msg, { sender: e.sender.id });
    return { ok: false, code: 'FORBIDDEN', message: 'Not allowed.' };
  }
}

const staffExitAnswer = z.object({ staffId: z.string(), name: z.string() });
const errorAnswer = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const SERVICE_DOWN: PinCheck = {
  ok: false,
  code: 'SERVICE_DOWN',
  message: 'The branch service is not running, so the PIN cannot be checked.',
};

/** Asks the branch service (POST /api/kiosk/staff-exit) whether this is a supervisor's PIN. */
export function servicePinChecker(origin: () => string | undefined, fetchFn: typeof fetch = fetch): (staffId: string, pin: string) => Promise<PinCheck> {
  return async (staffId, pin) => {
    const o = origin();
    if (!o) return SERVICE_DOWN;
    let res: Response;
    try {
      res = await fetchFn(`${o}/api/kiosk/staff-exit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ staffId, pin }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      return SERVICE_DOWN;
    }
    const body: unknown = await res.json().catch(() => null);
    if (res.ok) {
      const ok = staffExitAnswer.safeParse(body);
      return ok.success ? { ok: true, staffId: ok.data.staffId, name: ok.data.name } : { ok: false, code: 'BAD_RESPONSE', message: 'The branch service gave an unexpected answer.' };
    }
    const err = errorAnswer.safeParse(body);
    return err.success ? { ok: false, code: err.data.error.code, message: err.data.error.message } : { ok: false, code: 'BAD_RESPONSE', message: `The branch service answered ${res.status}.` };
  };
}

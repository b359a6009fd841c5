import { describe, expect, test } from 'vitest';
import { CHANNELS } from '../../electron/channels.js';
import { FALLBACK_CSP } from '../../electron/hardening.js';
import { STAFF_PAGE } from '../../electron/staff-exit.js';
import { STARTING_PAGE, UNAVAILABLE_PAGE } from '../../electron/windows.js';
import { SERVICE_NODE_FLAGS } from '../../server/node-flags.js';
import { display, settle } from './fake-electron.js';
import { startTestShell, TOUCH, TV } from './support.js';

const APP = 'http://127.0.0.1:8080';

describe('windows', () => {
  test('are created with the hardened options, on the touch screen and the lobby TV', () => {
    const t = startTestShell();
    const k = t.kiosk();
    const l = t.lobby()!;
    for (const w of [k, l]) {
      expect(w.options.webPreferences).toMatchObject({
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
        devTools: false,
      });
      expect(w.options.webPreferences).not.toHaveProperty('enableBlinkFeatures');
      expect(w.options.frame).toBe(false);
      expect(w.options.closable).toBe(false);
    }
    expect(k.options.kiosk).toBe(true);
    expect(k.options.fullscreen).toBe(true);
    expect(k.options.webPreferences?.preload).toBe('/opt/branch-queue/dist/electron/kiosk-preload.cjs');
    expect(k.bounds).toEqual(TOUCH.bounds);
    expect(k.shown).toBe('active');
    // The lobby page gets no preload at all, never takes the focus, and may speak without a tap.
    expect(l.options.webPreferences?.preload).toBeUndefined();
    expect(l.options.focusable).toBe(false);
    expect(l.options.webPreferences?.autoplayPolicy).toBe('no-user-gesture-required');
    expect(l.bounds).toEqual(TV.bounds);
    expect(l.shown).toBe('inactive');
    expect(t.fe.menu).toEqual([null]);
    expect(t.fe.blockers.started).toHaveLength(1);
  });

  test('a developer run (windowed) keeps devtools and ordinary windows', () => {
    const t = startTestShell({ kioskMode: false });
    expect(t.kiosk().options.kiosk).toBe(false);
    expect(t.kiosk().options.webPreferences).toMatchObject({ devTools: true, sandbox: true, contextIsolation: true, nodeIntegration: false });
  });

  test('show the starting page until the service is ready, then the app pages', async () => {
    const t = startTestShell();
    expect(t.kiosk().webContents.loads).toEqual([STARTING_PAGE]);
    expect(t.lobby()!.webContents.loads).toEqual([STARTING_PAGE]);
    await t.serviceReady();
    expect(t.kiosk().webContents.loads.at(-1)).toBe(`${APP}/kiosk`);
    expect(t.lobby()!.webContents.loads.at(-1)).toBe(`${APP}/display`);
    // The shell's pages are served by its own protocol with a CSP, nothing else.
    const handler = t.fe.protocolHandlers.get('shell')!;
    const page = await handler(new Request(STARTING_PAGE));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await page.text()).toMatch(/系统正在启动/);
    expect((await handler(new Request('shell://app/../../etc/passwd'))).status).toBe(404);
    expect((await handler(new Request('shell://app/main.js'))).status).toBe(404);
  });

  test('kiosk pages get no zoom, no context menu, no shortcuts, no selection or drag', async () => {
    const t = startTestShell();
    await t.serviceReady();
    const wc = t.kiosk().webContents;
    expect(wc.zoomLimits).toEqual([1, 1]);
    expect(wc.raise('context-menu')).toBe(true);
    expect(wc.raise('zoom-changed')).toBe(true);
    expect(wc.key({ key: '=', control: true })).toBe(true);
    expect(wc.key({ key: 'F4', alt: true })).toBe(true);
    expect(wc.key({ key: 'F11' })).toBe(true);
    expect(wc.key({ key: 'r', control: true })).toBe(true);
    // A keyboard-wedge card reader types plain characters and Enter: they pass.
    expect(wc.key({ key: '%' })).toBe(false);
    expect(wc.key({ key: 'Enter' })).toBe(false);
    expect(wc.css.at(-1)).toMatch(/user-select: none/);
    expect(wc.css.at(-1)).toMatch(/-webkit-user-drag: none/);
  });

  test('cannot be closed from outside the shell (Alt+F4, a window manager)', () => {
    const t = startTestShell();
    expect(t.kiosk().close()).toBe(false);
    expect(t.kiosk().destroyed).toBe(false);
    expect(t.log.entries.some((e) => e.msg === 'window close refused')).toBe(true);
  });
});

describe('navigation, new windows and permissions', () => {
  test('navigation leaves neither the app origin nor the window’s own page', async () => {
    const t = startTestShell();
    await t.serviceReady();
    const wc = t.kiosk().webContents;
    expect(wc.navigate(`${APP}/kiosk?lang=en`)).toBe(false);
    expect(wc.navigate('https://example.com/')).toBe(true);
    expect(wc.navigate(`${APP}/teller`)).toBe(true);
    expect(wc.navigate(`http://127.0.0.1:9999/kiosk`)).toBe(true);
    expect(wc.navigate('file:///etc/passwd')).toBe(true);
    expect(wc.navigate('https://example.com/', 'will-redirect')).toBe(true);
    expect(wc.navigate('https://example.com/', 'will-frame-navigate')).toBe(true);
    expect(wc.navigate(`http://user:pw@127.0.0.1:8080/kiosk`)).toBe(true);
    expect(t.lobby()!.webContents.navigate(`${APP}/kiosk`)).toBe(true);
    expect(t.lobby()!.webContents.navigate(`${APP}/display?voice=off`)).toBe(false);
    expect(wc.openHandler!({ url: `${APP}/kiosk` })).toEqual({ action: 'deny' });
    expect(wc.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(wc.raise('will-attach-webview')).toBe(true);
  });

  test('a web contents the shell did not make may go nowhere', () => {
    const t = startTestShell();
    const stray = t.fe.ports.createWindow({});
    expect((stray.webContents as unknown as { navigate(u: string): boolean }).navigate(`${APP}/kiosk`)).toBe(true);
  });

  test('permission requests are denied, except choosing the audio output for app pages', async () => {
    const t = startTestShell();
    await t.serviceReady();
    for (const p of ['media', 'geolocation', 'notifications', 'fullscreen', 'clipboard-read', 'hid', 'serial', 'usb', 'openExternal', 'display-capture']) {
      expect(await t.fe.session.request(p, `${APP}/kiosk`), p).toBe(false);
    }
    expect(await t.fe.session.request('speaker-selection', `${APP}/display`)).toBe(true);
    expect(await t.fe.session.request('speaker-selection', 'https://example.com/')).toBe(false);
    expect(t.fe.session.checkHandler!({}, 'media', APP)).toBe(false);
    expect(t.fe.session.deviceHandler!({})).toBe(false);
    let streams: unknown = 'not answered';
    t.fe.session.displayMediaHandler!({}, (s) => (streams = s));
    expect(streams).toBeNull();
    const downloads = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    t.fe.session.emit('will-download', downloads);
    expect(downloads.defaultPrevented).toBe(true);
    let chosen: string | undefined = 'x';
    const hid = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    t.fe.session.emit('select-hid-device', hid, {}, (id?: string) => (chosen = id));
    expect(hid.defaultPrevented).toBe(true);
    expect(chosen).toBeUndefined();
  });

  test('an app page that came without a CSP gets the strict one', async () => {
    const t = startTestShell();
    await t.serviceReady();
    const added = t.fe.session.headers({ url: `${APP}/kiosk`, resourceType: 'mainFrame', responseHeaders: { 'Content-Type': ['text/html'] } });
    expect(added?.['Content-Security-Policy']).toEqual([FALLBACK_CSP]);
    const kept = t.fe.session.headers({ url: `${APP}/kiosk`, resourceType: 'mainFrame', responseHeaders: { 'content-security-policy': ["default-src 'self'"] } });
    expect(kept?.['content-security-policy']).toEqual(["default-src 'self'"]);
    expect(Object.keys(kept ?? {})).toHaveLength(1);
  });
});

describe('the branch service', () => {
  test('is started with the service entry, the CLI and the Node flags of npm run serve', async () => {
    const t = startTestShell();
    await settle();
    const s = t.fe.services[0]!;
    expect(s.modulePath).toBe('/opt/branch-queue/dist/server/main.js');
    expect(s.args).toEqual(['--port', '8080', '--data', '/var/lib/branch-queue']);
    expect(s.options).toMatchObject({ stdio: 'pipe', serviceName: 'branch-service', execArgv: [...SERVICE_NODE_FLAGS] });
  });

  test('is restarted with backoff when it exits, and the windows reload once it is ready', async () => {
    const t = startTestShell();
    await t.serviceReady();
    const kioskLoads = () => t.kiosk().webContents.loads.length;
    const before = kioskLoads();

    t.fe.services[0]!.exit(1);
    await settle();
    expect(t.shell.supervisor.current).toMatchObject({ state: 'waiting', failures: 1, delayMs: 1_000 });
    // While it is away, the loaded page stays (it shows its own offline state).
    expect(kioskLoads()).toBe(before);
    t.timers.advance(999);
    expect(t.fe.services).toHaveLength(1);
    t.timers.advance(1);
    expect(t.fe.services).toHaveLength(2);

    // It fails again before it is ready: the wait doubles.
    t.fe.services[1]!.exit(1);
    await settle();
    expect(t.shell.supervisor.current).toMatchObject({ state: 'waiting', failures: 2, delayMs: 2_000 });
    t.timers.advance(2_000);
    expect(t.fe.services).toHaveLength(3);
    await t.serviceReady();
    expect(t.shell.supervisor.current.state).toBe('ready');
    expect(kioskLoads()).toBe(before + 1);
    expect(t.kiosk().webContents.loads.at(-1)).toBe(`${APP}/kiosk`);
    expect(t.lobby()!.webContents.loads.at(-1)).toBe(`${APP}/display`);

    // After a healthy hour, a crash starts the backoff from the beginning again.
    t.timers.advance(3_600_000);
    t.fe.services[2]!.exit(139);
    await settle();
    expect(t.shell.supervisor.current).toMatchObject({ state: 'waiting', failures: 1, delayMs: 1_000 });
    expect(t.log.entries.find((e) => e.msg === 'the branch service stopped; restarting it' && e.fields?.code === 139)).toBeTruthy();
  });

  test('that never reports ready is stopped after the start timeout and tried again', async () => {
    const t = startTestShell();
    await settle();
    const s = t.fe.services[0]!;
    s.print('{"level":30,"msg":"opening database at http://127.0.0.1:8080"}'); // a JSON log line is not the ready line
    await settle();
    expect(t.shell.supervisor.current.state).toBe('starting');
    t.timers.advance(60_000);
    expect(s.killed).toBe(1);
    await settle();
    expect(t.shell.supervisor.current).toMatchObject({ state: 'waiting', reason: 'no ready line within 60 s' });
  });

  test('that ignores SIGTERM is killed hard', async () => {
    const t = startTestShell();
    await t.serviceReady();
    const s = t.fe.services[0]!;
    s.obeysKill = false;
    t.shell.supervisor.restart('test');
    expect(s.killed).toBe(1);
    t.timers.advance(14_999);
    expect(t.killedHard).toEqual([]);
    t.timers.advance(1);
    expect(t.killedHard).toEqual([s.pid]);
    // Once it is gone, the requested restart happens at once.
    s.exit(137);
    await settle();
    expect(t.fe.services).toHaveLength(2);
  });

  test('after repeated failures the windows ask customers to see staff', async () => {
    const t = startTestShell();
    for (let i = 0; i < 3; i++) {
      await settle();
      t.fe.services.at(-1)!.exit(1);
      await settle();
      t.timers.advance(60_000);
    }
    expect(t.kiosk().webContents.loads.at(-1)).toBe(UNAVAILABLE_PAGE);
    await t.serviceReady();
    expect(t.kiosk().webContents.loads.at(-1)).toBe(`${APP}/kiosk`);
  });

  test('moving to another port (a restart with port 0) moves the windows and the allowed origin', async () => {
    const t = startTestShell();
    await t.serviceReady(8080);
    t.fe.services[0]!.exit(1);
    await settle();
    t.timers.advance(1_000);
    await t.serviceReady(8181);
    expect(t.kiosk().webContents.loads.at(-1)).toBe('http://127.0.0.1:8181/kiosk');
    expect(t.kiosk().webContents.navigate(`${APP}/kiosk`)).toBe(true);
    expect(t.kiosk().webContents.navigate('http://127.0.0.1:8181/kiosk')).toBe(false);
  });
});

describe('renderer recovery', () => {
  test('a crashed renderer is reloaded, ever more slowly if it keeps crashing', async () => {
    const t = startTestShell();
    await t.serviceReady();
    const wc = t.kiosk().webContents;
    const n = wc.loads.length;
    wc.crash('crashed');
    expect(wc.loads.length).toBe(n + 1);
    expect(wc.loads.at(-1)).toBe(`${APP}/kiosk`);
    wc.crash('oom');
    expect(wc.loads.length).toBe(n + 1);
    t.timers.advance(1_000);
    expect(wc.loads.length).toBe(n + 2);
    wc.crash('crashed');
    t.timers.advance(1_999);
    expect(wc.loads.length).toBe(n + 2);
    t.timers.advance(1);
    expect(wc.loads.length).toBe(n + 3);
    // A clean exit (the window closing) is not a crash.
    wc.crash('clean-exit');
    expect(wc.loads.length).toBe(n + 3);
  });

  test('an unresponsive renderer gets a grace period, then a fresh renderer', async () => {
    const t = startTestShell();
    await t.serviceReady();
    const k = t.kiosk();
    const n = k.webContents.loads.length;
    k.emit('unresponsive');
    t.timers.advance(10_000);
    k.emit('responsive');
    t.timers.advance(60_000);
    expect(k.webContents.crashedByShell).toBe(0);

    k.emit('unresponsive');
    t.timers.advance(15_000);
    expect(k.webContents.crashedByShell).toBe(1);
    // One reload, not two: the shell's own kill does not count as a crash.
    expect(k.webContents.loads.length).toBe(n + 1);
    expect(k.webContents.loads.at(-1)).toBe(`${APP}/kiosk`);
  });

  test('a lost GPU process reloads every window', async () => {
    const t = startTestShell();
    await t.serviceReady();
    const n = [t.kiosk().webContents.loads.length, t.lobby()!.webContents.loads.length];
    t.fe.app.emit('child-process-gone', {}, { type: 'Utility', reason: 'crashed', exitCode: 1 });
    expect([t.kiosk().webContents.loads.length, t.lobby()!.webContents.loads.length]).toEqual(n);
    t.fe.app.emit('child-process-gone', {}, { type: 'GPU', reason: 'crashed', exitCode: 1 });
    expect([t.kiosk().webContents.loads.length, t.lobby()!.webContents.loads.length]).toEqual([n[0]! + 1, n[1]! + 1]);
  });

  test('a page that fails to load shows the starting page, never a browser error, and is tried again', async () => {
    const t = startTestShell();
    await t.serviceReady();
    const wc = t.kiosk().webContents;
    wc.failing = [APP];
    wc.crash();
    await settle();
    expect(wc.loads.slice(-2)).toEqual([`${APP}/kiosk`, STARTING_PAGE]);
    wc.failing = [];
    t.timers.advance(2_000);
    expect(wc.loads.at(-1)).toBe(`${APP}/kiosk`);
  });
});

describe('screens', () => {
  test('the lobby display follows a screen plugged in, moved and unplugged', async () => {
    const t = startTestShell({ displays: [TOUCH] });
    await t.serviceReady();
    expect(t.lobby()).toBeUndefined();
    t.fe.screen.add(TV);
    const l = t.lobby()!;
    expect(l.bounds).toEqual(TV.bounds);
    expect(l.webContents.loads).toEqual([`${APP}/display`]);
    t.fe.screen.change(2, { x: 1080, y: 0, width: 3840, height: 2160 });
    expect(l.bounds).toEqual({ x: 1080, y: 0, width: 3840, height: 2160 });
    expect(l.fullscreen).toBe(true);
    t.fe.screen.remove(2);
    expect(l.destroyed).toBe(true);
    expect(t.lobby()).toBeUndefined();
    // The kiosk stays where it is.
    expect(t.kiosk().bounds).toEqual(TOUCH.bounds);
    t.fe.screen.add(display(3, 'DP-2 TV', { x: -1920, y: 0, width: 1920, height: 1080 }));
    expect(t.lobby()!.bounds).toEqual({ x: -1920, y: 0, width: 1920, height: 1080 });
  });

  test('the kiosk moves to the touch screen when it appears', () => {
    const plain = display(5, 'VGA', { x: 0, y: 0, width: 1280, height: 1024 });
    const t = startTestShell({ displays: [plain] });
    expect(t.kiosk().bounds).toEqual(plain.bounds);
    t.fe.screen.add(display(6, 'touch', { x: 1280, y: 0, width: 1080, height: 1920 }, true));
    expect(t.kiosk().bounds).toEqual({ x: 1280, y: 0, width: 1080, height: 1920 });
    expect(t.kiosk().kiosk).toBe(true);
    expect(t.lobby()!.bounds).toEqual(plain.bounds);
  });
});

describe('shutdown', () => {
  test('quitting stops the service, releases the power-save blocker and exits', async () => {
    const t = startTestShell();
    await t.serviceReady();
    t.fe.app.quit();
    await settle(10);
    expect(t.fe.services[0]!.killed).toBe(1);
    expect(t.shell.supervisor.current.state).toBe('stopped');
    expect(t.fe.blockers.stopped).toEqual(t.fe.blockers.started);
    expect(t.fe.app.exitCode).toBe(0);
    expect(t.kiosk()).toBeUndefined();
  });
});

describe('staff exit', () => {
  test('the corner gesture only counts from the kiosk window’s own page', async () => {
    const t = startTestShell();
    await t.serviceReady();
    const count = () => t.fe.windows.filter((w) => w.options.title?.includes('Staff menu')).length;
    t.fe.ipcMain.send(CHANNELS.staffGesture, { contents: t.lobby()!.webContents, url: `${APP}/display` });
    t.fe.ipcMain.send(CHANNELS.staffGesture, { contents: t.kiosk().webContents, url: `${APP}/kiosk`, subFrame: true });
    t.fe.ipcMain.send(CHANNELS.staffGesture, { contents: t.kiosk().webContents, url: 'https://example.com/' });
    expect(count()).toBe(0);
    t.fe.ipcMain.send(CHANNELS.staffGesture, { contents: t.kiosk().webContents, url: `${APP}/kiosk` });
    expect(count()).toBe(1);
    const staff = t.fe.windows.find((w) => w.options.title?.includes('Staff menu'))!;
    expect(staff.parent).toBe(t.kiosk());
    expect(staff.webContents.loads).toEqual([STAFF_PAGE]);
    expect(staff.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, preload: '/opt/branch-queue/dist/electron/staff-preload.cjs' });
    expect(staff.webContents.navigate(`${APP}/kiosk`)).toBe(true);
    // It closes by itself when nobody uses it.
    t.timers.advance(90_000);
    expect(staff.destroyed).toBe(true);
  });
});

/** Starts the kiosk shell on the fake Electron, with hand-moved timers and an in-memory log. */
import { fileURLToPath } from 'node:url';
import type { KioskKey } from '../../electron/kiosk-key.js';
import { memoryLog } from '../../electron/log-files.js';
import type { DisplayInfo } from '../../electron/ports.js';
import type { ShellConfig } from '../../electron/settings.js';
import { startShell, type Shell } from '../../electron/shell.js';
import { display, fakeElectron, ManualTimers, settle, type FakeElectron, type FakeWindow } from './fake-electron.js';

export const TOUCH = display(1, 'ELO touch 1920', { x: 0, y: 0, width: 1080, height: 1920 }, true);
export const TV = display(2, 'HDMI-1 TV', { x: 1080, y: 0, width: 1920, height: 1080 });

export interface TestShell {
  fe: FakeElectron;
  timers: ManualTimers;
  log: ReturnType<typeof memoryLog>;
  /** Service pids the shell killed hard. */
  killedHard: number[];
  shell: Shell;
  kiosk(): FakeWindow;
  lobby(): FakeWindow | undefined;
  /** The newest service process announces it is ready on `port`. */
  serviceReady(port?: number): Promise<void>;
}

export function startTestShell(o: { displays?: DisplayInfo[]; kioskMode?: boolean; fetch?: typeof fetch; kioskKey?: KioskKey; kioskKeyFile?: string; kioskKeyReadableByOthers?: boolean } = {}): TestShell {
  const fe = fakeElectron(o.displays ?? [TOUCH, TV]);
  const timers = new ManualTimers();
  const log = memoryLog();
  const killedHard: number[] = [];
  const config: ShellConfig = {
    settingsFile: undefined,
    serviceEntry: '/opt/branch-queue/dist/server/main.js',
    serviceArgs: ['--port', '8080', '--data', '/var/lib/branch-queue'],
    dataDir: '/var/lib/branch-queue',
    kioskMode: o.kioskMode ?? true,
    autostart: false,
    screens: { kiosk: 'auto', lobby: 'auto' },
    startTimeoutMs: 60_000,
    ...(o.kioskKeyFile ? { kioskKeyFile: o.kioskKeyFile } : {}),
    ...(o.kioskKey ? { kioskKey: o.kioskKey } : {}),
    ...(o.kioskKeyReadableByOthers ? { kioskKeyReadableByOthers: true } : {}),
  };
  const shell = startShell(
    fe.ports,
    config,
    { kioskPreload: '/opt/branch-queue/dist/electron/kiosk-preload.cjs', staffPreload: '/opt/branch-queue/dist/electron/staff-preload.cjs', pagesDir: fileURLToPath(new URL('../../electron/pages/', import.meta.url)) },
    { log, serviceOutput: null, timers, env: { PATH: '/usr/bin' }, fetch: o.fetch, killHard: (pid) => void killedHard.push(pid) },
  );
  const live = () => fe.windows.filter((w) => !w.destroyed);
  return {
    fe,
    timers,
    log,
    killedHard,
    shell,
    kiosk: () => live().find((w) => w.options.title?.includes('Take a number'))!,
    lobby: () => live().find((w) => w.options.title?.includes('Lobby display')),
    async serviceReady(port = 8080) {
      await settle();
      fe.services.at(-1)!.ready(port);
      await settle();
    },
  };
}

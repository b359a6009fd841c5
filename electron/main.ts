/**
 * The Electron main process of the lobby kiosk: reads the settings, takes the single-instance
 * lock, and hands the real Electron API to the shell (shell.ts), which holds every decision.
 * Built into dist/electron/main.js by electron/build.ts.
 */
import { app, BrowserWindow, ipcMain, Menu, powerSaveBlocker, protocol, screen, session, utilityProcess } from 'electron';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installAutostart } from './autostart.js';
import { SHELL_SCHEME } from './hardening.js';
import { createShellLog, RotatingFile } from './log-files.js';
import type { ElectronPorts } from './ports.js';
import { loadShellConfig, SettingsError, shellArgv, type ShellConfig } from './settings.js';
import { startShell } from './shell.js';

const here = fileURLToPath(new URL('.', import.meta.url));

// Before the app is ready: the shell's scheme is a secure standard origin, and every renderer is sandboxed.
protocol.registerSchemesAsPrivileged([{ scheme: SHELL_SCHEME, privileges: { standard: true, secure: true } }]);
app.enableSandbox();

function readConfig(): ShellConfig {
  try {
    return loadShellConfig(shellArgv(process.argv, app.isPackaged, [fileURLToPath(import.meta.url), app.getAppPath()], process.cwd()), {
      platform: process.platform,
      env: process.env,
      userData: app.getPath('userData'),
      mainDir: here,
      cwd: process.cwd(),
    });
  } catch (e) {
    console.error(e instanceof SettingsError ? `The kiosk did not start: ${e.message}` : e);
    process.exit(2);
  }
}
const config = readConfig();

if (!app.requestSingleInstanceLock()) {
  // Another kiosk shell runs already (the second-instance event brings its window forward).
  app.quit();
} else {
  // Not a top-level await: Electron emits 'ready' only once the entry module has finished loading.
  void app.whenReady().then(run);
}

function run(): void {
  const logs = app.getPath('logs');
  const echo = app.isPackaged ? undefined : (line: string) => console.log(line);
  const log = createShellLog(new RotatingFile(join(logs, 'shell.log')), echo);
  const ports: ElectronPorts = {
    app,
    screen,
    get session() {
      return session.defaultSession;
    },
    protocol,
    ipcMain,
    powerSaveBlocker,
    createWindow: (options, parent) => {
      const parentWindow = parent ? BrowserWindow.fromId(parent.id) : null;
      return new BrowserWindow(parentWindow ? { ...options, parent: parentWindow } : options);
    },
    fork: (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
    setApplicationMenu: (menu) => Menu.setApplicationMenu(menu),
  };
  startShell(
    ports,
    config,
    { kioskPreload: join(here, 'kiosk-preload.cjs'), staffPreload: join(here, 'staff-preload.cjs'), pagesDir: join(here, 'pages') },
    {
      log,
      serviceOutput: new RotatingFile(join(logs, 'service.log')),
      echoServiceOutput: echo,
      env: { ...process.env, NODE_ENV: 'production' },
      killHard: (pid) => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      },
      installAutostart: app.isPackaged
        ? () =>
            installAutostart({
              platform: process.platform,
              configHome: process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'),
              exec: process.env.APPIMAGE ?? process.execPath,
              setLoginItem: (openAtLogin) => app.setLoginItemSettings({ openAtLogin }),
              log,
            })
        : undefined,
    },
  );
}

import { afterAll, describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { desktopExecArg, installAutostart, linuxAutostartEntry } from '../../electron/autostart.js';
import { backoffDelay } from '../../electron/backoff.js';
import { CornerTaps } from '../../electron/gesture.js';
import { LineTail, memoryLog, RotatingFile } from '../../electron/log-files.js';
import { assignScreens } from '../../electron/screens.js';
import { readyOrigin } from '../../electron/service-supervisor.js';
import { loadShellConfig, SettingsError, shellArgv } from '../../electron/settings.js';
import { display } from './fake-electron.js';

const dir = mkdtempSync(join(tmpdir(), 'shell-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('backoff doubles from a second to a minute', () => {
  expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  expect(backoffDelay(0)).toBe(0);
});

test('the ready line is the plain one with the loopback address, not a JSON log line', () => {
  expect(readyOrigin('Branch service ready at http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
  expect(readyOrigin('  Kiosk            http://127.0.0.1:41234/kiosk')).toBe('http://127.0.0.1:41234');
  expect(readyOrigin('{"msg":"listening","url":"http://127.0.0.1:8080"}')).toBeUndefined();
  expect(readyOrigin('ready at http://0.0.0.0:8080')).toBeUndefined();
});

describe('screens', () => {
  const touch = display(1, 'ELO', { x: 0, y: 0, width: 1080, height: 1920 }, true);
  const tv = display(2, 'HDMI TV', { x: 1080, y: 0, width: 1920, height: 1080 });
  const small = display(3, 'VGA', { x: 3000, y: 0, width: 1024, height: 768 });
  test('the kiosk goes to the touch screen, the lobby to the largest other screen', () => {
    expect(assignScreens([tv, touch, small], tv, { kiosk: 'auto', lobby: 'auto' })).toEqual({ kiosk: touch, lobby: tv });
    expect(assignScreens([touch], touch, { kiosk: 'auto', lobby: 'auto' })).toEqual({ kiosk: touch, lobby: null });
  });
  test('IT can name the screens, or turn the lobby window off', () => {
    expect(assignScreens([tv, touch, small], tv, { kiosk: 'primary', lobby: 'vga' })).toEqual({ kiosk: tv, lobby: small });
    expect(assignScreens([tv, touch], tv, { kiosk: 'auto', lobby: 'off' }).lobby).toBeNull();
    // A named screen that is not there falls back to the automatic choice for the kiosk, and to none for the lobby.
    expect(assignScreens([tv, touch], tv, { kiosk: 'missing', lobby: 'missing' })).toEqual({ kiosk: touch, lobby: null });
  });
});

test('the staff gesture is five taps in the corner within four seconds, and nothing else', () => {
  const g = new CornerTaps();
  const tap = (x: number, y: number, t: number) => g.tap(x, y, 1080, 1920, t);
  expect([0, 500, 1000, 1500].map((t) => tap(10, 10, t))).toEqual([false, false, false, false]);
  expect(tap(20, 30, 2000)).toBe(true);
  // Too slow.
  expect([0, 1000, 2000, 3000, 4500].map((t) => tap(5, 5, 10_000 + t)).some(Boolean)).toBe(false);
  // Broken by a tap elsewhere.
  const h = new CornerTaps();
  const seq = [h.tap(5, 5, 1080, 1920, 0), h.tap(5, 5, 1080, 1920, 100), h.tap(500, 900, 1080, 1920, 200), h.tap(5, 5, 1080, 1920, 300), h.tap(5, 5, 1080, 1920, 400), h.tap(5, 5, 1080, 1920, 500)];
  expect(seq).toEqual([false, false, false, false, false, false]);
});

describe('settings', () => {
  const env = (extra: Partial<{ cwd: string }> = {}) => ({ platform: 'linux' as const, env: {}, userData: '/home/kiosk/.config/Branch Queue', mainDir: '/opt/bq/resources/app.asar/dist/electron', cwd: dir, ...extra });
  test('defaults: the service beside the shell on port 8080 of the LAN, data in the user data folder, locked kiosk', () => {
    const c = loadShellConfig(['--settings', writeSettings('empty.yaml', '')], env());
    expect(c.serviceEntry).toBe('/opt/bq/resources/app.asar/dist/server/main.js');
    expect(c.serviceArgs).toEqual(['--port', '8080', '--host', '0.0.0.0', '--data', '/home/kiosk/.config/Branch Queue/data', '--log', 'json']);
    expect(c.kioskMode).toBe(true);
    expect(c.screens).toEqual({ kiosk: 'auto', lobby: 'auto' });
  });
  test('the settings file, then the command line, then service options after --', () => {
    const file = writeSettings(
      'kiosk.yaml',
      'service:\n  port: 9090\n  data: /var/lib/branch-queue\n  config: /etc/branch-queue/branch.yaml\n  args: ["--printer", "serial:///dev/ttyUSB0?baud=115200"]\nscreens:\n  lobby: HDMI\n',
    );
    const c = loadShellConfig(['--settings', file, '--port', '8081', '--windowed', '--', '--card-reader', 'hid://0801:0002'], env());
    expect(c.serviceArgs).toEqual([
      '--port', '8081', '--host', '0.0.0.0', '--data', '/var/lib/branch-queue', '--log', 'json', '--config', '/etc/branch-queue/branch.yaml',
      '--printer', 'serial:///dev/ttyUSB0?baud=115200', '--card-reader', 'hid://0801:0002',
    ]);
    expect(c.kioskMode).toBe(false);
    expect(c.screens.lobby).toBe('HDMI');
    expect(c.settingsFile).toBe(file);
  });
  test('mistakes name the field', () => {
    expect(() => loadShellConfig(['--settings', writeSettings('bad.yaml', 'service:\n  port: "eighty"\n  colour: red\n')], env())).toThrow(/service\.port|colour/);
    expect(() => loadShellConfig(['--settings', join(dir, 'missing.yaml')], env())).toThrow(SettingsError);
    expect(() => loadShellConfig(['--settings', writeSettings('ok.yaml', ''), '--bogus'], env())).toThrow(/bogus/);
  });
  test('Chromium and Node switches are not the shell’s', () => {
    expect(shellArgv(['/usr/bin/electron', '--inspect=0', '--remote-debugging-port=0', 'dist/electron/main.js', '--demo', '--no-sandbox'], false, [join(dir, 'dist/electron/main.js')], dir)).toEqual(['--demo']);
    expect(shellArgv(['/opt/bq/branch-queue-kiosk', '--no-sandbox', '--windowed', '--', '--no-sandbox'], true, [], dir)).toEqual(['--windowed', '--', '--no-sandbox']);
  });
});

function writeSettings(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

test('autostart: a desktop entry on Linux naming the installed executable, a login item on Windows', () => {
  const log = memoryLog();
  installAutostart({ platform: 'linux', configHome: join(dir, 'config'), exec: '/opt/Branch Queue/branch-queue-kiosk', setLoginItem: () => undefined, log });
  const file = join(dir, 'config', 'autostart', 'branch-queue-kiosk.desktop');
  expect(readFileSync(file, 'utf8')).toContain('Exec="/opt/Branch Queue/branch-queue-kiosk"\n');
  expect(linuxAutostartEntry('/opt/bq/run')).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
  expect(desktopExecArg('50%$x')).toBe('"50%%\\$x"');
  let item: boolean | undefined;
  installAutostart({ platform: 'win32', configHome: '', exec: '', setLoginItem: (v) => (item = v), log });
  expect(item).toBe(true);
  expect(existsSync(join(dir, 'autostart'))).toBe(false);
});

test('log files rotate by size and keep a fixed number of generations', () => {
  const f = new RotatingFile(join(dir, 'logs', 'x.log'), { maxBytes: 100, keep: 2 });
  for (let i = 0; i < 20; i++) f.write(`line ${String(i).padStart(2, '0')} ${'.'.repeat(30)}\n`);
  expect(readFileSync(join(dir, 'logs', 'x.log'), 'utf8')).toMatch(/line 18[\s\S]*line 19/);
  expect(existsSync(join(dir, 'logs', 'x.log.1'))).toBe(true);
  expect(existsSync(join(dir, 'logs', 'x.log.2'))).toBe(true);
  expect(existsSync(join(dir, 'logs', 'x.log.3'))).toBe(false);
  const tail = new LineTail(3);
  for (const l of ['a', 'b', 'c', 'd']) tail.push(l);
  expect(tail.lines()).toEqual(['b', 'c', 'd']);
});

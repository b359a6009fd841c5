/**
 * The kiosk shell end to end in the real Electron, driven by Playwright: the kiosk opens on the
 * touch screen, a ticket is taken, the lobby display appears on the second screen, and the pages
 * have no Node. Two screens come from an Xvfb with two Xinerama screens. It runs where the
 * Electron binary exists; where it does not (its download is refused on these machines), the
 * test output says so and why.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { findElectronBinary } from '../../electron/binary.js';
import { buildElectron } from '../../electron/build.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const binary = findElectronBinary(root);
const xvfb = spawnSync('Xvfb', ['-help']).error === undefined;
const notRun = !binary.found ? `the Electron binary is not installed: ${binary.reason}` : !xvfb ? 'Xvfb is not installed (apt-get install xvfb): it provides the two screens' : undefined;
if (notRun) console.warn(`\n  NOT RUN: Electron end-to-end test: ${notRun}.\n  The shell's logic is tested on the fake Electron in test/electron/*.test.ts.\n`);

const dir = mkdtempSync(join(tmpdir(), 'electron-e2e-'));
let x: ChildProcess | undefined;
let app: ElectronApplication | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

beforeAll(async () => {
  if (notRun) return;
  const serviceEntry = join(root, 'dist', 'server', 'main.js');
  if (!existsSync(serviceEntry)) {
    const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  const out = join(dir, 'shell');
  await buildElectron(out);
  const n = 90 + (process.pid % 9);
  const display = `:${n}`;
  x = spawn('Xvfb', [display, '-screen', '0', '1080x1920x24', '-screen', '1', '1920x1080x24', '+xinerama', '-nolisten', 'tcp'], { stdio: 'ignore' });
  while (!existsSync(`/tmp/.X11-unix/X${n}`)) await new Promise((r) => setTimeout(r, 100));
  const settings = join(dir, 'kiosk.yaml');
  writeFileSync(settings, 'autostart: false\n');
  app = await _electron.launch({
    executablePath: binary.found ? binary.path : '',
    args: [join(out, 'main.js'), '--settings', settings, '--service', serviceEntry, '--demo', '--data', join(dir, 'data'), '--port', String(await freePort()), '--kiosk'],
    env: { ...process.env, DISPLAY: display },
    timeout: 60_000,
  });
});

afterAll(async () => {
  await app?.close().catch(() => undefined);
  x?.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function windowAt(path: string): Promise<Page> {
  for (;;) {
    const w = app!.windows().find((p) => new URL(p.url()).pathname === path);
    if (w) return w;
    await app!.waitForEvent('window', { timeout: 60_000 }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test.skipIf(notRun !== undefined)('kiosk opens on the touch screen, a ticket is taken, the lobby display is on the second screen', async () => {
  const kiosk = await windowAt('/kiosk');
  await kiosk.getByRole('button', { name: /现金业务/ }).click({ timeout: 60_000 });
  await expect.poll(() => kiosk.getByTestId('ticket-number').textContent(), { timeout: 30_000 }).toMatch(/^A\d{3}$/);
  // No Node in the page, whatever the page tries.
  expect(await kiosk.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual(['undefined', 'undefined']);

  const lobby = await windowAt('/display');
  await lobby.getByTestId('waiting').waitFor({ timeout: 60_000 });
  const windows = await app!.evaluate(({ BrowserWindow, screen }) => ({
    screens: screen.getAllDisplays().map((d) => d.bounds),
    windows: BrowserWindow.getAllWindows().map((w) => ({ url: w.webContents.getURL(), bounds: w.getBounds(), kiosk: w.isKiosk() })),
  }));
  expect(windows.screens).toHaveLength(2);
  const k = windows.windows.find((w) => w.url.endsWith('/kiosk'))!;
  const l = windows.windows.find((w) => w.url.endsWith('/display'))!;
  expect(k.kiosk).toBe(true);
  expect(k.bounds.x).toBe(0);
  expect(l.bounds.x).toBeGreaterThanOrEqual(1080);
});

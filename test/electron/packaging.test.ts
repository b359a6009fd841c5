/**
 * The packaging configuration read back: what electron-builder will pack and unpack, the fuses
 * the afterPack hook flips (on a stand-in binary carrying Electron's fuse wire, since the real
 * binary cannot be downloaded here), the udev rules and the systemd unit.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, matchesGlob, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type * as Fuses from '@electron/fuses';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const builder = parseYaml(readFileSync(join(root, 'build/electron-builder.yml'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'packaging-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nativeFiles(moduleDir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.node')) out.push(relative(root, p));
    }
  };
  walk(join(root, 'node_modules', moduleDir));
  return out;
}

describe('electron-builder configuration', () => {
  test('Linux AppImage and deb, Windows NSIS', () => {
    expect(builder.linux.target).toEqual(['AppImage', 'deb']);
    expect(builder.win.target).toEqual(['nsis']);
    expect(builder.extraMetadata.main).toBe('dist/electron/main.js');
    expect(builder.files).toContain('dist/**/*');
  });

  test('native modules are rebuilt for Electron from source and unpacked from the ASAR', () => {
    expect(builder.asar).toBe(true);
    expect(builder.npmRebuild).toBe(true);
    expect(builder.buildDependenciesFromSource).toBe(true);
    for (const mod of ['better-sqlite3', '@serialport/bindings-cpp', 'node-hid']) {
      const files = existsSync(join(root, 'node_modules', mod)) ? nativeFiles(mod) : [];
      // node-hid is optional; when it is installed, its binding must be unpacked like the others.
      if (mod !== 'node-hid') expect(files.length, mod).toBeGreaterThan(0);
      for (const f of files) expect(builder.asarUnpack.some((g: string) => matchesGlob(f, g)), f).toBe(true);
      // The whole module folder, not only the .node file: bindings are found relative to the package.
      expect(builder.asarUnpack.some((g: string) => matchesGlob(`node_modules/${mod}/package.json`, g)), mod).toBe(true);
    }
    expect(builder.asarUnpack.some((g: string) => matchesGlob('node_modules/zod/index.js', g))).toBe(false);
  });

  test('every file it refers to exists', () => {
    for (const f of [builder.afterPack, builder.deb.afterInstall, builder.deb.afterRemove, ...builder.extraResources.map((r: { from: string }) => r.from)]) {
      expect(existsSync(join(root, f)), f).toBe(true);
    }
    expect(statSync(join(root, builder.deb.afterInstall)).mode & 0o111).not.toBe(0);
  });
});

describe('fuses', () => {
  const { FuseV1Options, getCurrentFuseWire } = require('@electron/fuses') as typeof Fuses;
  // The wire holds ASCII '1' for an enabled fuse and '0' for a disabled one.
  const FuseState = { ENABLE: '1'.charCodeAt(0), DISABLE: '0'.charCodeAt(0) };
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  // Electron's shipped defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on,
  // ASAR integrity off, app only from ASAR off, browser V8 snapshot off, file:// privileges on.
  const SHIPPED = '10110001';

  function standInBinary(path: string): void {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, Buffer.concat([Buffer.alloc(4096, 7), Buffer.from(SENTINEL), Buffer.from([1, SHIPPED.length]), Buffer.from(SHIPPED), Buffer.alloc(4096, 9)]));
  }

  test('the afterPack hook flips every fuse on the packed Linux executable', async () => {
    const afterPack = require(join(root, 'build/after-pack.cjs'));
    const appOutDir = join(dir, 'linux-unpacked');
    const exe = join(appOutDir, 'branch-queue-kiosk');
    standInBinary(exe);
    await afterPack.default({ appOutDir, electronPlatformName: 'linux', packager: { executableName: 'branch-queue-kiosk', appInfo: { productFilename: 'Branch Queue Kiosk' } } });
    const wire = await getCurrentFuseWire(exe);
    const on = (o: number) => wire[o as keyof typeof wire] === FuseState.ENABLE;
    const off = (o: number) => wire[o as keyof typeof wire] === FuseState.DISABLE;
    expect(off(FuseV1Options.RunAsNode)).toBe(true);
    expect(on(FuseV1Options.EnableCookieEncryption)).toBe(true);
    expect(off(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(true);
    expect(off(FuseV1Options.EnableNodeCliInspectArguments)).toBe(true);
    expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(true);
    expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe(true);
    expect(off(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(true);
    // The rest of the binary is untouched.
    const bytes = readFileSync(exe);
    expect(bytes.subarray(0, 4096).every((b) => b === 7)).toBe(true);
    expect(bytes.subarray(bytes.length - 4096).every((b) => b === 9)).toBe(true);
  });

  test('the Windows executable is found by its product name', () => {
    const afterPack = require(join(root, 'build/after-pack.cjs'));
    expect(afterPack.executablePath({ appOutDir: 'C:/out', electronPlatformName: 'win32', packager: { executableName: 'branch-queue-kiosk', appInfo: { productFilename: 'Branch Queue Kiosk' } } })).toBe(join('C:/out', 'Branch Queue Kiosk.exe'));
  });

  test('a binary without Electron’s fuse wire is refused, not silently passed', async () => {
    const afterPack = require(join(root, 'build/after-pack.cjs'));
    const exe = join(dir, 'not-electron');
    writeFileSync(exe, Buffer.alloc(1000, 1));
    await expect(afterPack.flipKioskFuses(exe, 'linux')).rejects.toThrow(/sentinel/);
  });
});

describe('udev rules', () => {
  const rules = readFileSync(join(root, 'build/linux/70-branch-queue.rules'), 'utf8');
  const KEY = /^(SUBSYSTEM|KERNEL|ACTION|DRIVERS|ATTR\{[a-zA-Z_]+\}|ATTRS\{[a-zA-Z_]+\}|ENV\{[A-Z_]+\}|TAG|GROUP|MODE|SYMLINK)(==|!=|\+=|=|:=)"([^"]*)"$/;

  test('every rule is well formed, with match keys before assignments', () => {
    const lines = rules.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    expect(lines.length).toBeGreaterThanOrEqual(7);
    for (const line of lines) {
      const pairs = line.split(/,\s*/);
      let assigning = false;
      for (const p of pairs) {
        const m = KEY.exec(p.trim());
        expect(m, `${p} in: ${line}`).not.toBeNull();
        const isMatch = m![2] === '==' || m![2] === '!=';
        if (!isMatch) assigning = true;
        else expect(assigning, `match after assignment in: ${line}`).toBe(false);
        if (m![1] === 'MODE') expect(m![3]).toMatch(/^0[0-7]{3}$/);
      }
    }
  });

  test('the supported serial adapters and HID card readers get access without root', () => {
    for (const k of ['ttyUSB', 'ttyACM', 'ttyS']) expect(rules).toMatch(new RegExp(`KERNEL=="${k}\\[0-9\\]\\*".*TAG\\+="uaccess"`));
    for (const vid of ['0801', '0acd']) {
      expect(rules).toMatch(new RegExp(`SUBSYSTEM=="usb".*idVendor\\}=="${vid}".*uaccess`));
      expect(rules).toMatch(new RegExp(`SUBSYSTEM=="hidraw".*idVendor\\}=="${vid}".*uaccess`));
    }
  });

  test('udevadm accepts the file where it can check one (udevadm verify, systemd 253 and later)', () => {
    const probe = spawnSync('udevadm', ['verify', '--help'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      // systemd 252 (Debian 12) has no verify verb: the syntax test above is the check there.
      console.warn(`udevadm verify is not available here (${(probe.stderr || probe.error?.message || 'no udevadm').trim()}); the rules were checked by the syntax test only.`);
      return;
    }
    const r = spawnSync('udevadm', ['verify', '--no-style', join(root, 'build/linux/70-branch-queue.rules')], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});

test('the systemd unit runs the compiled service with a watchdog and restarts it', () => {
  const unit = readFileSync(join(root, 'build/linux/branch-queue.service'), 'utf8');
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(unit)?.[1];
  expect(get('Type')).toBe('notify');
  expect(get('NotifyAccess')).toBe('all');
  expect(Number(get('WatchdogSec'))).toBeGreaterThan(0);
  expect(get('Restart')).toBe('always');
  expect(get('ExecStart')).toMatch(/dist\/server\/main\.js --port 8080 --data \/var\/lib\/branch-queue/);
  const r = spawnSync('systemd-analyze', ['verify', join(root, 'build/linux/branch-queue.service')], { encoding: 'utf8' });
  if (r.error) {
    console.warn(`systemd-analyze is not installed (${r.error.message}); the unit was checked by its keys only.`);
    return;
  }
  expect(r.stderr).not.toMatch(/Unknown key|Unknown section|Invalid|Failed to parse|bad-setting/i);
});

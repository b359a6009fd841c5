/**
 * Start at boot: the kiosk user's session starts the shell when it logs in (a desktop autostart
 * entry on Linux, a login item on Windows). Written by the installed shell itself, so the entry
 * always names the executable that is actually installed (an AppImage may be moved).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ShellLog } from './log-files.js';

export const AUTOSTART_FILE = 'branch-queue-kiosk.desktop';

/** Quotes an argument for a desktop entry's Exec key (freedesktop Desktop Entry spec). */
export function desktopExecArg(arg: string): string {
  const escaped = arg.replace(/%/g, '%%');
  if (!/[\s"'`$\\<>~|&;*?#()]/.test(escaped)) return escaped;
  return `"${escaped.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function linuxAutostartEntry(exec: string, args: string[] = []): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Branch queue kiosk',
    'Name[zh_CN]=网点排队取号机',
    'Comment=Lobby kiosk and queue service',
    `Exec=${[exec, ...args].map(desktopExecArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function installAutostart(o: {
  platform: NodeJS.Platform;
  configHome: string;
  exec: string;
  setLoginItem: (openAtLogin: boolean) => void;
  log: ShellLog;
}): void {
  if (o.platform === 'win32') {
    o.setLoginItem(true);
    o.log.info('login item set: the kiosk starts when this user signs in');
    return;
  }
  if (o.platform !== 'linux') return;
  const file = join(o.configHome, 'autostart', AUTOSTART_FILE);
  const content = linuxAutostartEntry(o.exec);
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    o.log.info('autostart entry written', { file });
  } catch (e) {
    o.log.warn('could not write the autostart entry', { file, error: (e as Error).message });
  }
}

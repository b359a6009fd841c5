/**
 * Kiosk page options from the query string, so each kiosk's shortcut (or the Electron shell)
 * sets them without a server change:
 *   idle=SECONDS    back to the start screen after this long untouched (default 45; decimals ok)
 *   lang=zh|en      starting language (default zh)
 *   large=1         start in large-text mode
 */
import type { Lang } from './text.js';

export interface KioskOptions {
  idleMs: number;
  lang: Lang;
  large: boolean;
}

export function readOptions(search: string): KioskOptions {
  const q = new URLSearchParams(search);
  const idle = Number(q.get('idle'));
  return {
    idleMs: Number.isFinite(idle) && idle > 0 ? Math.min(idle, 3600) * 1000 : 45_000,
    lang: q.get('lang') === 'en' ? 'en' : 'zh',
    large: q.get('large') === '1',
  };
}

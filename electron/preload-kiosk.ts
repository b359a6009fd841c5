/**
 * The kiosk window's preload. It exposes nothing to the page: it only watches for the hidden
 * staff gesture (taps in a corner) and tells the main process, and stops files dropped on the
 * window from doing anything. Bundled to dist/electron/kiosk-preload.cjs (sandboxed preloads
 * are single scripts).
 */
import { ipcRenderer } from 'electron';
import { CHANNELS } from './channels.js';
import { CornerTaps } from './gesture.js';

const taps = new CornerTaps();
window.addEventListener(
  'pointerdown',
  (e) => {
    if (taps.tap(e.clientX, e.clientY, window.innerWidth, window.innerHeight, e.timeStamp)) ipcRenderer.send(CHANNELS.staffGesture);
  },
  { capture: true, passive: true },
);
for (const type of ['dragover', 'drop'] as const) window.addEventListener(type, (e) => e.preventDefault(), { capture: true });

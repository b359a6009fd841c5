/**
 * Which screen shows what: the kiosk page on the touch screen, the lobby display on another
 * screen when there is one. Chosen again whenever screens are added, removed or changed.
 */
import type { DisplayInfo } from './ports.js';

/** 'auto', or part of a screen's label (e.g. "ELO", "HDMI") as the operating system names it. */
export interface ScreenChoice {
  kiosk: 'auto' | 'primary' | string;
  lobby: 'auto' | 'off' | string;
}

export interface ScreenAssignment {
  kiosk: DisplayInfo;
  lobby: DisplayInfo | null;
}

const byLabel = (displays: DisplayInfo[], label: string) => displays.find((d) => d.label.toLowerCase().includes(label.toLowerCase()));
const area = (d: DisplayInfo) => d.bounds.width * d.bounds.height;

export function assignScreens(displays: DisplayInfo[], primary: DisplayInfo, choice: ScreenChoice): ScreenAssignment {
  const all = displays.length > 0 ? displays : [primary];
  let kiosk: DisplayInfo | undefined;
  if (choice.kiosk === 'primary') kiosk = all.find((d) => d.id === primary.id);
  else if (choice.kiosk !== 'auto') kiosk = byLabel(all, choice.kiosk);
  // A touch screen first (the kiosk's own panel), else the primary screen.
  kiosk ??= all.find((d) => d.touchSupport === 'available') ?? all.find((d) => d.id === primary.id) ?? all[0]!;
  const others = all.filter((d) => d.id !== kiosk.id);
  let lobby: DisplayInfo | null = null;
  if (choice.lobby === 'auto') {
    // The lobby TV is the largest other screen; equal sizes keep the operating system's order.
    lobby = others.reduce<DisplayInfo | null>((best, d) => (best === null || area(d) > area(best) ? d : best), null);
  } else if (choice.lobby !== 'off') {
    lobby = byLabel(others, choice.lobby) ?? null;
  }
  return { kiosk, lobby };
}

/**
 * Lab panel for the LED displays and call pads. Its routes (/api/lab/calling/…) are registered
 * by the calling feature itself (server/calling/routes.ts), which owns the simulated devices
 * and is attached after the lab; this entry only lists the panel on GET /api/lab.
 */
import type { LabPanelServer } from './lab-panel.js';

export const callingLab: LabPanelServer = {
  id: 'calling',
  title: { zh: '叫号器 / LED 屏', en: 'Call pads and LED displays' },
  available: (ctx) => ctx.devices.all().some((d) => /^(display|call-pad):sim:/.test(d.id)),
  register: () => undefined,
};

/**
 * Lab panel for the evaluator pads (评价器). Its routes (/api/lab/evaluators/…) are registered by
 * the feedback part itself (server/feedback/routes.ts), which owns the simulated pads; this
 * entry only lists the panel on GET /api/lab.
 */
import type { LabPanelServer } from './lab-panel.js';

export const evaluatorLab: LabPanelServer = {
  id: 'evaluators',
  title: { zh: '评价器', en: 'Evaluator pads' },
  available: (ctx) => ctx.devices.all().some((d) => d.id.startsWith('evaluator:sim:')),
  register: () => undefined,
};

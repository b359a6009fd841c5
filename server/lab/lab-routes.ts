/**
 * /api/lab/*: exists only in demo mode (the routes are not registered otherwise, so a branch in
 * production answers 404). GET /api/lab lists the panels and whether each simulator is present.
 */
import type { FastifyInstance } from 'fastify';
import { cardLab } from './card-lab.js';
import { callingLab } from './calling-lab.js';
import { evaluatorLab } from './evaluator-lab.js';
import type { LabContext, LabPanelServer } from './lab-panel.js';
import { printerLab } from './printer-lab.js';

export const LAB_PANELS: LabPanelServer[] = [printerLab, cardLab, callingLab, evaluatorLab];

export function registerLab(app: FastifyInstance, ctx: LabContext, panels: LabPanelServer[] = LAB_PANELS): void {
  app.get('/api/lab', async () => ({
    panels: panels.map((p) => ({ id: p.id, title: p.title, available: p.available(ctx) })),
    devices: ctx.devices.list(),
  }));
  for (const p of panels) p.register(app, ctx, `/api/lab/${p.id}`);
}

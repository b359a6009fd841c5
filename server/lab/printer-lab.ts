/**
 * Lab panel for the simulated ticket printer: the tickets as the fake printer decoded them from
 * the real ESC/POS bytes, its state, and buttons to make paper low or out, open the cover, pull
 * the cable.
 */
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import { parseInput } from '../http/validate.js';
import type { LabContext, LabPanelServer } from './lab-panel.js';

const conditionBody = z
  .object({
    paperNearEnd: z.boolean().optional(),
    paperEnd: z.boolean().optional(),
    coverOpen: z.boolean().optional(),
    cutterError: z.boolean().optional(),
    answering: z.boolean().optional(),
    /** Everything back to a healthy printer. */
    normal: z.literal(true).optional(),
  })
  .strict();
const cableBody = z.object({ plugged: z.boolean() }).strict();
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

function sim(ctx: LabContext) {
  if (!ctx.printer) throw new DomainError('NO_SIM_PRINTER', 'The printer is real hardware here, not the simulator.');
  return ctx.printer;
}

export const printerLab: LabPanelServer = {
  id: 'printer',
  title: { zh: '号票打印机', en: 'Ticket printer' },
  available: (ctx) => ctx.printer !== undefined,
  register(app, ctx, prefix) {
    app.get(`${prefix}`, async (req) => {
      const p = sim(ctx);
      const { limit } = parseInput(listQuery, req.query, 'query');
      const all = p.fake.tickets;
      // Newest first, each with its position in the day's paper so the page can key on it.
      const tickets = all
        .slice(-limit)
        .map((t, i) => ({ seq: all.length - Math.min(limit, all.length) + i + 1, cut: t.cut, items: t.items }))
        .reverse();
      return { status: p.printer.status(), condition: p.fake.condition, plugged: p.cable.plugged, printed: all.length, tickets };
    });
    app.post(`${prefix}/condition`, async (req) => {
      const p = sim(ctx);
      const b = parseInput(conditionBody, req.body);
      if (b.normal) {
        p.fake.setPaperNearEnd(false);
        p.fake.setPaperEnd(false);
        p.fake.setCoverOpen(false);
        p.fake.setCutterError(false);
        p.fake.setAnswering(true);
      }
      if (b.paperNearEnd !== undefined) p.fake.setPaperNearEnd(b.paperNearEnd);
      if (b.paperEnd !== undefined) p.fake.setPaperEnd(b.paperEnd);
      if (b.coverOpen !== undefined) p.fake.setCoverOpen(b.coverOpen);
      if (b.cutterError !== undefined) p.fake.setCutterError(b.cutterError);
      if (b.answering !== undefined) p.fake.setAnswering(b.answering);
      return { condition: p.fake.condition };
    });
    app.post(`${prefix}/cable`, async (req) => {
      const p = sim(ctx);
      const { plugged } = parseInput(cableBody, req.body);
      if (plugged) p.cable.plugIn();
      else p.cable.unplug();
      return { plugged: p.cable.plugged };
    });
  },
};

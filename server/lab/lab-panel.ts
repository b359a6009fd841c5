/**
 * The device lab (demo mode only) is a list of panels. Each panel is one file here with its
 * `/api/lab/<id>/…` endpoints, and one file under renderer/lab/panels/ with its view. To add
 * a panel (LED displays, call pads…): write both files, put the server one in LAB_PANELS
 * (lab-routes.ts) and the view in the renderer's panel list. A panel whose simulator is absent
 * (e.g. a real printer was given with --printer) says so through `available`.
 */
import type { FastifyInstance } from 'fastify';
import type { SimPrinter } from '../../drivers/sim/sim-printer.js';
import type { CardIdentity } from '../card-identity/card-identity.js';
import type { DeviceRegistry } from '../devices.js';

/** What the lab panels can reach. Add optional fields for new simulators. */
export interface LabContext {
  devices: DeviceRegistry;
  printer?: SimPrinter;
  cards?: CardIdentity;
}

export interface LabPanelServer {
  /** Path segment and the renderer panel's id. */
  id: string;
  title: { zh: string; en: string };
  available(ctx: LabContext): boolean;
  /** Registers routes under /api/lab/<id>/. */
  register(app: FastifyInstance, ctx: LabContext, prefix: string): void;
}

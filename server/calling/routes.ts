/**
 * HTTP routes of the calling feature, added to the LAN API:
 * - GET /api/display/settings: what the lobby display page needs beyond /api/queue (notice,
 *   voice languages); public, no personal data.
 * - GET /api/counters/:counter/current: the counter's current ticket as staff see it (how long it
 *   waited, why it was chosen), so a reloaded teller console recovers it; staff at that counter.
 * - Demo mode only, /api/lab/calling/*: the simulated LED displays and call pads for the device lab.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import { CALL_PAD_KEYS } from '../../drivers/callpad/protocol.js';
import { requireCounterAccess, type Auth } from '../auth.js';
import type { BranchService } from '../branch-service.js';
import { parseInput } from '../http/validate.js';
import type { CallingDevices } from './calling-devices.js';

export interface LobbySettings {
  notice?: string;
  voiceLanguages: string[];
  recentCalls: number;
}

const counterParams = z.object({ counter: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'is not a counter id') });
const keyBody = z.object({ key: z.enum(CALL_PAD_KEYS) }).strict();
const cableParams = z.object({ device: z.string().min(1).max(200), action: z.enum(['unplug', 'plug']) });

export function registerCallingRoutes(
  app: FastifyInstance,
  deps: { service: BranchService; auth: Auth; calling: CallingDevices; settings: LobbySettings; demo: boolean },
): void {
  const { service, auth, calling } = deps;
  const now = () => service.clock();

  app.get('/api/display/settings', async () => ({
    branch: { id: service.branchId, name: service.queueConfig.branch.name, timeZone: service.queueConfig.branch.timeZone },
    notice: deps.settings.notice ?? null,
    voiceLanguages: deps.settings.voiceLanguages,
    recentCalls: deps.settings.recentCalls,
  }));

  app.get('/api/counters/:counter/current', async (req) => {
    const p = auth.authenticate(req.headers.authorization, now());
    const { counter } = parseInput(counterParams, req.params, 'counter');
    if (!service.queueConfig.counters.some((c) => c.id === counter)) throw new DomainError('UNKNOWN_COUNTER', `There is no counter ${counter}.`);
    requireCounterAccess(p, counter, service.counterState(counter));
    return service.counterView(counter);
  });

  if (!deps.demo) return;

  const sims = () => [
    ...calling.displayBuses.map((b) => ({ id: b.opened.device.id, kind: b.plan.kind, sim: b.opened.sim })),
    ...calling.padLines.map((l) => ({ id: l.opened.device.id, kind: 'call_pad' as const, sim: l.opened.sim })),
  ];

  app.get('/api/lab/calling', async () => ({
    counters: calling.wiring(),
    displays: calling.displayBuses.map((b) => ({
      id: b.opened.device.id,
      kind: b.plan.kind,
      simulated: Boolean(b.opened.sim),
      plugged: b.opened.sim?.cable.plugged ?? null,
      state: b.opened.device.status().state,
      boards: b.plan.boards,
      screens: b.opened.sim ? [...b.opened.sim.fake.screens.values()] : [],
    })),
    pads: calling.padLines.map((l) => ({
      id: l.opened.device.id,
      simulated: Boolean(l.opened.sim),
      plugged: l.opened.sim?.cable.plugged ?? null,
      state: l.opened.device.status().state,
      screens: l.opened.sim ? [...l.opened.sim.fake.screens.values()] : [],
    })),
  }));

  app.post('/api/lab/calling/pads/:counter/keys', async (req) => {
    const { counter } = parseInput(counterParams, req.params, 'counter');
    const { key } = parseInput(keyBody, req.body);
    const wiring = calling.wiring().find((w) => w.counterId === counter);
    if (!wiring?.callPad) throw new DomainError('NO_CALL_PAD', `Counter ${counter} has no call pad.`);
    const line = calling.padLines.find((l) => l.opened.device.id === wiring.callPad!.device);
    if (!line?.opened.sim) throw new DomainError('NOT_SIMULATED', `The call pad of counter ${counter} is a real device; press its keys at the counter.`);
    // Through the simulated pad and its cable, so the lab exercises the real driver path.
    const acked = await line.opened.sim.fake.press(wiring.callPad.address, key);
    return { acked };
  });

  app.post('/api/lab/calling/cables/:device/:action', async (req) => {
    const { device, action } = parseInput(cableParams, req.params, 'path');
    const entry = sims().find((s) => s.id === device);
    if (!entry) throw new DomainError('UNKNOWN_DEVICE', `No calling device ${device}.`);
    if (!entry.sim) throw new DomainError('NOT_SIMULATED', `${device} is a real device; unplug its cable by hand.`);
    if (action === 'unplug') entry.sim.cable.unplug();
    else entry.sim.cable.plugIn();
    return { id: device, plugged: entry.sim.cable.plugged };
  });
}

/**
 * Which calling devices the branch has and where each counter's display and pad sit on which
 * bus. Pure: from the configuration and the command line to a plan; calling-devices.ts opens it.
 *
 * - A counter's display: `counters[].devices.display`; its bus address is the URI's `address=N`,
 *   else the counter id when that is a number (counter 3 → address 3).
 * - Lobby boards: config `devices.lobbyDisplay` and every `--display URI`. A `--display` URI with
 *   `counter=N` is that counter's display instead (it overrides the config's).
 * - Call pads: `counters[].devices.callPad`; a pad's address is its counter number (the URI's
 *   `address=N` may say otherwise for a counter whose id is not a number).
 * - Demo mode: whatever is not configured is simulated: counter displays on one sim bus, pads on
 *   one sim line, the lobby board on its own sim bus.
 * URIs that share a port (busKey) are opened once.
 */
import { DomainError } from '../../common/errors.js';
import type { ConfigFile } from '../../config/schema.js';
import { parseCallPadTarget } from '../../drivers/callpad/open-callpad.js';
import { parseDisplayTarget } from '../../drivers/display/open-display.js';

export interface DisplayPlan {
  busKey: string;
  /** The first URI seen for this bus (protocol and port settings come from it). */
  uri: string;
  kind: 'counter_display' | 'lobby_display';
  /** Counter displays on this bus: counter id → address. */
  counters: Map<string, number>;
  /** Lobby boards on this bus, by address. */
  boards: number[];
}

export interface PadPlan {
  busKey: string;
  uri: string;
  /** Pad address → counter id. */
  counters: Map<number, string>;
}

export interface CallingPlan {
  displays: DisplayPlan[];
  pads: PadPlan[];
}

export const DEMO_URIS = {
  counterDisplays: 'sim://counter-displays',
  lobbyDisplay: 'sim://lobby-display?address=1',
  callPads: 'sim://call-pads',
};

function numericAddress(counterId: string): number | undefined {
  return /^\d{1,3}$/.test(counterId) ? Number(counterId) : undefined;
}

export function planCallingDevices(file: ConfigFile, opts: { demo: boolean; displays?: string[] }): CallingPlan {
  const counterDisplayUris = new Map<string, string>();
  const boardUris: string[] = [];
  for (const c of file.counters) if (c.devices.display) counterDisplayUris.set(c.id, c.devices.display);
  if (file.devices.lobbyDisplay) boardUris.push(file.devices.lobbyDisplay);
  for (const uri of opts.displays ?? []) {
    const counter = parseDisplayTarget(uri).uri.params.counter;
    if (counter === undefined) boardUris.push(uri);
    else if (file.counters.some((c) => c.id === counter)) counterDisplayUris.set(counter, uri);
    else throw new DomainError('BAD_DEVICE_URI', `display URI "${uri}": there is no counter "${counter}" in the configuration`);
  }
  if (opts.demo) {
    for (const c of file.counters) {
      const address = numericAddress(c.id);
      if (!counterDisplayUris.has(c.id) && address !== undefined && address >= 1) counterDisplayUris.set(c.id, `${DEMO_URIS.counterDisplays}?address=${address}`);
    }
    if (boardUris.length === 0) boardUris.push(DEMO_URIS.lobbyDisplay);
  }

  const displays = new Map<string, DisplayPlan>();
  const bus = (uri: string, kind: DisplayPlan['kind']) => {
    const target = parseDisplayTarget(uri);
    let plan = displays.get(target.busKey);
    if (!plan) {
      plan = { busKey: target.busKey, uri, kind, counters: new Map(), boards: [] };
      displays.set(target.busKey, plan);
    }
    // A bus that carries any counter display is a counter-display bus (the board shares it).
    if (kind === 'counter_display') plan.kind = 'counter_display';
    return { plan, target };
  };
  for (const [counterId, uri] of counterDisplayUris) {
    const { plan, target } = bus(uri, 'counter_display');
    const address = target.address ?? numericAddress(counterId) ?? 1;
    plan.counters.set(counterId, address);
  }
  for (const uri of boardUris) {
    const { plan, target } = bus(uri, 'lobby_display');
    plan.boards.push(target.address ?? 1);
  }

  const pads = new Map<string, PadPlan>();
  for (const c of file.counters) {
    let uri = c.devices.callPad;
    if (!uri && opts.demo && numericAddress(c.id) !== undefined && Number(c.id) >= 1) uri = DEMO_URIS.callPads;
    if (!uri) continue;
    const target = parseCallPadTarget(uri);
    const address = target.address ?? numericAddress(c.id);
    if (address === undefined) {
      throw new DomainError('BAD_DEVICE_URI', `call-pad URI "${uri}" of counter ${c.id}: the counter id is not a number, so the URI needs address=N`);
    }
    let plan = pads.get(target.busKey);
    if (!plan) {
      plan = { busKey: target.busKey, uri, counters: new Map() };
      pads.set(target.busKey, plan);
    }
    const other = plan.counters.get(address);
    if (other !== undefined && other !== c.id) {
      throw new DomainError('BAD_DEVICE_URI', `call pads of counters ${other} and ${c.id} both have address ${address} on ${target.busKey}`);
    }
    plan.counters.set(address, c.id);
  }
  return { displays: [...displays.values()], pads: [...pads.values()] };
}

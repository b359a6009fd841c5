/**
 * Builds a display bus from its device URI (DESIGN §4):
 *   serial:///dev/ttyS1?baud=9600&protocol=framed&address=3
 *   tcp://192.0.2.20:4001?protocol=line          (a serial-to-Ethernet converter)
 *   sim  /  sim://lobby?protocol=line             (demo mode: a FakeDisplay on a memory cable)
 * `address` is the default address of instructions that carry none; `addresses=1,2,10` lists the
 * displays on the bus so they are health-probed before first use. Several counters sharing one
 * port write the same URI apart from `address`: group them by `busKey` and open the bus once.
 */
import { AppError } from '../../common/errors.js';
import type { Logger } from '../logger.js';
import { FakeDisplay } from '../sim/fake-display.js';
import { createMemoryCable, type MemoryCable } from '../transport/memory-transport.js';
import { openTransport } from '../transport/open-transport.js';
import type { ReconnectOptions } from '../transport/reconnecting-transport.js';
import { parseDeviceUri, type DeviceUri } from '../uri.js';
import { DisplayDevice, type DisplayDeviceOptions } from './display-device.js';
import { getDisplayProtocol } from './registry.js';

export interface DisplayTarget {
  uri: DeviceUri;
  /** Identifies the physical bus (port), whatever the address: one DisplayDevice per busKey. */
  busKey: string;
  protocol: string;
  /** The display's address on the bus, from `address=N`; undefined when the URI has none. */
  address: number | undefined;
  /** From `addresses=1,2,10`. */
  addresses: number[];
}

function bad(text: string, why: string): AppError {
  return new AppError('BAD_DEVICE_URI', `display URI "${text}": ${why}`, 400);
}

function parseAddress(text: string, value: string): number {
  if (!/^\d{1,3}$/.test(value)) throw bad(text, `address "${value}" is not a number`);
  return Number(value);
}

/** Parses and validates a display URI; throws AppError BAD_DEVICE_URI / UNKNOWN_DISPLAY_PROTOCOL. */
export function parseDisplayTarget(text: string | DeviceUri): DisplayTarget {
  const uri = typeof text === 'string' ? parseDeviceUri(text) : text;
  if (uri.scheme === 'hid') throw bad(uri.text, 'displays are serial, tcp or sim devices');
  const protocol = getDisplayProtocol(uri.params.protocol);
  const address = uri.params.address === undefined ? undefined : parseAddress(uri.text, uri.params.address);
  const addresses = (uri.params.addresses ?? '')
    .split(',')
    .filter((a) => a !== '')
    .map((a) => parseAddress(uri.text, a));
  for (const a of [...addresses, ...(address === undefined ? [] : [address])]) {
    if (a < protocol.minAddress || a > protocol.maxAddress) {
      throw bad(uri.text, `address ${a} is outside ${protocol.minAddress}–${protocol.maxAddress} for protocol ${protocol.name}`);
    }
  }
  const busKey =
    uri.scheme === 'serial' ? `serial://${uri.path}` : uri.scheme === 'tcp' ? `tcp://${uri.host}:${uri.port}` : `sim://${uri.name}`;
  return { uri, busKey, protocol: protocol.name, address, addresses };
}

export interface OpenDisplayOptions
  extends Omit<DisplayDeviceOptions, 'transport' | 'protocol' | 'defaultAddress' | 'addresses'> {
  reconnect?: ReconnectOptions;
  logger?: Logger;
}

export interface OpenedDisplay {
  device: DisplayDevice;
  target: DisplayTarget;
  /** Demo mode only: the simulated displays and their cable (the lab shows `fake.screens`). */
  sim?: { fake: FakeDisplay; cable: MemoryCable };
}

/** Creates (does not start) the display bus a URI names. Start `sim.fake` too, and stop both. */
export function openDisplay(text: string | DeviceUri, options: OpenDisplayOptions): OpenedDisplay {
  const target = parseDisplayTarget(text);
  const common = {
    ...options,
    protocol: target.protocol,
    addresses: target.addresses,
    ...(target.address === undefined ? {} : { defaultAddress: target.address }),
  };
  if (target.uri.scheme === 'sim') {
    const cable = createMemoryCable(target.uri.text);
    const fake = new FakeDisplay({ transport: cable.device, protocol: target.protocol, logger: options.logger });
    return { device: new DisplayDevice({ ...common, transport: cable.product }), target, sim: { fake, cable } };
  }
  const transport = openTransport(target.uri, { ...options.reconnect, logger: options.logger });
  return { device: new DisplayDevice({ ...common, transport }), target };
}

/**
 * What a display or call-pad URI names (DESIGN §4): the bus (port) shared by every device wired
 * to it, the protocol spoken on it, and addresses on it:
 *   serial:///dev/ttyS1?baud=9600&protocol=framed&address=3&addresses=1,2,3
 *   tcp://192.0.2.20:4001?protocol=line            (a serial-to-Ethernet converter)
 *   sim  /  sim://lobby?protocol=line               (demo mode: a simulator on a memory cable)
 * Devices sharing one port write URIs that differ only in `address`; the service groups them by
 * `busKey` and opens the bus once, since only one owner may open a port.
 */
import { DomainError } from '../../common/errors.js';
import type { Logger } from '../logger.js';
import { createMemoryCable, type MemoryCable } from '../transport/memory-transport.js';
import { openTransport } from '../transport/open-transport.js';
import type { ReconnectOptions } from '../transport/reconnecting-transport.js';
import type { Transport } from '../transport/transport.js';
import { parseDeviceUri, type DeviceUri } from '../uri.js';

export interface BusTarget {
  uri: DeviceUri;
  /** Identifies the physical bus (port), whatever the address. */
  busKey: string;
  protocol: string;
  /** The device's address on the bus, from `address=N`; undefined when the URI has none. */
  address: number | undefined;
  /** Every device on the bus, from `addresses=1,2,10`. */
  addresses: number[];
}

/** What a bus target needs to know of a protocol. */
export interface AddressedProtocol {
  readonly name: string;
  readonly minAddress: number;
  readonly maxAddress: number;
}

export interface BusKind {
  /** In messages: "display", "call-pad". */
  what: string;
  /** In messages: "displays", "call pads". */
  plural: string;
  protocol(name: string | undefined): AddressedProtocol;
}

/** Parses and checks a bus device URI; throws BAD_DEVICE_URI or the kind's unknown-protocol code. */
export function parseBusTarget(text: string | DeviceUri, kind: BusKind): BusTarget {
  const uri = typeof text === 'string' ? parseDeviceUri(text) : text;
  const bad = (why: string) => new DomainError('BAD_DEVICE_URI', `${kind.what} URI "${uri.text}": ${why}`, { uri: uri.text });
  if (uri.scheme === 'hid') throw bad(`${kind.plural} are serial, tcp or sim devices`);
  const protocol = kind.protocol(uri.params.protocol);
  const address = (value: string): number => {
    if (!/^\d{1,3}$/.test(value)) throw bad(`address "${value}" is not a number`);
    const n = Number(value);
    if (n < protocol.minAddress || n > protocol.maxAddress) {
      throw bad(`address ${n} is outside ${protocol.minAddress}–${protocol.maxAddress} for protocol ${protocol.name}`);
    }
    return n;
  };
  return {
    uri,
    busKey: busKeyOf(uri),
    protocol: protocol.name,
    address: uri.params.address === undefined ? undefined : address(uri.params.address),
    addresses: (uri.params.addresses ?? '')
      .split(',')
      .filter((a) => a !== '')
      .map(address),
  };
}

function busKeyOf(uri: DeviceUri): string {
  switch (uri.scheme) {
    case 'serial':
      return `serial://${uri.path}`;
    case 'tcp':
      return `tcp://${uri.host}:${uri.port}`;
    default:
      return `sim://${'name' in uri ? uri.name : 'sim'}`;
  }
}

export interface BusLinkOptions {
  reconnect?: ReconnectOptions;
  logger?: Logger;
}

/** A bus device, its target, and in demo mode the simulator on the device end of its cable. */
export interface OpenedBus<D, F> {
  device: D;
  target: BusTarget;
  /** Demo mode only: the simulator (started and stopped by the caller) and its cable. */
  sim?: { fake: F; cable: MemoryCable };
}

/**
 * Builds (does not start) the device of a bus target on the transport the target names. For
 * `sim` it lays a memory cable and builds the simulator on its device end.
 */
export function openBus<D, F>(
  target: BusTarget,
  options: BusLinkOptions,
  build: { device: (transport: Transport) => D; simulator: (deviceEnd: Transport) => F },
): OpenedBus<D, F> {
  if (target.uri.scheme === 'sim') {
    const cable = createMemoryCable(target.uri.text);
    return { device: build.device(cable.product), target, sim: { fake: build.simulator(cable.device), cable } };
  }
  return { device: build.device(openTransport(target.uri, { ...options.reconnect, logger: options.logger })), target };
}

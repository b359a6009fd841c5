/**
 * Builds a display bus from its device URI (DESIGN §4):
 *   serial:///dev/ttyS1?baud=9600&protocol=framed&address=3
 *   tcp://192.0.2.20:4001?protocol=line          (a serial-to-Ethernet converter)
 *   sim  /  sim://lobby?protocol=line             (demo mode: a FakeDisplay on a memory cable)
 * `address` is the default address of instructions that carry none; `addresses=1,2,10` lists the
 * displays on the bus so they are health-probed before first use. Several counters sharing one
 * port write the same URI apart from `address`: group them by `busKey` and open the bus once.
 */
import { openBus, parseBusTarget, type BusLinkOptions, type BusTarget, type OpenedBus } from '../bus/bus-target.js';
import type { DeviceUri } from '../uri.js';
import { FakeDisplay } from '../sim/fake-display.js';
import { DisplayDevice, type DisplayDeviceOptions } from './display-device.js';
import { displayProtocols } from './registry.js';

/** Parses and validates a display URI; throws BAD_DEVICE_URI or UNKNOWN_DISPLAY_PROTOCOL. */
export function parseDisplayTarget(text: string | DeviceUri): BusTarget {
  return parseBusTarget(text, { what: 'display', plural: 'displays', protocol: (name) => displayProtocols.get(name) });
}

export type OpenDisplayOptions = Omit<DisplayDeviceOptions, 'transport' | 'protocol' | 'defaultAddress' | 'addresses'> & BusLinkOptions;

/** The display bus; in demo mode `sim.fake` holds what the simulated displays show. */
export type OpenedDisplay = OpenedBus<DisplayDevice, FakeDisplay>;

/** Creates (does not start) the display bus a URI names. Start `sim.fake` too, and stop both. */
export function openDisplay(text: string | DeviceUri, options: OpenDisplayOptions): OpenedDisplay {
  const target = parseDisplayTarget(text);
  return openBus(target, options, {
    device: (transport) =>
      new DisplayDevice({
        ...options,
        transport,
        protocol: target.protocol,
        addresses: target.addresses,
        ...(target.address === undefined ? {} : { defaultAddress: target.address }),
      }),
    simulator: (transport) => new FakeDisplay({ transport, protocol: target.protocol, logger: options.logger }),
  });
}

/**
 * Builds a call-pad line from its device URI:
 *   serial:///dev/ttyS3?baud=9600&protocol=pad-frame
 *   sim  /  sim://pads                           (demo mode: a FakeCallPad on a memory cable)
 * Pads are addressed by counter number inside their frames, so one line serves every counter
 * wired to it; the URI's `address=N` (if any) only tells the service which counter a pad is.
 * Group URIs by `busKey` and open each line once.
 */
import { openBus, parseBusTarget, type BusLinkOptions, type BusTarget, type OpenedBus } from '../bus/bus-target.js';
import type { DeviceUri } from '../uri.js';
import { FakeCallPad } from '../sim/fake-callpad.js';
import { CallPadDevice, type CallPadDeviceOptions } from './callpad-device.js';
import { callPadProtocols } from './registry.js';

/** Parses and validates a call-pad URI; throws BAD_DEVICE_URI or UNKNOWN_CALL_PAD_PROTOCOL. */
export function parseCallPadTarget(text: string | DeviceUri): BusTarget {
  return parseBusTarget(text, { what: 'call-pad', plural: 'call pads', protocol: (name) => callPadProtocols.get(name) });
}

export type OpenCallPadOptions = Omit<CallPadDeviceOptions, 'transport' | 'protocol' | 'addresses'> & BusLinkOptions;

/** The call-pad line; in demo mode the lab presses keys with `sim.fake.press(counter, key)`. */
export type OpenedCallPad = OpenedBus<CallPadDevice, FakeCallPad>;

/** Creates (does not start) the call-pad line a URI names. Start `sim.fake` too, and stop both. */
export function openCallPad(text: string | DeviceUri, options: OpenCallPadOptions): OpenedCallPad {
  const target = parseCallPadTarget(text);
  return openBus(target, options, {
    device: (transport) => new CallPadDevice({ ...options, transport, protocol: target.protocol, addresses: target.addresses }),
    simulator: (transport) => new FakeCallPad({ transport, protocol: target.protocol, logger: options.logger }),
  });
}

/**
 * Builds a call-pad line from its device URI:
 *   serial:///dev/ttyS3?baud=9600&protocol=pad-frame
 *   sim  /  sim://pads                           (demo mode: a FakeCallPad on a memory cable)
 * Pads are addressed by counter number inside their frames, so one line serves every counter
 * wired to it; the URI's `address=N` (if any) only tells the service which counter a pad is.
 * Group URIs by `busKey` and open each line once.
 */
import { AppError } from '../../common/errors.js';
import type { Logger } from '../logger.js';
import { FakeCallPad } from '../sim/fake-callpad.js';
import { createMemoryCable, type MemoryCable } from '../transport/memory-transport.js';
import { openTransport } from '../transport/open-transport.js';
import type { ReconnectOptions } from '../transport/reconnecting-transport.js';
import { parseDeviceUri, type DeviceUri } from '../uri.js';
import { CallPadDevice, type CallPadDeviceOptions } from './callpad-device.js';
import { getCallPadProtocol } from './registry.js';

export interface CallPadTarget {
  uri: DeviceUri;
  busKey: string;
  protocol: string;
  address: number | undefined;
}

export function parseCallPadTarget(text: string | DeviceUri): CallPadTarget {
  const uri = typeof text === 'string' ? parseDeviceUri(text) : text;
  if (uri.scheme === 'hid') throw new AppError('BAD_DEVICE_URI', `call-pad URI "${uri.text}": call pads are serial, tcp or sim devices`, 400);
  const protocol = getCallPadProtocol(uri.params.protocol);
  let address: number | undefined;
  if (uri.params.address !== undefined) {
    address = Number(uri.params.address);
    if (!Number.isInteger(address) || address < protocol.minAddress || address > protocol.maxAddress) {
      throw new AppError(
        'BAD_DEVICE_URI',
        `call-pad URI "${uri.text}": address must be ${protocol.minAddress}–${protocol.maxAddress}`,
        400,
      );
    }
  }
  const busKey =
    uri.scheme === 'serial' ? `serial://${uri.path}` : uri.scheme === 'tcp' ? `tcp://${uri.host}:${uri.port}` : `sim://${uri.name}`;
  return { uri, busKey, protocol: protocol.name, address };
}

export interface OpenCallPadOptions extends Omit<CallPadDeviceOptions, 'transport' | 'protocol'> {
  reconnect?: ReconnectOptions;
  logger?: Logger;
}

export interface OpenedCallPad {
  device: CallPadDevice;
  target: CallPadTarget;
  /** Demo mode only: the simulated pads (the lab calls `fake.press(counter, key)`). */
  sim?: { fake: FakeCallPad; cable: MemoryCable };
}

/** Creates (does not start) the call-pad line a URI names. Start `sim.fake` too, and stop both. */
export function openCallPad(text: string | DeviceUri, options: OpenCallPadOptions): OpenedCallPad {
  const target = parseCallPadTarget(text);
  if (target.uri.scheme === 'sim') {
    const cable = createMemoryCable(target.uri.text);
    const fake = new FakeCallPad({ transport: cable.device, protocol: target.protocol, logger: options.logger });
    return { device: new CallPadDevice({ ...options, protocol: target.protocol, transport: cable.product }), target, sim: { fake, cable } };
  }
  const transport = openTransport(target.uri, { ...options.reconnect, logger: options.logger });
  return { device: new CallPadDevice({ ...options, protocol: target.protocol, transport }), target };
}

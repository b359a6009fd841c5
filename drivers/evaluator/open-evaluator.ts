/**
 * Builds an evaluator line from its device URI:
 *   serial:///dev/ttyS4?baud=9600&protocol=eval-frame
 *   sim  /  sim://evaluators                    (demo mode: a FakeEvaluator on a memory cable)
 * Evaluators are addressed by counter number inside their frames, so one line serves every
 * counter wired to it; the URI's `address=N` (if any) only tells the service which counter an
 * evaluator belongs to. Group URIs by `busKey` and open each line once.
 */
import { openBus, parseBusTarget, type BusLinkOptions, type BusTarget, type OpenedBus } from '../bus/bus-target.js';
import { FakeEvaluator } from '../sim/fake-evaluator.js';
import type { DeviceUri } from '../uri.js';
import { EvaluatorDevice, type EvaluatorDeviceOptions } from './evaluator-device.js';
import { evaluatorProtocols } from './registry.js';

/** Parses and validates an evaluator URI; throws BAD_DEVICE_URI or UNKNOWN_EVALUATOR_PROTOCOL. */
export function parseEvaluatorTarget(text: string | DeviceUri): BusTarget {
  return parseBusTarget(text, { what: 'evaluator', plural: 'evaluators', protocol: (name) => evaluatorProtocols.get(name) });
}

export type OpenEvaluatorOptions = Omit<EvaluatorDeviceOptions, 'transport' | 'protocol' | 'addresses'> & BusLinkOptions;

/** The evaluator line; in demo mode the lab rates with `sim.fake.rate(counter, level)`. */
export type OpenedEvaluator = OpenedBus<EvaluatorDevice, FakeEvaluator>;

/** Creates (does not start) the evaluator line a URI names. Start `sim.fake` too, and stop both. */
export function openEvaluator(text: string | DeviceUri, options: OpenEvaluatorOptions): OpenedEvaluator {
  const target = parseEvaluatorTarget(text);
  return openBus(target, options, {
    device: (transport) => new EvaluatorDevice({ ...options, transport, protocol: target.protocol, addresses: target.addresses }),
    simulator: (transport) => new FakeEvaluator({ transport, protocol: target.protocol, logger: options.logger }),
  });
}

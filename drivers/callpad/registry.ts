/**
 * Call-pad protocols by name (`?protocol=NAME`). Adding a vendor: one file in protocols/ and one
 * line here.
 */
import { AppError } from '../../common/errors.js';
import type { CallPadProtocol } from './protocol.js';
import { padFrameProtocol } from './protocols/pad-frame.js';

const protocols = new Map<string, CallPadProtocol>();

export function registerCallPadProtocol(protocol: CallPadProtocol): void {
  protocols.set(protocol.name, protocol);
}

registerCallPadProtocol(padFrameProtocol);

export const DEFAULT_CALL_PAD_PROTOCOL = padFrameProtocol.name;

export function callPadProtocolNames(): string[] {
  return [...protocols.keys()];
}

export function getCallPadProtocol(name: string = DEFAULT_CALL_PAD_PROTOCOL): CallPadProtocol {
  const protocol = protocols.get(name);
  if (!protocol) {
    throw new AppError(
      'UNKNOWN_CALL_PAD_PROTOCOL',
      `call-pad protocol "${name}" is not known; use one of: ${callPadProtocolNames().join(', ')}`,
      400,
    );
  }
  return protocol;
}

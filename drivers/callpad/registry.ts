/**
 * Call-pad protocols by name (`?protocol=NAME` in the device URI); the first is the default.
 * Adding a vendor: one file in protocols/ and its name in this list.
 */
import { ProtocolRegistry } from '../bus/protocol-registry.js';
import type { CallPadProtocol } from './protocol.js';
import { padFrameProtocol } from './protocols/pad-frame.js';

export const callPadProtocols = new ProtocolRegistry<CallPadProtocol>('call-pad protocol', 'UNKNOWN_CALL_PAD_PROTOCOL', [padFrameProtocol]);


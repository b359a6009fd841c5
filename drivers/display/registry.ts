/**
 * Display protocols by name (`?protocol=NAME` in the device URI); the first is the default.
 * Adding a vendor: one file in protocols/ and its name in this list.
 */
import { ProtocolRegistry } from '../bus/protocol-registry.js';
import type { DisplayProtocol } from './protocol.js';
import { framedProtocol } from './protocols/framed.js';
import { lineProtocol } from './protocols/line.js';

export const displayProtocols = new ProtocolRegistry<DisplayProtocol>('display protocol', 'UNKNOWN_DISPLAY_PROTOCOL', [framedProtocol, lineProtocol]);


/**
 * Display protocols by name (`?protocol=NAME` in the device URI). Adding a vendor: one file in
 * protocols/ and one line here.
 */
import { AppError } from '../../common/errors.js';
import type { DisplayProtocol } from './protocol.js';
import { framedProtocol } from './protocols/framed.js';
import { lineProtocol } from './protocols/line.js';

const protocols = new Map<string, DisplayProtocol>();

export function registerDisplayProtocol(protocol: DisplayProtocol): void {
  protocols.set(protocol.name, protocol);
}

registerDisplayProtocol(framedProtocol);
registerDisplayProtocol(lineProtocol);

export const DEFAULT_DISPLAY_PROTOCOL = framedProtocol.name;

export function displayProtocolNames(): string[] {
  return [...protocols.keys()];
}

export function getDisplayProtocol(name: string = DEFAULT_DISPLAY_PROTOCOL): DisplayProtocol {
  const protocol = protocols.get(name);
  if (!protocol) {
    throw new AppError(
      'UNKNOWN_DISPLAY_PROTOCOL',
      `display protocol "${name}" is not known; use one of: ${displayProtocolNames().join(', ')}`,
      400,
    );
  }
  return protocol;
}

/**
 * Device URIs as written in the branch config and on the command line (DESIGN §4):
 *   serial:///dev/ttyUSB0?baud=115200&protocol=NAME
 *   tcp://192.0.2.10:9100
 *   hid://0801:0002
 *   sim  (or sim://name)
 */
import { DomainError } from '../common/errors.js';

export type DeviceUri =
  | { scheme: 'serial'; path: string; baudRate: number; params: Record<string, string>; text: string }
  | { scheme: 'tcp'; host: string; port: number; params: Record<string, string>; text: string }
  | { scheme: 'hid'; vendorId: number; productId: number; params: Record<string, string>; text: string }
  | { scheme: 'sim'; name: string; params: Record<string, string>; text: string };

const BAUD_RATES = new Set([1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600]);

function bad(text: string, why: string): DomainError {
  return new DomainError('BAD_DEVICE_URI', `device URI "${text}": ${why}`, { uri: text });
}

export function parseDeviceUri(text: string, defaults: { baudRate?: number } = {}): DeviceUri {
  const trimmed = text.trim();
  if (trimmed === 'sim') return { scheme: 'sim', name: 'sim', params: {}, text: 'sim' };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw bad(text, 'not a URI; expected serial:///dev/ttyX?baud=9600, tcp://host:9100, hid://vid:pid or sim');
  }
  const params = Object.fromEntries(url.searchParams.entries());
  switch (url.protocol) {
    case 'serial:': {
      const path = decodeURIComponent(url.pathname);
      if (!path || path === '/') throw bad(text, 'serial URI needs a device path, e.g. serial:///dev/ttyUSB0');
      const baudRate = params.baud === undefined ? (defaults.baudRate ?? 9600) : Number(params.baud);
      if (!BAUD_RATES.has(baudRate)) throw bad(text, `baud must be one of ${[...BAUD_RATES].join(', ')}`);
      return { scheme: 'serial', path, baudRate, params, text: trimmed };
    }
    case 'tcp:': {
      const port = url.port === '' ? 9100 : Number(url.port);
      if (!url.hostname) throw bad(text, 'tcp URI needs a host, e.g. tcp://192.0.2.10:9100');
      return { scheme: 'tcp', host: url.hostname.replace(/^\[|\]$/g, ''), port, params, text: trimmed };
    }
    case 'hid:': {
      const m = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(url.host || url.pathname.replace(/^\/+/, ''));
      if (!m) throw bad(text, 'hid URI needs vendor:product in hex, e.g. hid://0801:0002');
      return { scheme: 'hid', vendorId: parseInt(m[1]!, 16), productId: parseInt(m[2]!, 16), params, text: trimmed };
    }
    case 'sim:':
      return { scheme: 'sim', name: url.host || url.pathname.replace(/^\/+/, '') || 'sim', params, text: trimmed };
    default:
      throw bad(text, `unknown scheme "${url.protocol.replace(':', '')}"; use serial, tcp, hid or sim`);
  }
}

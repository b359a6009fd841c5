/**
 * The base URL printed in the ticket's QR code. Customers' phones are usually on the guest
 * Wi-Fi, not the branch LAN, so the branch configures it (`publicBaseUrl`); without one the
 * service's own LAN address is the best guess (loopback would be useless on a phone).
 */
import { networkInterfaces } from 'node:os';

export function defaultPublicBaseUrl(host: string, port: number): string {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  if (!wildcard) return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal) return `http://${a.address}:${port}`;
    }
  }
  return `http://127.0.0.1:${port}`;
}

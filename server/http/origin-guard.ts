/**
 * Who is asking, as far as a browser tells (docs/security.md, "Host and Origin"):
 * - `Host` must name the branch service itself: its own addresses (read from the network
 *   interfaces, so a new DHCP lease is picked up), localhost, the machine's name, the host of
 *   `publicBaseUrl` and the names IT lists in `security.allowedHosts`. Anything else is a DNS
 *   rebinding attempt (a hostile page whose name now points at the branch) and gets 421.
 * - A state change (POST, PUT, PATCH, DELETE) and the stream's WebSocket upgrade that carry an
 *   `Origin` must come from one of the service's own origins (those hosts on the service's
 *   port, or the `publicBaseUrl` origin): a page elsewhere cannot press buttons or read the
 *   stream through a visitor's browser. `Origin: null` (sandboxed frames, files) is refused.
 *   Requests without `Origin` are not from a browser page (devices, scripts, tests) and pass.
 */
import { hostname, networkInterfaces } from 'node:os';
import type { IncomingMessage } from 'node:http';

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Interface addresses are read again at most this often (and when an unknown address is seen).
const REFRESH_MS = 30_000;

function bare(host: string): string {
  const h = host.trim().toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** The host name of a Host header value ("name:port", "[::1]:80"), lower case, without brackets. */
export function hostOf(header: string): string | undefined {
  const v = header.trim().toLowerCase();
  if (!v) return undefined;
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    return end > 0 ? v.slice(1, end) : undefined;
  }
  const colon = v.lastIndexOf(':');
  // A bare IPv6 address without brackets is not a valid Host; it is refused as unknown.
  return colon >= 0 && v.indexOf(':') === colon ? v.slice(0, colon) : v;
}

export class OriginGuard {
  private addresses = new Set<string>();
  private readAt = 0;
  private readonly names: Set<string>;
  private readonly origins: Set<string>;

  constructor(private readonly opts: { port: () => number; allowedHosts: string[]; publicBaseUrl?: string }) {
    const publicUrl = opts.publicBaseUrl ? new URL(opts.publicBaseUrl) : undefined;
    this.names = new Set(['localhost', '127.0.0.1', '::1', hostname().toLowerCase(), ...opts.allowedHosts.map(bare)]);
    if (publicUrl) this.names.add(bare(publicUrl.hostname));
    this.origins = new Set(publicUrl ? [publicUrl.origin] : []);
  }

  /** Whether `host` (no port) is one of the service's own names or addresses. */
  isOwnHost(host: string): boolean {
    const h = bare(host);
    if (this.names.has(h)) return true;
    if (this.ownAddresses(false).has(h)) return true;
    // Perhaps an address the machine has just been given.
    return Date.now() - this.readAt > 1_000 && this.ownAddresses(true).has(h);
  }

  private ownAddresses(refresh: boolean): Set<string> {
    if (refresh || Date.now() - this.readAt > REFRESH_MS) {
      const next = new Set<string>();
      for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) next.add(bare(a.address));
      this.addresses = next;
      this.readAt = Date.now();
    }
    return this.addresses;
  }

  private isOwnOrigin(origin: string): boolean {
    if (this.origins.has(origin)) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return port === this.opts.port() && this.isOwnHost(url.hostname);
  }

  /** The refusal for a request, or undefined when it may go on. `upgrade`: the stream's WebSocket. */
  check(req: Pick<IncomingMessage, 'headers' | 'method'>, upgrade = false): Refusal | undefined {
    const hostHeader = req.headers.host;
    if (hostHeader !== undefined) {
      const host = hostOf(hostHeader);
      if (!host || !this.isOwnHost(host)) {
        return {
          status: 421,
          code: 'HOST_NOT_ALLOWED',
          message: `This branch service answers only to its own names and addresses, not to "${hostHeader.slice(0, 100)}". If it is the branch's name, add it to security.allowedHosts.`,
        };
      }
    }
    if (!upgrade && !UNSAFE_METHODS.has(req.method ?? 'GET')) return undefined;
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if ((origin !== undefined && !this.isOwnOrigin(origin)) || site === 'cross-site') {
      return {
        status: 403,
        code: 'ORIGIN_NOT_ALLOWED',
        message: `${upgrade ? 'The event stream' : 'A change'} may be asked for only by the branch service's own pages, not by a page from ${origin ?? 'another site'}.`,
      };
    }
    return undefined;
  }
}

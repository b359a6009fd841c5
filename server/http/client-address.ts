/**
 * Client addresses as the limits count them, and the per-address counters every listener uses
 * to cap what one machine on the LAN may hold open.
 */

/** The address without the IPv4-in-IPv6 prefix, so 127.0.0.2 and ::ffff:127.0.0.2 count as one. */
export function clientAddress(raw: string | undefined): string {
  if (!raw) return 'unknown';
  return raw.startsWith('::ffff:') && raw.includes('.') ? raw.slice(7) : raw;
}

/** Open things (sockets, stream clients) per address and in total. */
export class AddressCounts {
  private readonly perAddress = new Map<string, number>();
  private all = 0;

  get total(): number {
    return this.all;
  }

  count(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  add(address: string): void {
    this.perAddress.set(address, this.count(address) + 1);
    this.all++;
  }

  remove(address: string): void {
    const n = this.count(address) - 1;
    if (n > 0) this.perAddress.set(address, n);
    else this.perAddress.delete(address);
    this.all--;
  }
}

/** A set of trusted addresses (the kiosk's own), compared after normalising. */
export function addressSet(addresses: readonly string[]): Set<string> {
  return new Set(addresses.map(clientAddress));
}

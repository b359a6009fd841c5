/**
 * Caps the sockets the branch service holds open: per client address (the kiosk's own
 * addresses excepted) and in total, the total kept below the process's open-file limit so the
 * database, devices and logs always have file descriptors left. A connection over a cap gets a
 * short JSON 503 and is closed; the service keeps answering everyone else.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../logger.js';
import { AddressCounts, clientAddress } from './client-address.js';
import { RefusalLog } from './refusal-log.js';
import { refuseSocket } from './raw-answer.js';

// File descriptors kept for everything that is not a client socket.
const RESERVED_FDS = 128;

/** The soft limit on open files of this process (Linux), if it can be read. */
export function openFileLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface ConnectionLimits {
  perAddress: number;
  total: number;
  /** Named in the refusals: "the branch service", "the head-office server". */
  serviceName?: string;
}

export function guardConnections(server: Server, limits: ConnectionLimits, trusted: Set<string>, log: Logger): { open(): number } {
  const fdLimit = openFileLimit();
  const total = fdLimit !== undefined ? Math.max(16, Math.min(limits.total, fdLimit - RESERVED_FDS)) : limits.total;
  if (total < limits.total) log.warn({ configured: limits.total, fdLimit, total }, 'connection cap lowered to fit the open-file limit; raise LimitNOFILE to allow more');
  const counts = new AddressCounts();
  // The HTTP server's own connection handling runs only for admitted sockets: a refused one
  // never gets a parser, so nothing it sends is read, let alone handled.
  const handlers = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const refusals = new RefusalLog(log);
  const service = limits.serviceName ?? 'branch service';
  server.on('connection', (socket: Socket) => {
    const address = clientAddress(socket.remoteAddress);
    if (counts.total >= total) {
      refusals.note(address, 503, 'TOO_MANY_CONNECTIONS', `all addresses together hold ${total}`);
      refuseSocket(socket, 503, 'TOO_MANY_CONNECTIONS', `The ${service} has too many open connections; try again shortly.`, { 'Retry-After': '5' });
      return;
    }
    if (!trusted.has(address) && counts.count(address) >= limits.perAddress) {
      refusals.note(address, 503, 'TOO_MANY_CONNECTIONS', `this address holds ${limits.perAddress}`);
      refuseSocket(socket, 503, 'TOO_MANY_CONNECTIONS', `This address already holds ${limits.perAddress} connections to the ${service}; close some first.`, { 'Retry-After': '5' });
      return;
    }
    counts.add(address);
    socket.once('close', () => counts.remove(address));
    for (const h of handlers) h.call(server, socket);
  });
  return { open: () => counts.total };
}

/**
 * WebSocket /api/stream: every committed event as JSON, in log order. A client that lost its
 * connection reconnects with ?after=<last event id it saw> and gets what it missed from the
 * log before live events, so no call is lost or shown twice.
 *
 * The LAN is not trusted (docs/security.md), so a client costs little and cannot stall others:
 * - replays are paced and shared (stream-replay.ts): a slice per turn of the event loop, a
 *   byte budget for all of them together, nothing more for a client that does not read; a
 *   replay stops when its client goes;
 * - a replay reaches back at most `replayEvents` events and never before the business day's
 *   start (a display needs today, not last year); deeper asks are closed with code 4410 and the
 *   client starts from a fresh snapshot;
 * - clients are capped per address and in total; the kiosk's own addresses only by the total;
 * - a live client that falls far behind is dropped (it resumes with ?after=).
 * Staff connections (a session token offered as the `bearer.TOKEN` subprotocol) get every field;
 * others get the public view of each event (no segment, no staff id).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BranchEvent } from '../../core/events.js';
import type { EventHub } from '../event-hub.js';
import type { Logger } from '../logger.js';
import { AddressCounts, clientAddress } from './client-address.js';
import { RefusalLog } from './refusal-log.js';
import { refuseSocket } from './raw-answer.js';
import { ReplayPump, viewText } from './stream-replay.js';

// A client this far behind is dropped; it resumes from the log when it reconnects.
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const PING_MS = 20_000;

/** The subprotocol every client offers; a staff client offers `bearer.TOKEN` beside it. */
export const STREAM_PROTOCOL = 'branch-queue';
/** Close code: the asked-for replay reaches back further than the service keeps for streams. */
export const CLOSE_REPLAY_TOO_OLD = 4410;
/** Close code: the staff session behind the connection ended (signed out or expired). */
export const CLOSE_SESSION_ENDED = 4401;

export interface StreamLimits {
  clients: number;
  clientsPerAddress: number;
  replayEvents: number;
}

export interface StreamLog {
  eventsBetween(afterId: number, uptoId: number): BranchEvent[];
  lastEventId(): number;
  latestEventIdOfType(type: BranchEvent['type']): number | undefined;
}

export interface StreamDeps {
  server: Server;
  /** The event log as the stream reads it (the branch service's read models). */
  log: StreamLog;
  hub: EventHub;
  logger: Logger;
  limits: StreamLimits;
  /** Addresses exempt from the per-address cap (the kiosk's own). */
  trustedAddresses: Set<string>;
  /** Whether a session token is a live staff session. */
  isStaffToken(token: string): boolean;
  /** The event as a connection of this kind may see it; undefined: not sent to it at all. */
  view(e: BranchEvent, staff: boolean): unknown;
  /** Host / Origin checks for the upgrade; an answer refuses it. */
  admit?(req: IncomingMessage): { status: number; code: string; message: string } | undefined;
}

export interface StreamServer {
  clientCount(): number;
  /** Replays still running (tests check that a client that went stopped its replay). */
  replaysRunning(): number;
  /** Cuts every client's connection (they reconnect and resume); tests of network drops use it. */
  dropClients(): void;
  close(): void;
}

interface Client {
  ws: WebSocket;
  staffToken: string | undefined;
  alive: boolean;
  live: boolean;
}

function bearerFromProtocols(header: string | undefined): { offered: boolean; token?: string } {
  const protocols = (header ?? '').split(',').map((p) => p.trim());
  const bearer = protocols.find((p) => p.startsWith('bearer.'));
  return { offered: protocols.includes(STREAM_PROTOCOL), token: bearer?.slice('bearer.'.length) };
}

export function attachStream(deps: StreamDeps): StreamServer {
  const { log: store, logger: log, limits } = deps;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4096,
    // Pages offer "branch-queue" (and a bearer token); the answer must name one they offered.
    handleProtocols: (protocols) => (protocols.has(STREAM_PROTOCOL) ? STREAM_PROTOCOL : false),
  });
  const clients = new Set<Client>();
  const sockets = new AddressCounts();
  const pump = new ReplayPump(store, deps.view);
  // Events before the latest day.closed belong to earlier business days.
  let dayStartId = store.latestEventIdOfType('day.closed') ?? 0;

  const refusals = new RefusalLog(deps.logger);
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api/stream') return refuseSocket(socket, 404, 'NOT_FOUND', `There is no WebSocket at ${url.pathname}; the stream is /api/stream.`);
    const address = clientAddress(req.socket.remoteAddress);
    const refused = deps.admit?.(req);
    if (refused) {
      refusals.note(address, refused.status, refused.code, 'stream upgrade');
      return refuseSocket(socket, refused.status, refused.code, refused.message);
    }
    if (sockets.total >= limits.clients) {
      refusals.note(address, 503, 'TOO_MANY_STREAM_CLIENTS', `all addresses together hold ${limits.clients}`);
      return refuseSocket(socket, 503, 'TOO_MANY_STREAM_CLIENTS', 'The event stream is full; try again shortly.', { 'Retry-After': '10' });
    }
    if (!deps.trustedAddresses.has(address) && sockets.count(address) >= limits.clientsPerAddress) {
      refusals.note(address, 429, 'TOO_MANY_STREAM_CLIENTS', `this address holds ${limits.clientsPerAddress}`);
      return refuseSocket(socket, 429, 'TOO_MANY_STREAM_CLIENTS', `This address already holds ${limits.clientsPerAddress} stream connections; close some first.`, { 'Retry-After': '10' });
    }
    const afterText = url.searchParams.get('after');
    const after = afterText === null ? null : Number(afterText);
    if (after !== null && (!Number.isSafeInteger(after) || after < 0 || !/^\d+$/.test(afterText!))) {
      return refuseSocket(socket, 400, 'VALIDATION_FAILED', 'after must be the id of an event (a whole number, 0 or more).');
    }
    const { token } = bearerFromProtocols(req.headers['sec-websocket-protocol']);
    if (token !== undefined && !deps.isStaffToken(token)) {
      return refuseSocket(socket, 401, 'UNAUTHENTICATED', 'The session offered for the stream has expired or was signed out; sign in again.');
    }
    sockets.add(address);
    socket.once('close', () => sockets.remove(address));
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, after, token));
  };
  deps.server.on('upgrade', onUpgrade);

  function send(c: Client, e: BranchEvent, cache: Map<boolean, string | null> | undefined, done?: () => void): void {
    const staff = c.staffToken !== undefined;
    let text = cache?.get(staff);
    if (text === undefined) {
      text = viewText(deps.view, e, staff);
      cache?.set(staff, text);
    }
    if (text === null) done?.();
    else c.ws.send(text, done);
  }

  function onConnection(ws: WebSocket, after: number | null, staffToken: string | undefined) {
    const c: Client = { ws, staffToken, alive: true, live: false };
    clients.add(c);
    ws.on('pong', () => (c.alive = true));
    ws.on('error', (err) => log.debug({ err }, 'stream client error'));
    // Clients only listen; anything they send is ignored.
    ws.on('message', () => undefined);
    ws.on('close', () => clients.delete(c));

    if (after === null) {
      c.live = true;
      return;
    }
    const floor = Math.max(store.lastEventId() - limits.replayEvents, dayStartId - 1);
    if (after < floor) {
      ws.close(CLOSE_REPLAY_TOO_OLD, 'REPLAY_TOO_OLD: start from a fresh snapshot');
      return;
    }
    pump.start({ ws, staff: staffToken !== undefined, onCaughtUp: () => (c.live = true) }, after);
  }

  const unsubscribe = deps.hub.subscribe((e) => {
    if (e.type === 'day.closed') dayStartId = e.id;
    const cache = new Map<boolean, string | null>();
    for (const c of clients) {
      if (!c.live || c.ws.readyState !== c.ws.OPEN) continue;
      if (c.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        c.ws.terminate();
        continue;
      }
      send(c, e, cache);
    }
  });

  const ping = setInterval(() => {
    for (const c of clients) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      if (c.staffToken !== undefined && !deps.isStaffToken(c.staffToken)) {
        c.ws.close(CLOSE_SESSION_ENDED, 'SESSION_ENDED: sign in again');
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }, PING_MS);
  ping.unref();

  return {
    clientCount: () => clients.size,
    replaysRunning: () => pump.running,
    dropClients() {
      for (const c of clients) c.ws.terminate();
    },
    close() {
      clearInterval(ping);
      pump.stop();
      unsubscribe();
      deps.server.off('upgrade', onUpgrade);
      for (const c of clients) c.ws.terminate();
      wss.close();
    },
  };
}

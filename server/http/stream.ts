/**
 * WebSocket /api/stream: every committed event as JSON, in log order. A client that lost its
 * connection reconnects with ?after=<last event id it saw> and gets what it missed from the
 * log before live events, so no call is lost or shown twice.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BranchEvent } from '../../core/events.js';
import type { BranchService } from '../branch-service.js';
import type { Logger } from '../logger.js';

// A client this far behind is dropped; it resumes from the log when it reconnects.
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const REPLAY_PAGE = 500;
const PING_MS = 20_000;

export interface StreamServer {
  clientCount(): number;
  /** Cuts every client's connection (they reconnect and resume); tests of network drops use it. */
  dropClients(): void;
  close(): void;
}

export function attachStream(server: Server, service: BranchService, log: Logger): StreamServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const alive = new WeakMap<WebSocket, boolean>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api/stream') {
      socket.write('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    const afterText = url.searchParams.get('after');
    const after = afterText === null ? null : Number(afterText);
    if (after !== null && (!Number.isInteger(after) || after < 0)) {
      socket.write('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, after));
  });

  function onConnection(ws: WebSocket, after: number | null) {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('error', (err) => log.debug({ err }, 'stream client error'));
    // Clients only listen; anything they send is ignored.
    ws.on('message', () => undefined);

    const sendEvent = (e: BranchEvent) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(e));
    };

    // The replay reads the log synchronously, so no event can be committed between the last
    // replayed one and the subscription: nothing is missed and nothing is sent twice.
    if (after !== null) {
      let last = after;
      for (;;) {
        const page = service.eventsAfter(last, REPLAY_PAGE);
        for (const e of page) sendEvent(e);
        if (page.length < REPLAY_PAGE) break;
        last = page.at(-1)!.id;
      }
    }
    const unsubscribe = service.hub.subscribe(sendEvent);
    ws.on('close', unsubscribe);
  }

  const ping = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, PING_MS);
  ping.unref();

  return {
    clientCount: () => wss.clients.size,
    dropClients() {
      for (const ws of wss.clients) ws.terminate();
    },
    close() {
      clearInterval(ping);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

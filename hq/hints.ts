/**
 * WebSocket /api/sync/hints: a connected branch is told at once when a new configuration
 * version is published for it, so it need not wait for its next poll. Only a hint: the branch
 * still pulls and checks the snapshot over HTTPS, and polls when the socket is down.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../server/logger.js';
import { bearer } from './secrets.js';
import type { HqStore } from './storage/hq-store.js';

const PING_MS = 25_000;
const MAX_SOCKETS_PER_BRANCH = 4;

export interface Hints {
  notify(branch: string, version: number): void;
  connected(branch: string): number;
  close(): void;
}

export function attachHints(server: Server, store: HqStore, log: Logger): Hints {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const byBranch = new Map<string, Set<WebSocket>>();
  const alive = new WeakMap<WebSocket, boolean>();

  const refuse = (socket: Duplex, status: string) => {
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    socket.destroy();
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api/sync/hints') return refuse(socket, '404 Not Found');
    const token = bearer(req.headers.authorization);
    if (!token) return refuse(socket, '401 Unauthorized');
    void store.checkCredential(token).then(
      (check) => {
        if (check.kind !== 'ok') return refuse(socket, '401 Unauthorized');
        const set = byBranch.get(check.branch) ?? new Set();
        if (set.size >= MAX_SOCKETS_PER_BRANCH) return refuse(socket, '429 Too Many Requests');
        wss.handleUpgrade(req, socket, head, (ws) => {
          set.add(ws);
          byBranch.set(check.branch, set);
          alive.set(ws, true);
          ws.on('pong', () => alive.set(ws, true));
          ws.on('message', () => undefined);
          ws.on('error', (err) => log.debug({ err }, 'hint socket error'));
          ws.on('close', () => {
            set.delete(ws);
            if (set.size === 0) byBranch.delete(check.branch);
          });
        });
      },
      (err: unknown) => {
        log.error({ err }, 'checking a hint socket credential failed');
        refuse(socket, '503 Service Unavailable');
      },
    );
  });

  const ping = setInterval(() => {
    for (const set of byBranch.values()) {
      for (const ws of set) {
        if (!alive.get(ws)) {
          ws.terminate();
          continue;
        }
        alive.set(ws, false);
        ws.ping();
      }
    }
  }, PING_MS);
  ping.unref();

  return {
    notify(branch, version) {
      for (const ws of byBranch.get(branch) ?? []) if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'config', version }));
    },
    connected: (branch) => byBranch.get(branch)?.size ?? 0,
    close() {
      clearInterval(ping);
      for (const set of byBranch.values()) for (const ws of set) ws.terminate();
      wss.close();
    },
  };
}

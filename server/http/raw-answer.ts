/**
 * An error answer written straight to a socket, for the places that refuse a client before any
 * HTTP framework has a request object (upgrades, connection caps, malformed requests). Same
 * shape as every other error: `{ error: { code, message } }`.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export function rawErrorAnswer(status: number, code: string, message: string, headers: Record<string, string> = {}): string {
  const body = JSON.stringify({ error: { code, message } });
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Writes the answer and closes the socket once it is sent. */
export function refuseSocket(socket: Duplex, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  // Whatever the client still sends is read and dropped, so closing does not reset the
  // connection before it has read the answer.
  socket.on('error', () => undefined);
  socket.resume();
  socket.end(rawErrorAnswer(status, code, message, headers));
  // A client that does not read its answer must not keep the socket.
  setTimeout(() => socket.destroy(), 2000).unref();
}

/** Logs captured in memory, to check what the service logs. */
import pino from 'pino';
import { Writable } from 'node:stream';

/** A pino logger at debug level writing into memory, to check what the service logs. */
export function captureLogs(): { log: pino.Logger; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), text: () => chunks.join('') };
}

/**
 * Structured logs (pino): JSON lines for a branch server's log collector, or a readable
 * coloured form for a person at a terminal (--log pretty, the default when stdout is a TTY).
 */
import pino from 'pino';
import type { RowErrorReporter } from '../db/rows.js';

export type Logger = pino.Logger;

export function createLogger(opts: { level?: string; pretty?: boolean; destination?: number | string } = {}): Logger {
  const level = opts.level ?? process.env.LOG_LEVEL ?? 'info';
  if (opts.pretty) {
    return pino({
      level,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', destination: opts.destination ?? 1 } },
    });
  }
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: opts.destination ?? 1, sync: false }));
}

export const silentLogger: Logger = pino({ level: 'silent' });

/** A damaged database row is logged where it is found, with its table, key and fields; the read then fails. */
export function rowErrorReporter(log: Logger): RowErrorReporter {
  return (e) => log.error({ code: e.code, details: e.details }, e.message);
}

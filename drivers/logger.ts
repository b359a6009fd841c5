/**
 * The logger shape drivers accept: pino's four levels, so the branch service can pass its pino
 * child logger straight in. Drivers default to a no-op so that tests and tools stay quiet.
 */
export interface Logger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

const noop = (): void => {};
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

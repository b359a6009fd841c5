/**
 * The logger shape drivers accept: pino's level methods, so the service can pass a pino child
 * logger, and tests or the lab can pass nothing.
 */
export interface DriverLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

const noop = (): void => {};

export const silentLogger: DriverLogger = { debug: noop, info: noop, warn: noop, error: noop };

/** The slice of pino the card readers use; callers pass their pino child, tests pass nothing. */
export interface DriverLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = () => {};
export const silentLogger: DriverLogger = { debug: noop, info: noop, warn: noop, error: noop };

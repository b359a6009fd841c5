/**
 * A set of listeners that are called in turn, each in isolation: one that throws is logged and
 * the others still hear the value, and the driver that emits goes on. Drivers use it for status
 * changes, card reads, key presses and bus requests.
 */
import type { Logger } from './logger.js';

export class Listeners<T> {
  readonly #set = new Set<(value: T) => void>();
  readonly #log: Logger;
  readonly #what: string;
  readonly #private: boolean;

  /**
   * @param what names the listeners in the log line, e.g. "status".
   * @param options.private the values carry personal data: a failure is logged by the error's
   *   name only, since its message could quote the value.
   */
  constructor(log: Logger, what: string, options: { private?: boolean } = {}) {
    this.#log = log;
    this.#what = what;
    this.#private = options.private ?? false;
  }

  add(listener: (value: T) => void): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }

  get size(): number {
    return this.#set.size;
  }

  emit(value: T, context: Record<string, unknown> = {}): void {
    for (const listener of [...this.#set]) {
      try {
        listener(value);
      } catch (err) {
        const detail = err instanceof Error ? (this.#private ? err.name : `${err.name}: ${err.message}`) : typeof err;
        this.#log.error({ ...context, err: detail }, `${this.#what} listener failed`);
      }
    }
  }
}

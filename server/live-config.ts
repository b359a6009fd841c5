/**
 * The branch configuration in force, which the back office can change while the service runs.
 * It reads like a loaded configuration file, so every part that is handed it reads the current
 * values when it needs them (the queue's rules, sign-in settings, the lobby notice). Parts that
 * open devices read their URIs once, at start: those take effect at the next start.
 */
import type { ConfigFile } from '../config/schema.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { QueueConfig } from '../core/types.js';

export class LiveConfig implements LoadedConfig {
  private loaded: LoadedConfig;
  private readonly listeners: ((c: LoadedConfig) => void)[] = [];

  constructor(initial: LoadedConfig) {
    this.loaded = initial;
  }

  get file(): ConfigFile {
    return this.loaded.file;
  }

  get queue(): QueueConfig {
    return this.loaded.queue;
  }

  get hash(): string {
    return this.loaded.hash;
  }

  get source(): string {
    return this.loaded.source;
  }

  /** Puts a checked configuration in force and tells every listener. */
  set(next: LoadedConfig): void {
    this.loaded = next;
    for (const l of this.listeners) l(next);
  }

  onChange(listener: (c: LoadedConfig) => void): void {
    this.listeners.push(listener);
  }
}

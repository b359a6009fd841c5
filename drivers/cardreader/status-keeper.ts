/**
 * Holds one device's current status and tells listeners about changes only (not every poll),
 * as the Device contract asks. Shared by the HID and SAM readers.
 */
import type { DeviceKind, DeviceState, DeviceStatus } from '../device.js';
import type { Logger } from '../logger.js';

export class StatusKeeper {
  private current: DeviceStatus;
  private readonly listeners = new Set<(s: DeviceStatus) => void>();

  constructor(
    id: string,
    kind: DeviceKind,
    uri: string,
    private readonly log: Logger,
  ) {
    this.current = { id, kind, uri, state: 'connecting', since: new Date().toISOString() };
  }

  get(): DeviceStatus {
    return { ...this.current };
  }

  set(state: DeviceState, detail?: string): void {
    if (state === this.current.state && detail === this.current.detail) return;
    const { id, kind, uri } = this.current;
    this.current = { id, kind, uri, state, ...(detail !== undefined ? { detail } : {}), since: new Date().toISOString() };
    // The branch service logs every device's status changes; this line is for driver debugging.
    this.log.debug({ state, detail }, 'reader status');
    const snapshot = this.get();
    for (const l of this.listeners) {
      try {
        l(snapshot);
      } catch (err) {
        // A faulty listener must not stop the driver or the other listeners.
        this.log.error({ device: id, err }, 'status listener failed');
      }
    }
  }

  subscribe(listener: (s: DeviceStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Calls every read listener, isolating failures so one bad consumer cannot break the reader. */
export function emitAll<T>(listeners: Iterable<(v: T) => void>, value: T, log: Logger, device: string): void {
  for (const l of listeners) {
    try {
      l(value);
    } catch (err) {
      log.error({ device, err: err instanceof Error ? err.name : typeof err }, 'read listener failed');
    }
  }
}

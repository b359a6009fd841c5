/**
 * Keeps one device's DeviceStatus and notifies listeners on real changes only (the Device
 * contract: onStatus fires on every state change, not on every poll).
 */
import type { DeviceKind, DeviceState, DeviceStatus } from '../device.js';

export class StatusTracker {
  private current: DeviceStatus;
  private readonly listeners = new Set<(status: DeviceStatus) => void>();

  constructor(
    id: string,
    kind: DeviceKind,
    uri: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.current = { id, kind, uri, state: 'connecting', since: this.now().toISOString() };
  }

  get(): DeviceStatus {
    return { ...this.current };
  }

  set(state: DeviceState, detail?: string): void {
    if (state === this.current.state && detail === this.current.detail) return;
    const since = state === this.current.state ? this.current.since : this.now().toISOString();
    const next: DeviceStatus = { id: this.current.id, kind: this.current.kind, uri: this.current.uri, state, since };
    if (detail !== undefined) next.detail = detail;
    this.current = next;
    for (const listener of [...this.listeners]) {
      try {
        listener({ ...next });
      } catch {
        // A faulty listener must not break the driver or the other listeners.
      }
    }
  }

  subscribe(listener: (status: DeviceStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

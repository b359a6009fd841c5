/**
 * The branch's devices as the service sees them: their current status for GET /api/devices,
 * and every change recorded as a device.status event. Drivers stay ignorant of the queue.
 */
import type { Device, DeviceStatus } from '../drivers/device.js';
import type { BranchService } from './branch-service.js';
import { draft } from '../core/events.js';
import type { Logger } from './logger.js';

export class DeviceRegistry {
  private readonly devices = new Map<string, Device>();
  private readonly unsubscribers: (() => void)[] = [];
  private service: BranchService | undefined;

  constructor(private readonly log: Logger) {}

  bind(service: BranchService): void {
    this.service = service;
  }

  add<D extends Device>(device: D): D {
    this.devices.set(device.id, device);
    this.unsubscribers.push(device.onStatus((s) => this.recordStatus(s)));
    return device;
  }

  get(id: string): Device | undefined {
    return this.devices.get(id);
  }

  all(): Device[] {
    return [...this.devices.values()];
  }

  list(): DeviceStatus[] {
    return this.all().map((d) => d.status());
  }

  startAll(): void {
    for (const d of this.devices.values()) d.start();
  }

  async stopAll(): Promise<void> {
    for (const u of this.unsubscribers) u();
    await Promise.allSettled(this.all().map((d) => d.stop()));
  }

  private recordStatus(s: DeviceStatus): void {
    this.log.info({ device: s.id, state: s.state, detail: s.detail }, 'device status');
    try {
      this.service?.record([draft('device.status', Date.parse(s.since) || Date.now(), { device: { ...s } })]);
    } catch (err) {
      this.log.error({ err }, 'could not record device status');
    }
  }
}

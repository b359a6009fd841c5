/**
 * HID POS magstripe reader (e.g. hid://0801:0002): reports → tracks → a card read.
 *
 * Reconnects by polling the HID device list for its vendor:product; an unplug shows up either as
 * a read error from the HID stack or as the device missing from the list. No report, however
 * malformed, throws out of here.
 */
import type { Device, DeviceStatus } from '../device.js';
import { magstripeRead, type CardReadListener, type CardReadSource } from './card-read.js';
import type { HidBackend, HidDevice, HidDeviceInfo } from './hid-device.js';
import { decodeHidMsrReport, MAGTEK_LAYOUT, type HidMsrLayout } from './hid-report.js';
import { silentLogger, type Logger } from '../logger.js';
import { emitAll, StatusKeeper } from './status-keeper.js';
import { parseSwipe, type TrackError } from './track-data.js';

export interface HidCardReaderOptions {
  id: string;
  vendorId: number;
  productId: number;
  /** Shown on GET /api/devices; defaults to hid://vvvv:pppp. */
  uri?: string;
  /** The HID stack, or a loader for it (node-hid's is loadNodeHidBackend). */
  backend: HidBackend | (() => Promise<HidBackend>);
  layout?: HidMsrLayout;
  /** How often to look for the device while it is absent (and check it is still there). */
  pollIntervalMs?: number;
  logger?: Logger;
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

export class HidCardReader implements Device, CardReadSource {
  readonly kind = 'card_reader' as const;
  readonly id: string;
  private readonly status_: StatusKeeper;
  private readonly log: Logger;
  private readonly layout: HidMsrLayout;
  private readonly pollMs: number;
  private readonly readListeners = new Set<CardReadListener>();
  private readonly misreadListeners = new Set<(reason: TrackError) => void>();
  private backend: HidBackend | undefined;
  private device: HidDevice | undefined;
  private openInfo: HidDeviceInfo | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private polling = false;

  constructor(private readonly options: HidCardReaderOptions) {
    this.id = options.id;
    this.log = options.logger ?? silentLogger;
    this.layout = options.layout ?? MAGTEK_LAYOUT;
    this.pollMs = options.pollIntervalMs ?? 500;
    const uri = options.uri ?? `hid://${hex4(options.vendorId)}:${hex4(options.productId)}`;
    this.status_ = new StatusKeeper(options.id, 'card_reader', uri, this.log);
  }

  status(): DeviceStatus {
    return this.status_.get();
  }

  onStatus(listener: (status: DeviceStatus) => void): () => void {
    return this.status_.subscribe(listener);
  }

  /** Called synchronously for each good swipe. Derive the identity there and keep nothing. */
  onRead(listener: CardReadListener): () => void {
    this.readListeners.add(listener);
    return () => this.readListeners.delete(listener);
  }

  /** A swipe arrived but could not be read (so the kiosk can ask for another swipe). */
  onMisread(listener: (reason: TrackError) => void): () => void {
    this.misreadListeners.add(listener);
    return () => this.misreadListeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.closeDevice();
  }

  private schedule(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), this.pollMs);
  }

  private async tick(): Promise<void> {
    if (!this.running || this.polling) return;
    this.polling = true;
    try {
      await this.poll();
    } catch (err) {
      this.log.warn({ device: this.id, err: err instanceof Error ? err.message : String(err) }, 'HID poll failed');
    } finally {
      this.polling = false;
      this.schedule();
    }
  }

  private async poll(): Promise<void> {
    if (!this.backend) {
      const b = this.options.backend;
      try {
        this.backend = typeof b === 'function' ? await b() : b;
      } catch (err) {
        // node-hid missing is not going to fix itself; say so and stop polling.
        this.status_.set('error', err instanceof Error ? err.message : String(err));
        this.running = false;
        return;
      }
    }
    const list = await this.backend.devices();
    if (!this.running) return;
    const match = (d: HidDeviceInfo) => d.vendorId === this.options.vendorId && d.productId === this.options.productId;
    if (this.device) {
      const still = list.some((d) => match(d) && (this.openInfo?.path === undefined || d.path === this.openInfo.path));
      if (!still) this.lost('unplugged');
      return;
    }
    const found = list.find(match);
    if (!found) {
      this.status_.set('offline', 'card reader not connected');
      return;
    }
    let dev: HidDevice;
    try {
      dev = this.backend.open(found);
    } catch (err) {
      // Typically a permissions problem (missing udev rule): a person has to act.
      this.status_.set('error', `cannot open the card reader: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.device = dev;
    this.openInfo = found;
    dev.on('data', (report: Uint8Array) => {
      if (this.device === dev) this.onReport(report);
    });
    dev.on('error', (err: Error) => {
      if (this.device === dev) this.lost(err.message);
    });
    this.status_.set('online');
  }

  private lost(reason: string): void {
    this.log.info({ device: this.id, reason }, 'HID card reader lost');
    this.closeDevice();
    this.status_.set('offline', 'card reader disconnected');
    this.schedule();
  }

  private closeDevice(): void {
    const dev = this.device;
    this.device = undefined;
    this.openInfo = undefined;
    if (!dev) return;
    try {
      dev.close();
    } catch {
      // Closing an unplugged device may fail; it is gone either way.
    }
  }

  private onReport(report: Uint8Array): void {
    try {
      const tracks = decodeHidMsrReport(report, this.layout);
      const text = (tracks.track1 ?? '') + (tracks.track2 ?? '');
      if (text === '' && !tracks.wellFormed) {
        // Not a swipe report at all (noise, another report type): nothing to tell the customer.
        this.log.debug({ device: this.id, bytes: report.length }, 'ignored HID report');
        return;
      }
      const parsed = text === '' ? ({ ok: false, reason: 'read_error' } as const) : parseSwipe(text);
      if (parsed.ok) {
        emitAll(this.readListeners, magstripeRead(parsed.pan, 'hid'), this.log, this.id);
        return;
      }
      // The reason only: the report itself may hold card data.
      this.log.debug({ device: this.id, reason: parsed.reason, bytes: report.length }, 'unreadable swipe');
      emitAll(this.misreadListeners, parsed.reason, this.log, this.id);
    } catch (err) {
      this.log.warn({ device: this.id, err: err instanceof Error ? err.name : 'unknown' }, 'bad HID report');
    }
  }
}

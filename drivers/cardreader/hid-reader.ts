/**
 * HID POS magstripe reader (e.g. hid://0801:0002): reports → tracks → a card read.
 *
 * Reconnects by polling the HID device list for its vendor:product; an unplug shows up either as
 * a read error from the HID stack or as the device missing from the list. No report, however
 * malformed, throws out of here.
 */
import type { Logger } from '../logger.js';
import { magstripeRead } from './card-read.js';
import { CardReaderBase } from './card-reader-base.js';
import type { HidBackend, HidDevice, HidDeviceInfo } from './hid-device.js';
import { decodeHidMsrReport, MAGTEK_LAYOUT, type HidMsrLayout } from './hid-report.js';
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

/**
 * A HID stack has no port to open: the reader is either in the device list or not, so its status
 * is set directly (offline while absent, error when it cannot be opened) rather than by a link.
 */
export class HidCardReader extends CardReaderBase<'card_reader', TrackError> {
  private readonly layout: HidMsrLayout;
  private readonly pollMs: number;
  private backend: HidBackend | undefined;
  private device: HidDevice | undefined;
  private openInfo: HidDeviceInfo | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private polling = false;

  constructor(private readonly options: HidCardReaderOptions) {
    super({
      id: options.id,
      kind: 'card_reader',
      uri: options.uri ?? `hid://${hex4(options.vendorId)}:${hex4(options.productId)}`,
      noun: 'card reader',
      logger: options.logger,
    });
    this.layout = options.layout ?? MAGTEK_LAYOUT;
    this.pollMs = options.pollIntervalMs ?? 500;
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
    this.statusHolder.stop();
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
        this.statusHolder.set('error', err instanceof Error ? err.message : String(err));
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
      this.statusHolder.set('offline', 'card reader not connected');
      return;
    }
    let dev: HidDevice;
    try {
      dev = this.backend.open(found);
    } catch (err) {
      // Typically a permissions problem (missing udev rule): a person has to act.
      this.statusHolder.set('error', `cannot open the card reader: ${err instanceof Error ? err.message : String(err)}`);
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
    this.statusHolder.set('online');
  }

  private lost(reason: string): void {
    this.log.info({ device: this.id, reason }, 'HID card reader lost');
    this.closeDevice();
    this.statusHolder.set('offline', 'card reader disconnected');
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
        this.emitRead(magstripeRead(parsed.pan, 'hid'));
        return;
      }
      // The reason only: the report itself may hold card data.
      this.log.debug({ device: this.id, reason: parsed.reason, bytes: report.length }, 'unreadable swipe');
      this.emitMisread(parsed.reason);
    } catch (err) {
      this.log.warn({ device: this.id, err: err instanceof Error ? err.name : 'unknown' }, 'bad HID report');
    }
  }
}

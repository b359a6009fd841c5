/**
 * Builds a card or ID reader from its device URI (DESIGN §4):
 *   hid://0801:0002                          HID POS magstripe reader (node-hid, loaded lazily)
 *   serial:///dev/ttyS2?protocol=sam         second-generation ID card reader (115200 baud unless baud=)
 *   sim  /  sim://id                         demo mode: a FakeIdReader on a memory cable
 * Keyboard-wedge readers need no URI: they type into the kiosk page (see wedge-detector.ts).
 */
import { DomainError } from '../../common/errors.js';
import type { Device } from '../device.js';
import type { Logger } from '../logger.js';
import { FakeIdReader } from '../sim/fake-id-reader.js';
import { createMemoryCable, type MemoryCable } from '../transport/memory-transport.js';
import { openTransport } from '../transport/open-transport.js';
import type { ReconnectOptions } from '../transport/reconnecting-transport.js';
import { parseDeviceUri, type DeviceUri } from '../uri.js';
import type { CardReadSource } from './card-read.js';
import { loadNodeHidBackend, type HidBackend } from './hid-device.js';
import { HidCardReader } from './hid-reader.js';
import { SamIdReader } from './sam-reader.js';

export const SAM_DEFAULT_BAUD = 115200;

export interface OpenCardReaderOptions {
  id: string;
  logger?: Logger;
  reconnect?: ReconnectOptions;
  /** Overrides node-hid (tests, or a platform-specific stack). */
  hidBackend?: HidBackend | (() => Promise<HidBackend>);
  /** HID presence polling / SAM card polling interval. */
  pollIntervalMs?: number;
}

export interface OpenedCardReader {
  /** Status for GET /api/devices and device.status events. */
  device: Device;
  /** Card reads: subscribe with identityFeed() (identity) so the clear number goes no further. */
  reads: CardReadSource;
  /** Demo mode only: the simulated ID reader (the lab page puts and removes cards) and its cable. */
  sim?: { fake: FakeIdReader; cable: MemoryCable };
}

/** Creates (does not start) the reader a URI names. Call `device.start()`, and `device.stop()` at shutdown. */
export function openCardReader(text: string | DeviceUri, options: OpenCardReaderOptions): OpenedCardReader {
  const uri = typeof text === 'string' ? parseDeviceUri(text, { baudRate: SAM_DEFAULT_BAUD }) : text;
  const { id, logger } = options;
  const poll = options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs };
  switch (uri.scheme) {
    case 'hid': {
      const reader = new HidCardReader({
        id,
        vendorId: uri.vendorId,
        productId: uri.productId,
        uri: uri.text,
        backend: options.hidBackend ?? loadNodeHidBackend,
        ...poll,
        ...(logger ? { logger } : {}),
      });
      return { device: reader, reads: reader };
    }
    case 'serial': {
      const protocol = uri.params.protocol ?? 'sam';
      if (protocol !== 'sam') {
        throw new DomainError('BAD_DEVICE_URI', `card reader URI "${uri.text}": unknown protocol "${protocol}"; serial readers speak protocol=sam`, { uri: uri.text });
      }
      const transport = openTransport(uri, { ...options.reconnect, ...(logger ? { logger } : {}) });
      const reader = new SamIdReader({ id, transport, ...poll, ...(logger ? { logger } : {}) });
      return { device: reader, reads: reader };
    }
    case 'sim': {
      const cable = createMemoryCable(uri.text);
      const fake = new FakeIdReader();
      fake.attach(cable.device);
      cable.device.open();
      const reader = new SamIdReader({ id, transport: cable.product, ...poll, ...(logger ? { logger } : {}) });
      return { device: reader, reads: reader, sim: { fake, cable } };
    }
    default:
      throw new DomainError('BAD_DEVICE_URI', `card reader URI "${uri.text}": use hid://vid:pid, serial://…?protocol=sam or sim`, { uri: uri.text });
  }
}

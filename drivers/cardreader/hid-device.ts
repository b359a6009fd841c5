/**
 * The slice of a HID stack the magstripe reader needs, so that the reader runs over node-hid
 * on a kiosk and over a fake device in tests. node-hid is an optional dependency (it needs a
 * native build and libusb/hidraw); it is loaded only when a hid:// reader is configured.
 */
import type * as NodeHid from 'node-hid';
import { DomainError } from '../../common/errors.js';

export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  /** OS path (hidraw node on Linux); what open() prefers. */
  path?: string;
  usagePage?: number;
  interface?: number;
}

export interface HidDevice {
  /** One input report per event. */
  on(event: 'data', listener: (report: Uint8Array) => void): unknown;
  /** A read failure, e.g. the device was unplugged; the device is unusable afterwards. */
  on(event: 'error', listener: (err: Error) => void): unknown;
  close(): void;
}

export interface HidBackend {
  /** Devices currently attached. */
  devices(): Promise<HidDeviceInfo[]>;
  /** Opens a device found by devices(); throws when it cannot (permissions, gone meanwhile). */
  open(info: HidDeviceInfo): HidDevice;
}

type NodeHidModule = typeof NodeHid;

/** Loads node-hid lazily; a kiosk without a HID reader never needs the native module. */
export async function loadNodeHidBackend(): Promise<HidBackend> {
  let hid: NodeHidModule;
  try {
    const mod = (await import('node-hid')) as NodeHidModule & { default?: NodeHidModule };
    hid = mod.HID ? mod : mod.default!;
  } catch (err) {
    throw new DomainError(
      'HID_UNAVAILABLE',
      `HID card readers need the optional node-hid module, which could not be loaded (${
        err instanceof Error ? err.message : String(err)
      }). On Linux install libusb-1.0-0 and reinstall dependencies, or use a keyboard-wedge or serial reader.`,
    );
  }
  return {
    devices: async () => {
      const list = await hid.devicesAsync();
      return list.map((d) => ({
        vendorId: d.vendorId,
        productId: d.productId,
        ...(d.path !== undefined ? { path: d.path } : {}),
        ...(d.usagePage !== undefined ? { usagePage: d.usagePage } : {}),
        interface: d.interface,
      }));
    },
    open: (info) => {
      // nonExclusive is macOS-only; elsewhere it is ignored. Opening by path picks the exact interface.
      const dev = info.path !== undefined ? new hid.HID(info.path) : new hid.HID(info.vendorId, info.productId);
      return dev as unknown as HidDevice;
    },
  };
}

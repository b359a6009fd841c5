/**
 * One device's status, kept the same way for every driver (printer, card and ID readers, LED
 * displays, call pads). It holds the DeviceStatus the service shows, tells listeners about real
 * changes only (the Device contract: not every poll), and follows the link to the device.
 *
 * The link is kept apart from what the device reports, as an explicit state: a driver judges the
 * device (paper out, display silent) only while the link is open; while it is not, the holder
 * says why in the same words for every device, and a port that never opens turns from
 * `connecting` into `offline` after a grace period instead of looking busy forever.
 *
 *   connecting ──open──▶ open ──loss──▶ lost ──open──▶ open …      (any) ──stop──▶ closed
 */
import type { Device, DeviceKind, DeviceState, DeviceStatus } from './device.js';
import { Listeners } from './listeners.js';
import { silentLogger, type Logger } from './logger.js';
import type { ConnectionState, Transport } from './transport/transport.js';

export const Link = {
  /** Started, never open yet: the first attempts to open the port. */
  Connecting: 'connecting',
  /** The port is open; the driver judges the device. */
  Open: 'open',
  /** Was open and went away (unplug, power cycle); the transport is reopening it. */
  Lost: 'lost',
  /** Stopped by the application. */
  Closed: 'closed',
} as const;
export type Link = (typeof Link)[keyof typeof Link];

export interface StatusHolderOptions {
  id: string;
  kind: DeviceKind;
  /** Device URI without secrets. */
  uri: string;
  /** The device as staff name it in a detail: "printer", "display bus", "ID card reader". */
  noun: string;
  /** A link that has not opened this long after watch() is reported offline. Default 3000 ms. */
  openGraceMs?: number;
  logger?: Logger;
  now?: () => Date;
}

/** What the holder needs of a transport. */
export type LinkSource = Pick<Transport, 'state' | 'lastError' | 'on' | 'off'>;

export class DeviceStatusHolder {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly uri: string;
  readonly #noun: string;
  readonly #graceMs: number;
  readonly #now: () => Date;
  readonly #log: Logger;
  readonly #listeners: Listeners<DeviceStatus>;
  #status: DeviceStatus;
  #link: Link = Link.Connecting;
  #sets = 0;
  #grace: NodeJS.Timeout | undefined;
  #unwatch: (() => void) | undefined;

  constructor(options: StatusHolderOptions) {
    this.id = options.id;
    this.kind = options.kind;
    this.uri = options.uri;
    this.#noun = options.noun;
    this.#graceMs = options.openGraceMs ?? 3000;
    this.#now = options.now ?? (() => new Date());
    this.#log = options.logger ?? silentLogger;
    this.#listeners = new Listeners(this.#log, 'device status');
    this.#status = { id: this.id, kind: this.kind, uri: this.uri, state: 'connecting', since: this.#now().toISOString() };
  }

  /** A copy of the current status. */
  get(): DeviceStatus {
    return { ...this.#status };
  }

  get state(): DeviceState {
    return this.#status.state;
  }

  get link(): Link {
    return this.#link;
  }

  /**
   * Sets the status; listeners hear it when state or detail changed. `since` moves only when the
   * state changes: it says how long the device has been in this state.
   */
  set(state: DeviceState, detail?: string): void {
    this.#sets++;
    const cur = this.#status;
    if (state === cur.state && detail === cur.detail) return;
    const next: DeviceStatus = {
      id: this.id,
      kind: this.kind,
      uri: this.uri,
      state,
      since: state === cur.state ? cur.since : this.#now().toISOString(),
    };
    if (detail !== undefined) next.detail = detail;
    this.#status = next;
    // The branch service logs every device's status changes; this line is for driver debugging.
    this.#log.debug({ device: this.id, state, detail }, 'device status');
    this.#listeners.emit({ ...next }, { device: this.id });
  }

  /**
   * The device is reachable but has not answered yet. Only a change from another state is told:
   * a device already `connecting` stays so quietly, since every detail change becomes a
   * `device.status` event that head office receives too.
   */
  waiting(detail: string): void {
    if (this.#status.state !== 'connecting') this.set('connecting', detail);
  }

  subscribe(listener: (status: DeviceStatus) => void): () => void {
    return this.#listeners.add(listener);
  }

  /**
   * Follows a transport's connection from now on. `onLink` runs on every link change: after the
   * holder has said why the link is down, or, when it opens, before: a driver that can judge its
   * device at once sets the status there; otherwise the status says it waits for an answer.
   */
  watch(source: LinkSource, onLink?: (link: Link) => void): void {
    this.#unwatch?.();
    const onState = (state: ConnectionState, reason?: string) => this.#follow(state, reason ?? source.lastError, onLink);
    source.on('state', onState);
    this.#unwatch = () => source.off('state', onState);
    clearTimeout(this.#grace);
    this.#grace = setTimeout(() => {
      if (this.#link === Link.Connecting) this.set('offline', `${this.#noun} port cannot be opened${why(source.lastError)}: check the cable, power and configured port`);
    }, this.#graceMs);
    this.#grace.unref();
    if (source.state === 'open') onState('open');
  }

  /** Stops following the link; the device shows as offline, "stopped". */
  stop(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
    clearTimeout(this.#grace);
    this.#link = Link.Closed;
    this.set('offline', 'stopped');
  }

  #follow(state: ConnectionState, reason: string | undefined, onLink: ((link: Link) => void) | undefined): void {
    if (this.#link === Link.Closed) return;
    let next: Link;
    if (state === 'open') next = Link.Open;
    else if (state === 'closed') next = Link.Closed;
    else next = this.#link === Link.Open || this.#link === Link.Lost ? Link.Lost : Link.Connecting;
    if (next === this.#link) return;
    this.#link = next;
    switch (next) {
      case Link.Open: {
        clearTimeout(this.#grace);
        const before = this.#sets;
        onLink?.(next);
        if (this.#sets === before) this.waiting(`waiting for the ${this.#noun} to answer`);
        return;
      }
      case Link.Lost:
        this.set('offline', `${this.#noun} disconnected${why(reason)}: check its cable and power; reconnecting`);
        break;
      case Link.Closed:
        clearTimeout(this.#grace);
        break;
    }
    onLink?.(next);
  }
}

function why(reason: string | undefined): string {
  return reason ? ` (${reason})` : '';
}

/** What every driver shares: an id, a kind and one status holder behind the Device contract. */
export abstract class DeviceBase<K extends DeviceKind = DeviceKind> implements Device {
  readonly id: string;
  readonly kind: K;
  protected readonly statusHolder: DeviceStatusHolder;

  constructor(options: StatusHolderOptions & { kind: K }) {
    this.id = options.id;
    this.kind = options.kind;
    this.statusHolder = new DeviceStatusHolder(options);
  }

  status(): DeviceStatus {
    return this.statusHolder.get();
  }

  onStatus(listener: (status: DeviceStatus) => void): () => void {
    return this.statusHolder.subscribe(listener);
  }

  abstract start(): void;
  abstract stop(): Promise<void>;
}

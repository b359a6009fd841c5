/**
 * A display device is one RS-485 bus (one transport) with any number of addressed displays on it:
 * the counter displays of several windows and the lobby board often share one cable and one
 * USB-485 adapter, and only one owner may open a port. So the service creates one DisplayDevice
 * per port and passes each instruction's address; per-address health shows in the status detail.
 *
 * show() never blocks or throws: it records the newest instruction per address (older unsent
 * ones are dropped, since only the latest text matters) and a background pump writes them one at
 * a time (RS-485 is half duplex), waiting for the ack when the protocol has one. After the port
 * comes back every address's latest content is sent again, since a display may have lost power.
 */
import type { Device, DeviceKind, DeviceStatus } from '../device.js';
import type { ConnectionState, Transport } from '../transport/transport.js';
import { silentLogger, type Logger } from '../logger.js';
import type { AddressedInstruction, DisplayInstruction, DisplayProtocol, DisplayReply, StreamDecoder } from './protocol.js';
import { getDisplayProtocol } from './registry.js';
import { StatusTracker } from './status-tracker.js';

export interface DisplayDeviceOptions {
  id: string;
  kind?: Extract<DeviceKind, 'counter_display' | 'lobby_display'>;
  /** Owned by the device: opened by start(), closed by stop(). */
  transport: Transport;
  /** A protocol or its registry name; default "framed". */
  protocol?: DisplayProtocol | string;
  /** Address used when an instruction has none (the URI's `address=N`); default 1. */
  defaultAddress?: number;
  /** Displays known to be on the bus; probed for health before they are first given text. */
  addresses?: number[];
  /** How long to wait for an ack (ack protocols); default 300 ms. */
  ackTimeoutMs?: number;
  /** Extra tries of a frame that got no ack; default 2. A display already silent gets one try. */
  retries?: number;
  /** How often a silent display is tried again; default 1000 ms (DESIGN §8: back within 2 s). */
  retryIntervalMs?: number;
  /**
   * Ack protocols: how often answering displays are probed. Protocols without acks: how often
   * every display's latest content is re-sent, since a display that lost power cannot say so.
   * Default 15000 ms, 0 = off.
   */
  heartbeatMs?: number;
  logger?: Logger;
  now?: () => Date;
}

type Job = { address: number; bytes: Uint8Array; content: boolean };

export class DisplayDevice implements Device {
  readonly id: string;
  readonly kind: Extract<DeviceKind, 'counter_display' | 'lobby_display'>;
  readonly protocol: DisplayProtocol;

  private readonly transport: Transport;
  private readonly log: Logger;
  private readonly tracker: StatusTracker;
  private readonly defaultAddress: number;
  private readonly knownAddresses: Set<number>;
  private readonly ackTimeoutMs: number;
  private readonly retries: number;
  private readonly retryIntervalMs: number;
  private readonly heartbeatMs: number;

  private readonly latest = new Map<number, AddressedInstruction>();
  private readonly dirty = new Set<number>();
  private readonly probes = new Set<number>();
  private readonly health = new Map<number, 'answering' | 'silent'>();
  private readonly retryTimers = new Map<number, NodeJS.Timeout>();
  private heartbeat: NodeJS.Timeout | undefined;
  private replies: StreamDecoder<DisplayReply> | undefined;
  private waiter: { address: number; resolve: (reply: DisplayReply | undefined) => void } | undefined;
  private pumping = false;
  private started = false;
  private stopped = false;
  private everOpen = false;
  private seenState: ConnectionState | undefined;

  constructor(options: DisplayDeviceOptions) {
    this.id = options.id;
    this.kind = options.kind ?? 'counter_display';
    this.transport = options.transport;
    this.protocol =
      typeof options.protocol === 'object' ? options.protocol : getDisplayProtocol(options.protocol);
    this.log = options.logger ?? silentLogger;
    this.tracker = new StatusTracker(this.id, this.kind, this.transport.uri, options.now);
    this.defaultAddress = options.defaultAddress ?? 1;
    this.knownAddresses = new Set(options.addresses ?? []);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 300;
    this.retries = options.retries ?? 2;
    this.retryIntervalMs = options.retryIntervalMs ?? 1000;
    this.heartbeatMs = options.heartbeatMs ?? 15000;
  }

  status(): DeviceStatus {
    return this.tracker.get();
  }

  onStatus(listener: (status: DeviceStatus) => void): () => void {
    return this.tracker.subscribe(listener);
  }

  /** The newest instruction for an address (what the display shows, or will once it answers). */
  current(address: number = this.defaultAddress): DisplayInstruction | undefined {
    return this.latest.get(address);
  }

  /** Per-address answer state for ack protocols (undefined: not tried since the port opened). */
  addressHealth(): Array<{ address: number; answering: boolean | undefined }> {
    const all = new Set([...this.knownAddresses, ...this.latest.keys(), ...this.health.keys()]);
    return [...all].sort((a, b) => a - b).map((address) => {
      const h = this.health.get(address);
      return { address, answering: h === undefined ? undefined : h === 'answering' };
    });
  }

  /** Queues the instruction for its display and returns at once; never throws. */
  show(instruction: DisplayInstruction): void {
    try {
      const address = instruction.address ?? this.defaultAddress;
      if (!Number.isInteger(address) || address < this.protocol.minAddress || address > this.protocol.maxAddress) {
        this.log.warn({ device: this.id, address }, 'display address out of range for this protocol; instruction ignored');
        return;
      }
      this.latest.set(address, { ...instruction, address } as AddressedInstruction);
      this.dirty.add(address);
      this.probes.delete(address);
      void this.pump();
    } catch (err) {
      this.log.error({ device: this.id, err }, 'display instruction dropped');
    }
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.replies = this.protocol.createReplyDecoder?.((reason, bytes) =>
      this.log.debug({ device: this.id, reason, bytes: Buffer.from(bytes).toString('hex') }, 'display reply dropped'),
    );
    this.transport.on('data', this.onData);
    this.transport.on('state', this.onState);
    if (this.heartbeatMs > 0) {
      this.heartbeat = setInterval(() => this.refresh(), this.heartbeatMs);
      this.heartbeat.unref();
    }
    this.transport.open();
    if (this.transport.state === 'open') this.onState('open');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const t of this.retryTimers.values()) clearTimeout(t);
    this.retryTimers.clear();
    this.waiter?.resolve(undefined);
    this.transport.off('data', this.onData);
    this.transport.off('state', this.onState);
    await this.transport.close();
    this.tracker.set('offline', 'stopped');
  }

  private readonly onData = (chunk: Buffer): void => {
    if (!this.replies) return;
    let replies: DisplayReply[];
    try {
      replies = this.replies(chunk);
    } catch (err) {
      this.log.debug({ device: this.id, err }, 'display reply decoder failed; bytes dropped');
      return;
    }
    for (const reply of replies) {
      if (this.waiter && this.waiter.address === reply.address) this.waiter.resolve(reply);
      else this.markAnswered(reply); // a late answer still proves the display is alive
    }
  };

  private readonly onState = (state: ConnectionState, reason?: string): void => {
    if (this.stopped || state === this.seenState) return;
    this.seenState = state;
    if (state === 'open') {
      this.everOpen = true;
      this.log.info({ device: this.id, uri: this.transport.uri }, 'display port open');
      this.health.clear();
      for (const t of this.retryTimers.values()) clearTimeout(t);
      this.retryTimers.clear();
      for (const address of this.latest.keys()) this.dirty.add(address);
      if (this.protocol.acks) for (const address of this.knownAddresses) if (!this.latest.has(address)) this.probes.add(address);
      this.updateState();
      void this.pump();
    } else {
      if (this.everOpen) this.log.warn({ device: this.id, state, reason }, 'display port lost');
      this.waiter?.resolve(undefined);
      this.updateState(reason);
    }
  };

  private refresh(): void {
    if (this.transport.state !== 'open') return;
    if (this.protocol.acks) {
      for (const [address, h] of this.health) if (h === 'answering' && !this.dirty.has(address)) this.probes.add(address);
    } else {
      for (const address of this.latest.keys()) this.dirty.add(address);
    }
    void this.pump();
  }

  private nextJob(): Job | undefined {
    for (const set of [this.dirty, this.probes]) {
      for (const address of set) {
        set.delete(address);
        const content = set === this.dirty;
        const instruction = this.latest.get(address);
        try {
          if (!content && this.protocol.encodePing) return { address, bytes: this.protocol.encodePing(address), content };
          if (instruction) return { address, bytes: this.protocol.encode(instruction), content: true };
        } catch (err) {
          this.log.error({ device: this.id, address, err }, 'display protocol could not encode; instruction dropped');
        }
      }
    }
    return undefined;
  }

  private async pump(): Promise<void> {
    if (this.pumping || !this.started || this.stopped) return;
    this.pumping = true;
    let failed = false;
    try {
      while (!this.stopped && this.transport.state === 'open') {
        const job = this.nextJob();
        if (!job) break;
        if (!(await this.deliver(job))) {
          failed = true;
          break;
        }
      }
    } catch (err) {
      failed = true;
      this.log.error({ device: this.id, err }, 'display pump failed');
    } finally {
      this.pumping = false;
    }
    // The port may have come back (and work arrived) while this run was winding down after a
    // failure, when a new pump() call saw `pumping` and returned: look again.
    if (!this.stopped && this.transport.state === 'open' && (this.dirty.size > 0 || this.probes.size > 0)) {
      if (failed) setTimeout(() => void this.pump(), 20).unref();
      else void this.pump();
    }
  }

  /** Writes one job, with ack and retries where the protocol has acks. False: the port failed. */
  private async deliver(job: Job): Promise<boolean> {
    const tries = this.health.get(job.address) === 'silent' ? 1 : 1 + this.retries;
    for (let i = 0; i < tries; i++) {
      try {
        await this.transport.write(job.bytes);
      } catch (err) {
        this.log.debug({ device: this.id, address: job.address, err }, 'display write failed; will resend after reconnect');
        this.requeue(job);
        this.updateState(err instanceof Error ? err.message : undefined);
        return false;
      }
      if (!this.protocol.acks) return true;
      const reply = await this.waitReply(job.address);
      if (reply) {
        this.markAnswered(reply);
        return true;
      }
      if (this.stopped || this.transport.state !== 'open') {
        this.requeue(job);
        return false;
      }
      if (this.dirty.has(job.address)) return true; // newer content supersedes this retry
    }
    this.markSilent(job.address);
    return true;
  }

  private requeue(job: Job): void {
    if (job.content) this.dirty.add(job.address);
    else if (!this.dirty.has(job.address)) this.probes.add(job.address);
  }

  private waitReply(address: number): Promise<DisplayReply | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), this.ackTimeoutMs);
      const done = (reply: DisplayReply | undefined) => {
        clearTimeout(timer);
        if (this.waiter === entry) this.waiter = undefined;
        resolve(reply);
      };
      const entry = { address, resolve: done };
      this.waiter = entry;
    });
  }

  private markAnswered(reply: DisplayReply): void {
    if (reply.kind === 'nak') {
      this.log.warn({ device: this.id, address: reply.address, code: reply.code }, 'display refused a frame');
    }
    const timer = this.retryTimers.get(reply.address);
    if (timer) clearTimeout(timer);
    this.retryTimers.delete(reply.address);
    if (this.health.get(reply.address) === 'silent') this.log.info({ device: this.id, address: reply.address }, 'display answers again');
    this.health.set(reply.address, 'answering');
    this.updateState();
  }

  private markSilent(address: number): void {
    if (this.health.get(address) !== 'silent') this.log.warn({ device: this.id, address }, 'display does not answer');
    this.health.set(address, 'silent');
    if (!this.retryTimers.has(address)) {
      const timer = setTimeout(() => {
        this.retryTimers.delete(address);
        if (this.stopped || this.health.get(address) !== 'silent') return;
        if (this.latest.has(address)) this.dirty.add(address);
        else this.probes.add(address);
        void this.pump();
      }, this.retryIntervalMs);
      timer.unref();
      this.retryTimers.set(address, timer);
    }
    this.updateState();
  }

  private updateState(reason?: string): void {
    if (this.stopped) return;
    if (this.transport.state !== 'open') {
      if (this.everOpen) this.tracker.set('offline', `port closed${reason ? `: ${reason}` : ''}`);
      else this.tracker.set('connecting', reason);
      return;
    }
    if (!this.protocol.acks) {
      this.tracker.set('online');
      return;
    }
    const silent = [...this.health].filter(([, h]) => h === 'silent').map(([a]) => a).sort((a, b) => a - b);
    const answering = [...this.health.values()].filter((h) => h === 'answering').length;
    if (silent.length === 0) {
      if (answering === 0 && (this.dirty.size > 0 || this.probes.size > 0 || this.pumping)) {
        this.tracker.set('connecting', 'port open, waiting for the displays to answer');
      } else {
        this.tracker.set('online');
      }
    } else if (answering === 0) {
      this.tracker.set('offline', `no answer from display address ${silent.join(', ')}`);
    } else {
      this.tracker.set('error', `no answer from display address ${silent.join(', ')}; the others answer`);
    }
  }
}

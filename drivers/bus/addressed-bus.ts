/**
 * The pump of an addressed RS-485 bus, shared by the LED displays and the call pads: one
 * transport, any number of devices on it by address, and what each of them should show.
 *
 * - put() records the newest content for an address and returns at once: only the latest matters,
 *   so an older request not yet sent is superseded. Callers never wait and never see an error.
 * - The pump sends one request at a time (RS-485 is half duplex). Every request has an id; where
 *   the protocol answers (ack/nak), it waits up to `answerTimeoutMs` for the answer and tries
 *   again `retries` times. An address that stays silent gets one try per `retryIntervalMs`.
 * - When the port comes back, every address's latest content is sent again (a device may have
 *   lost power with it); `refreshMs` re-sends it (no answers) or probes answering devices (answers).
 * - Status: the link, then per-address health: online when every tried device answers, error when
 *   some do not, offline when none does.
 *
 * A device on such a bus extends this class and keeps only what is its own: its instruction
 * type and checks, and any messages the bus devices send besides answers (call-pad key presses).
 */
import type { ByteParser } from '../codec/byte-parser.js';
import { logDrops } from '../codec/drop-log.js';
import type { DeviceKind } from '../device.js';
import { DeviceBase, Link } from '../device-status.js';
import { Listeners } from '../listeners.js';
import { silentLogger, type Logger } from '../logger.js';
import type { Transport } from '../transport/transport.js';

/** An answer of a bus device to the request in flight. */
export interface BusReply {
  address: number;
  /** A nak: the device is alive but refused the request. */
  refused: boolean;
  /** Vendor reason code of a refusal. */
  code?: number;
}

/** What the pump needs of a protocol. `C`: content for one address; `M`: what devices send. */
export interface BusCodec<C, M> {
  readonly minAddress: number;
  readonly maxAddress: number;
  /** Whether the addressed device answers every request; drives retries and health. */
  readonly acks: boolean;
  /** Bytes of one request. May throw (a bug); the request is then dropped and logged. */
  encode(address: number, content: C): Uint8Array;
  /** A request the device answers without changing anything (health probe); answering codecs. */
  encodeProbe?(address: number): Uint8Array;
  /** A parser for what the devices send; absent when they send nothing. */
  createParser?(): ByteParser<M>;
  /** The answer to a request, when `message` is one. */
  replyOf?(message: M): BusReply | undefined;
}

export type RequestPurpose = 'content' | 'probe';

/** What became of one attempt of one request. */
export type AttemptOutcome =
  /** The device acked. */
  | 'answered'
  /** The device nak'ed: alive, but it refused the bytes. */
  | 'refused'
  /** No answer within answerTimeoutMs. */
  | 'timeout'
  /** Written; the protocol has no answers. */
  | 'sent'
  /** The write failed (port gone); the request waits for the port. */
  | 'write_failed'
  /** The port went away while waiting for the answer; the request waits for the port. */
  | 'link_lost'
  /** Newer content for the address replaced the request before it was done. */
  | 'superseded';

export interface RequestEvent {
  id: number;
  address: number;
  purpose: RequestPurpose;
  /** 1 for the first try; 0 for a request superseded before it was tried. */
  attempt: number;
  outcome: AttemptOutcome;
}

export interface AddressedBusOptions {
  id: string;
  /** Owned by the device: opened by start(), closed by stop(). */
  transport: Transport;
  /** Devices known to be on the bus; probed for health before they are first given content. */
  addresses?: number[];
  /** How long to wait for an answer (answering protocols); default 300 ms. */
  answerTimeoutMs?: number;
  /** Extra tries of a request that got no answer; default 2. A device already silent gets one try. */
  retries?: number;
  /** How often a silent device is tried again; default 1000 ms (DESIGN §8: back within 2 s). */
  retryIntervalMs?: number;
  /**
   * Answering protocols: how often answering devices are probed. Others: how often every
   * address's latest content is re-sent, since a device that lost power cannot say so.
   * Default 15000 ms, 0 = off.
   */
  refreshMs?: number;
  /** A port that has not opened this long after start() is reported offline; default 3000 ms. */
  openGraceMs?: number;
  logger?: Logger;
  now?: () => Date;
}

/** How a kind of bus device names itself in logs and status details. */
export interface BusNames {
  /** One device: "display", "call pad". */
  device: string;
  /** The bus: "display bus", "call-pad line". */
  bus: string;
}

interface Request {
  id: number;
  address: number;
  purpose: RequestPurpose;
  attempts: number;
}

export abstract class AddressedBus<K extends DeviceKind, C, M> extends DeviceBase<K> {
  protected readonly log: Logger;
  protected readonly transport: Transport;
  readonly #codec: BusCodec<C, M>;
  readonly #names: BusNames;
  readonly #known: Set<number>;
  readonly #answerTimeoutMs: number;
  readonly #retries: number;
  readonly #retryIntervalMs: number;
  readonly #refreshMs: number;

  readonly #latest = new Map<number, C>();
  /** Requests not done yet, one per address; Map order is the send order. */
  readonly #queue = new Map<number, Request>();
  readonly #health = new Map<number, 'answering' | 'silent'>();
  readonly #retryTimers = new Map<number, NodeJS.Timeout>();
  readonly #requestListeners: Listeners<RequestEvent>;
  #nextId = 1;
  #refresh: NodeJS.Timeout | undefined;
  #parser: ByteParser<M> | undefined;
  #waiter: { address: number; resolve: (reply: BusReply | undefined) => void } | undefined;
  /** The request being written or waiting for its answer. */
  #inFlight: Request | undefined;
  #pumping = false;
  #started = false;
  #stopped = false;

  constructor(kind: K, names: BusNames, codec: BusCodec<C, M>, options: AddressedBusOptions) {
    super({
      id: options.id,
      kind,
      uri: options.transport.uri,
      noun: names.bus,
      logger: options.logger,
      now: options.now,
      openGraceMs: options.openGraceMs,
    });
    this.transport = options.transport;
    this.log = options.logger ?? silentLogger;
    this.#codec = codec;
    this.#names = names;
    this.#known = new Set(options.addresses ?? []);
    this.#answerTimeoutMs = options.answerTimeoutMs ?? 300;
    this.#retries = options.retries ?? 2;
    this.#retryIntervalMs = options.retryIntervalMs ?? 1000;
    this.#refreshMs = options.refreshMs ?? 15000;
    this.#requestListeners = new Listeners(this.log, 'bus request');
  }

  /** Every attempt of every request, as it ends (for diagnostics and tests). */
  onRequest(listener: (event: RequestEvent) => void): () => void {
    return this.#requestListeners.add(listener);
  }

  /** Per-address answer state for answering protocols (undefined: not tried since the port opened). */
  addressHealth(): Array<{ address: number; answering: boolean | undefined }> {
    const all = new Set([...this.#known, ...this.#latest.keys(), ...this.#health.keys()]);
    return [...all]
      .sort((a, b) => a - b)
      .map((address) => {
        const h = this.#health.get(address);
        return { address, answering: h === undefined ? undefined : h === 'answering' };
      });
  }

  /** Requests waiting to be sent or answered, oldest first. */
  pendingRequests(): Array<{ id: number; address: number; purpose: RequestPurpose; attempts: number }> {
    return [...this.#queue.values()].map((r) => ({ ...r }));
  }

  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#parser = this.#codec.createParser?.();
    if (this.#parser) {
      this.#parser.on('data', (message: M) => this.#onMessage(message));
      logDrops(this.#parser, { logger: this.log, context: { device: this.id }, message: `bytes dropped on the ${this.#names.bus}` });
      this.transport.on('data', this.#onData);
    }
    this.statusHolder.watch(this.transport, (link) => this.#onLink(link));
    if (this.#refreshMs > 0) {
      this.#refresh = setInterval(() => this.#refreshAll(), this.#refreshMs);
      this.#refresh.unref();
    }
    this.transport.open();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#refresh);
    for (const t of this.#retryTimers.values()) clearTimeout(t);
    this.#retryTimers.clear();
    this.#waiter?.resolve(undefined);
    this.transport.off('data', this.#onData);
    this.statusHolder.stop();
    this.#parser?.destroy();
    await this.transport.close();
  }

  /**
   * Records the newest content for an address and wakes the pump. Returns the request id, or
   * undefined when the address is outside the protocol's range (logged, ignored). Never throws.
   */
  protected put(address: number, content: C): number | undefined {
    if (!Number.isInteger(address) || address < this.#codec.minAddress || address > this.#codec.maxAddress) {
      this.log.warn({ device: this.id, address }, `${this.#names.device} address out of range for this protocol; ignored`);
      return undefined;
    }
    this.#latest.set(address, content);
    const request = this.#enqueue(address, 'content');
    void this.#pump();
    return request.id;
  }

  /** The newest content for an address (what the device shows, or will once it answers). */
  protected latest(address: number): C | undefined {
    return this.#latest.get(address);
  }

  /** Writes bytes at once, outside the queue (e.g. a key ack a pad is waiting for). Never throws. */
  protected sendNow(bytes: Uint8Array, what: string): void {
    this.transport.write(bytes).catch((err: unknown) => this.log.debug({ device: this.id, err }, `${what} not sent`));
  }

  /** A message from the bus that is not an answer (e.g. a key press); default: ignored. */
  protected onMessage(_message: M): void {}

  /** Something from this address proves the device is alive. */
  protected heard(address: number): void {
    this.#markAnswered({ address, refused: false });
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#parser?.write(chunk);
  };

  #onMessage(message: M): void {
    const reply = this.#codec.replyOf?.(message);
    if (!reply) {
      try {
        this.onMessage(message);
      } catch (err) {
        this.log.error({ device: this.id, err }, `${this.#names.device} message handler failed`);
      }
      return;
    }
    if (this.#waiter && this.#waiter.address === reply.address) this.#waiter.resolve(reply);
    else this.#markAnswered(reply); // a late answer still proves the device is alive
  }

  #onLink(link: Link): void {
    if (this.#stopped) return;
    if (link === Link.Open) {
      this.log.info({ device: this.id, uri: this.transport.uri }, `${this.#names.bus} open`);
      this.#health.clear();
      for (const t of this.#retryTimers.values()) clearTimeout(t);
      this.#retryTimers.clear();
      for (const address of this.#latest.keys()) this.#enqueue(address, 'content', false);
      if (this.#codec.acks && this.#codec.encodeProbe) {
        for (const address of this.#known) if (!this.#latest.has(address)) this.#enqueue(address, 'probe', false);
      }
      this.#judge();
      void this.#pump();
    } else {
      if (link === Link.Lost) this.log.warn({ device: this.id }, `${this.#names.bus} lost`);
      this.#waiter?.resolve(undefined);
    }
  }

  #refreshAll(): void {
    if (this.statusHolder.link !== Link.Open) return;
    if (this.#codec.acks) {
      if (!this.#codec.encodeProbe) return;
      for (const [address, h] of this.#health) if (h === 'answering' && !this.#queue.has(address)) this.#enqueue(address, 'probe');
    } else {
      for (const address of this.#latest.keys()) this.#enqueue(address, 'content', false);
    }
    void this.#pump();
  }

  /**
   * Queues a request for an address. Content replaces whatever is queued for it (a new id, unless
   * `fresh` is false and content is already queued: a resend of the same latest content).
   */
  #enqueue(address: number, purpose: RequestPurpose, fresh = true): Request {
    const queued = this.#queue.get(address);
    if (queued && (purpose === 'probe' || (!fresh && queued.purpose === 'content'))) return queued;
    const request: Request = { id: this.#nextId++, address, purpose, attempts: 0 };
    // One in flight reports its own end; the pump sees it is no longer current.
    if (queued && queued !== this.#inFlight) this.#emit(queued, 'superseded', queued.attempts);
    this.#queue.delete(address); // a newer request goes to the back, behind the other addresses
    this.#queue.set(address, request);
    return request;
  }

  #emit(request: Request, outcome: AttemptOutcome, attempt = request.attempts): void {
    this.#requestListeners.emit({ id: request.id, address: request.address, purpose: request.purpose, attempt, outcome }, { device: this.id });
  }

  /** The request of an address is done, unless newer content has replaced it meanwhile. */
  #done(request: Request): void {
    if (this.#queue.get(request.address) === request) this.#queue.delete(request.address);
  }

  #isCurrent(request: Request): boolean {
    return this.#queue.get(request.address) === request;
  }

  async #pump(): Promise<void> {
    if (this.#pumping || !this.#started || this.#stopped) return;
    this.#pumping = true;
    let failed = false;
    try {
      while (!this.#stopped && this.statusHolder.link === Link.Open) {
        const request = this.#next();
        if (!request) break;
        this.#inFlight = request;
        const ok = await this.#deliver(request);
        this.#inFlight = undefined;
        if (!ok) {
          failed = true;
          break;
        }
      }
    } catch (err) {
      failed = true;
      this.log.error({ device: this.id, err }, `${this.#names.bus} pump failed`);
    } finally {
      this.#inFlight = undefined;
      this.#pumping = false;
    }
    this.#judge();
    // The port may have come back (and work arrived) while this run was winding down after a
    // failure, when a new #pump() call saw `pumping` and returned: look again.
    if (!this.#stopped && this.statusHolder.link === Link.Open && this.#queue.size > 0) {
      if (failed) setTimeout(() => void this.#pump(), 20).unref();
      else void this.#pump();
    }
  }

  /** Content first, then probes, each oldest first. */
  #next(): Request | undefined {
    let probe: Request | undefined;
    for (const r of this.#queue.values()) {
      if (r.purpose === 'content') return r;
      probe ??= r;
    }
    return probe;
  }

  #encode(request: Request): Uint8Array | undefined {
    try {
      if (request.purpose === 'probe') return this.#codec.encodeProbe?.(request.address);
      const content = this.#latest.get(request.address);
      return content === undefined ? undefined : this.#codec.encode(request.address, content);
    } catch (err) {
      this.log.error({ device: this.id, address: request.address, err }, `${this.#names.device} protocol could not encode; request dropped`);
      return undefined;
    }
  }

  /** Sends one request, with answers and retries where the protocol answers. False: the port failed. */
  async #deliver(request: Request): Promise<boolean> {
    const bytes = this.#encode(request);
    if (!bytes) {
      this.#done(request);
      return true;
    }
    const tries = this.#health.get(request.address) === 'silent' ? 1 : 1 + this.#retries;
    for (let i = 0; i < tries; i++) {
      request.attempts++;
      try {
        await this.transport.write(bytes);
      } catch (err) {
        this.log.debug({ device: this.id, request: request.id, address: request.address, err }, `${this.#names.device} write failed; will resend after reconnect`);
        this.#emit(request, 'write_failed');
        return false;
      }
      if (!this.#codec.acks) {
        this.#emit(request, 'sent');
        this.#done(request);
        return true;
      }
      const reply = await this.#waitReply(request.address);
      if (reply) {
        this.#emit(request, reply.refused ? 'refused' : 'answered');
        this.#done(request);
        this.#markAnswered(reply);
        return true;
      }
      if (this.#stopped || this.statusHolder.link !== Link.Open) {
        this.#emit(request, 'link_lost');
        return false;
      }
      this.#emit(request, 'timeout');
      if (!this.#isCurrent(request)) return true; // newer content supersedes this retry
    }
    this.#done(request);
    this.#markSilent(request.address);
    return true;
  }

  #waitReply(address: number): Promise<BusReply | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), this.#answerTimeoutMs);
      const done = (reply: BusReply | undefined) => {
        clearTimeout(timer);
        if (this.#waiter === entry) this.#waiter = undefined;
        resolve(reply);
      };
      const entry = { address, resolve: done };
      this.#waiter = entry;
    });
  }

  #markAnswered(reply: BusReply): void {
    if (reply.refused) {
      this.log.warn({ device: this.id, address: reply.address, code: reply.code }, `${this.#names.device} refused a request`);
    }
    clearTimeout(this.#retryTimers.get(reply.address));
    this.#retryTimers.delete(reply.address);
    if (this.#health.get(reply.address) === 'silent') this.log.info({ device: this.id, address: reply.address }, `${this.#names.device} answers again`);
    this.#health.set(reply.address, 'answering');
    this.#judge();
  }

  #markSilent(address: number): void {
    if (this.#health.get(address) !== 'silent') this.log.warn({ device: this.id, address }, `${this.#names.device} does not answer`);
    this.#health.set(address, 'silent');
    if (!this.#retryTimers.has(address)) {
      const timer = setTimeout(() => {
        this.#retryTimers.delete(address);
        if (this.#stopped || this.#health.get(address) !== 'silent') return;
        if (this.#latest.has(address)) this.#enqueue(address, 'content', false);
        else this.#enqueue(address, 'probe');
        void this.#pump();
      }, this.#retryIntervalMs);
      timer.unref();
      this.#retryTimers.set(address, timer);
    }
    this.#judge();
  }

  /** The status while the link is open: the devices' health. */
  #judge(): void {
    if (this.#stopped || this.statusHolder.link !== Link.Open) return;
    if (!this.#codec.acks) {
      this.statusHolder.set('online');
      return;
    }
    const silent = [...this.#health]
      .filter(([, h]) => h === 'silent')
      .map(([a]) => a)
      .sort((a, b) => a - b);
    const answering = [...this.#health.values()].filter((h) => h === 'answering').length;
    const noun = this.#names.device;
    if (silent.length === 0) {
      if (answering === 0 && (this.#queue.size > 0 || this.#pumping)) this.statusHolder.waiting(`port open, waiting for the ${noun}s to answer`);
      else this.statusHolder.set('online');
    } else if (answering === 0) {
      this.statusHolder.set('offline', `no answer from ${noun} address ${silent.join(', ')}`);
    } else {
      this.statusHolder.set('error', `no answer from ${noun} address ${silent.join(', ')}; the others answer`);
    }
  }
}

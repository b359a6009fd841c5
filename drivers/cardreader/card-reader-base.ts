/**
 * What the HID magstripe reader and the SAM ID-card reader share: the Device contract with one
 * status holder, and listeners for reads and misreads. Reads carry the clear number for the
 * instant it takes to derive a keyed identity; a failing listener is logged by its error's name
 * only, since its message could quote the number.
 */
import { DeviceBase, type StatusHolderOptions } from '../device-status.js';
import { Listeners } from '../listeners.js';
import { silentLogger, type Logger } from '../logger.js';
import type { CardRead, CardReadListener, CardReadSource } from './card-read.js';

export abstract class CardReaderBase<K extends 'card_reader' | 'id_reader', Misread> extends DeviceBase<K> implements CardReadSource {
  protected readonly log: Logger;
  readonly #reads: Listeners<CardRead>;
  readonly #misreads: Listeners<Misread>;

  constructor(options: StatusHolderOptions & { kind: K }) {
    super(options);
    this.log = options.logger ?? silentLogger;
    this.#reads = new Listeners(this.log, 'card read', { private: true });
    this.#misreads = new Listeners(this.log, 'misread');
  }

  /** Called synchronously for each good read. Derive the identity there and keep nothing. */
  onRead(listener: CardReadListener): () => void {
    return this.#reads.add(listener);
  }

  /** A card was presented but could not be read (so the kiosk can ask to try again). */
  onMisread(listener: (reason: Misread) => void): () => void {
    return this.#misreads.add(listener);
  }

  protected emitRead(read: CardRead): void {
    this.#reads.emit(read, { device: this.id });
  }

  protected emitMisread(reason: Misread): void {
    this.#misreads.emit(reason, { device: this.id });
  }
}

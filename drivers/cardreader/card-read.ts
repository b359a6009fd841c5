/**
 * What a card or ID reader yields. The clear number lives only in memory, for the instant it
 * takes to derive the keyed identity (identity): it is never logged, stored or sent to a page.
 *
 * As a guard against accidents, a CardRead serialises and inspects as a redacted value: a stray
 * `logger.info({ read })`, `JSON.stringify(read)` or `console.log(read)` shows no digits.
 * No Node imports here: the kiosk page builds card reads from keyboard-wedge swipes too.
 */
export type CardSource = 'magstripe' | 'id_card';

/** Which path the read came through; useful in device logs, not personal. */
export type CardChannel = 'hid' | 'wedge' | 'sam' | 'sim';

export interface CardRead {
  readonly source: CardSource;
  readonly channel: CardChannel;
  /** Card number (PAN), digits only; set when source is 'magstripe'. */
  readonly pan?: string;
  /** Resident ID number, 18 characters (17 digits + digit or X); set when source is 'id_card'. */
  readonly idNumber?: string;
  /** Epoch milliseconds of the read. */
  readonly readAt: number;
}

const REDACTED = '[redacted]';

function redacted(read: { source: CardSource; channel: CardChannel; readAt: number; pan?: string; idNumber?: string }) {
  return {
    source: read.source,
    channel: read.channel,
    readAt: read.readAt,
    ...(read.pan !== undefined ? { pan: REDACTED } : {}),
    ...(read.idNumber !== undefined ? { idNumber: REDACTED } : {}),
  };
}

function seal(fields: { source: CardSource; channel: CardChannel; readAt: number; pan?: string; idNumber?: string }): CardRead {
  const view = redacted(fields);
  const read = { ...fields };
  // Non-enumerable so that spreads, Object.entries and structured logging never see them.
  Object.defineProperty(read, 'toJSON', { value: () => view, enumerable: false });
  Object.defineProperty(read, Symbol.for('nodejs.util.inspect.custom'), { value: () => view, enumerable: false });
  Object.defineProperty(read, 'toString', { value: () => `CardRead(${fields.source})`, enumerable: false });
  if (fields.pan !== undefined) Object.defineProperty(read, 'pan', { value: fields.pan, enumerable: false });
  if (fields.idNumber !== undefined) Object.defineProperty(read, 'idNumber', { value: fields.idNumber, enumerable: false });
  return Object.freeze(read);
}

export function magstripeRead(pan: string, channel: CardChannel, readAt = Date.now()): CardRead {
  return seal({ source: 'magstripe', channel, pan, readAt });
}

export function idCardRead(idNumber: string, channel: CardChannel, readAt = Date.now()): CardRead {
  return seal({ source: 'id_card', channel, idNumber, readAt });
}

/** Listener shape shared by the readers. Derive the identity synchronously and keep nothing. */
export type CardReadListener = (read: CardRead) => void;

/** Something that produces card reads; both the HID and the SAM readers implement it. */
export interface CardReadSource {
  onRead(listener: CardReadListener): () => void;
}

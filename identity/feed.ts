/**
 * The one place a clear card or ID number is handed over: each read becomes an Identity at once
 * and only the Identity travels on. Use this instead of subscribing to a reader's reads directly.
 */
import type { CardReadSource } from '../drivers/cardreader/card-read.js';
import { deriveIdentity, type Identity } from './derive.js';

interface FeedLogger {
  warn(obj: unknown, msg?: string): void;
}

export function identityFeed(
  source: CardReadSource,
  key: Uint8Array,
  listener: (identity: Identity, meta: { source: 'magstripe' | 'id_card'; readAt: number }) => void,
  logger?: FeedLogger,
): () => void {
  return source.onRead((read) => {
    let identity: Identity;
    try {
      identity = deriveIdentity(read, key);
    } catch (err) {
      // The error's code only: messages are written not to echo numbers, but stay safe anyway.
      logger?.warn({ code: (err as { code?: string }).code ?? 'unknown', source: read.source }, 'card read not usable');
      return;
    }
    listener(identity, { source: read.source, readAt: read.readAt });
  });
}

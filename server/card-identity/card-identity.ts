/**
 * Card and ID readers in the branch service. Every read becomes `{ hash, maskedTail, segment }`
 * at once (identityFeed; the clear number goes no further), then a kiosk identity token. Reads from
 * hardware readers are announced as `device.card_read` events (device and segment only) and the
 * kiosk claims the latest one with POST /api/kiosk/card-read; keyboard-wedge swipes come in
 * through POST /api/kiosk/identity. Both endpoints answer the kiosk's own addresses only.
 */
import { join } from 'node:path';
import { DomainError } from '../../common/errors.js';
import { draft } from '../../core/events.js';
import type { QueueConfig } from '../../core/types.js';
import { magstripeRead, type CardReadSource } from '../../drivers/cardreader/card-read.js';
import { openCardReader, type OpenedCardReader } from '../../drivers/cardreader/open-card-reader.js';
import { luhnValid } from '../../drivers/cardreader/track-data.js';
import { createSegmentLookup, deriveIdentity, identityFeed, loadOrCreateIdentityKey, type Identity, type SegmentLookup } from '../../identity/index.js';
import type { ConfigFile } from '../../config/schema.js';
import type { BranchService } from '../branch-service.js';
import type { DeviceRegistry } from '../devices.js';
import type { Logger } from '../logger.js';
import { IdentityTokens, type IdentityGrant } from './identity-tokens.js';
import { LabSwipeSource } from './lab-swipe.js';

export const IDENTITY_KEY_FILE = 'identity.key';

export function cardReaderUris(fromCli: string[] | undefined, fromConfig: string[], demo: boolean): string[] {
  if (fromCli && fromCli.length > 0) return fromCli;
  if (fromConfig.length > 0) return fromConfig;
  return demo ? ['sim'] : [];
}

export function segmentLookupFor(queue: QueueConfig, lookup: ConfigFile['cardLookup']): SegmentLookup {
  return createSegmentLookup({
    segments: queue.segments.map((s) => s.code),
    defaultSegment: 'regular',
    binRanges: lookup?.binRanges ?? [],
    vipIdHashes: lookup?.vipIdHashes ?? {},
  });
}

export class CardIdentity {
  readonly tokens: IdentityTokens;
  readonly readers: OpenedCardReader[] = [];
  /** Demo mode: the lab's test-card swipe. */
  readonly labSwipe: LabSwipeSource | undefined;
  private readonly key: Buffer;
  private readonly unsubscribe: (() => void)[] = [];
  /** The latest unclaimed reader read; a newer read replaces it. */
  private pending: IdentityGrant | undefined;

  constructor(
    private readonly opts: {
      uris: string[];
      dataDir: string;
      lookup: SegmentLookup;
      service: BranchService;
      devices: DeviceRegistry;
      log: Logger;
      demo: boolean;
    },
  ) {
    this.key = loadOrCreateIdentityKey(join(opts.dataDir, IDENTITY_KEY_FILE));
    this.tokens = new IdentityTokens(opts.service.clock);
    opts.uris.forEach((uri, i) => {
      const id = i === 0 ? 'card-reader' : `card-reader-${i + 1}`;
      const opened = openCardReader(uri, { id, logger: opts.log.child({ device: id }) });
      opts.devices.add(opened.device);
      this.readers.push(opened);
      this.listen(opened.reads, id);
    });
    if (opts.demo) {
      this.labSwipe = new LabSwipeSource();
      this.listen(this.labSwipe, 'lab-swipe');
    }
  }

  /** A keyboard-wedge swipe the kiosk page posted: answered with a token, never stored. */
  identifyPan(pan: string): IdentityGrant {
    if (!luhnValid(pan)) throw new DomainError('CARD_NUMBER_INVALID', 'The card number failed its check digit (a misread); swipe the card again.');
    return this.grant(deriveIdentity(magstripeRead(pan, 'wedge'), this.key));
  }

  /** The kiosk takes the latest reader read, once. */
  claimReaderRead(): IdentityGrant | undefined {
    const g = this.pending;
    this.pending = undefined;
    if (!g || Date.parse(g.expiresAt) <= this.opts.service.clock()) return undefined;
    return g;
  }

  async close(): Promise<void> {
    for (const u of this.unsubscribe) u();
    await Promise.allSettled(this.readers.map(async (r) => r.sim?.cable.device.close()));
  }

  private grant(identity: Identity): IdentityGrant {
    return this.tokens.grant(identity.maskedTail, this.opts.lookup.segmentOf(identity));
  }

  private listen(source: CardReadSource, deviceId: string): void {
    const { service, log } = this.opts;
    const off = identityFeed(
      source,
      this.key,
      (identity) => {
        const g = this.grant(identity);
        this.pending = g;
        log.info({ device: deviceId, segment: g.segment }, 'card read');
        try {
          service.record([draft('device.card_read', service.clock(), { deviceId, segment: g.segment })]);
        } catch (err) {
          log.error({ err }, 'could not publish a card read');
        }
      },
      log,
    );
    this.unsubscribe.push(off);
  }
}

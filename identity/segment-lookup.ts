/**
 * Which customer segment an identity belongs to. An explicit hash entry (a known VIP) wins over a
 * BIN range (e.g. a premium card product); among BIN ranges the first listed match wins, so the
 * config author orders them; everything else is the default segment.
 */
import type { Identity } from './derive.js';
import { parseSegmentConfig, type SegmentConfig } from './segment-config.js';

export interface SegmentLookup {
  /** The configured segment names, for validating segments elsewhere (e.g. a ticket request). */
  readonly segments: readonly string[];
  segmentOf(identity: Identity): string;
}

export function createSegmentLookup(input: unknown): SegmentLookup {
  const cfg: SegmentConfig = parseSegmentConfig(input);
  const byHash = new Map(Object.entries(cfg.vipIdHashes));
  const ranges = cfg.binRanges.map((r) => ({ ...r }));
  return {
    segments: [...cfg.segments],
    segmentOf(identity: Identity): string {
      const hit = byHash.get(identity.hash);
      if (hit !== undefined) return hit;
      const bin = identity.bin;
      if (identity.kind === 'card' && bin !== undefined && /^\d{6}$/.test(bin)) {
        // Equal-length digit strings compare in numeric order.
        const range = ranges.find((r) => r.from <= bin && bin <= r.to);
        if (range) return range.segment;
      }
      return cfg.defaultSegment;
    },
  };
}

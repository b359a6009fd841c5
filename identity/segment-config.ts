/**
 * Configuration of customer-segment lookup (HQ sends it down with the branch config):
 *
 *   {
 *     "segments": ["regular", "vip1", "vip2", "vip3"],     // names a segment may take
 *     "defaultSegment": "regular",
 *     "binRanges": [{ "from": "622588", "to": "622588", "segment": "vip1" }],
 *     "vipIdHashes": { "<64 hex identity hash>": "vip2" }
 *   }
 *
 * Hashes are identity hashes made with the same key as the branch's (see identityHash).
 */
import { z } from 'zod';
import { DomainError } from '../common/errors.js';

const SEGMENT_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const segmentName = z.string().regex(SEGMENT_NAME, 'must be a lowercase name like "vip1"');
const bin = z.string().regex(/^\d{6}$/, 'must be exactly 6 digits');

const binRange = z.object({ from: bin, to: bin, segment: segmentName }).strict();

export const segmentConfigSchema = z
  .object({
    segments: z.array(segmentName).min(1).default(['regular', 'vip1', 'vip2', 'vip3']),
    defaultSegment: segmentName.default('regular'),
    binRanges: z.array(binRange).default([]),
    vipIdHashes: z
      .record(z.string().regex(/^[0-9a-f]{64}$/, 'keys must be 64 lowercase hex characters (an identity hash)'), segmentName)
      .default({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const known = new Set(cfg.segments);
    const list = cfg.segments.join(', ');
    if (!known.has(cfg.defaultSegment)) {
      ctx.addIssue({ code: 'custom', path: ['defaultSegment'], message: `"${cfg.defaultSegment}" is not one of the segments (${list})` });
    }
    cfg.binRanges.forEach((r, i) => {
      if (r.from > r.to) ctx.addIssue({ code: 'custom', path: ['binRanges', i, 'to'], message: `must not be below from (${r.from})` });
      if (!known.has(r.segment)) {
        ctx.addIssue({ code: 'custom', path: ['binRanges', i, 'segment'], message: `"${r.segment}" is not one of the segments (${list})` });
      }
    });
    for (const [hash, seg] of Object.entries(cfg.vipIdHashes)) {
      if (!known.has(seg)) {
        // The hash is not personal data in itself, but a short form is enough to find the entry.
        ctx.addIssue({ code: 'custom', path: ['vipIdHashes', hash], message: `"${seg}" is not one of the segments (${list})` });
      }
    }
  });

export type SegmentConfigInput = z.input<typeof segmentConfigSchema>;
export type SegmentConfig = z.output<typeof segmentConfigSchema>;

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  path.forEach((p, i) => {
    if (typeof p === 'number') out += `[${p}]`;
    // A hash key is long; its start is enough to find the entry.
    else if (i === 1 && path[0] === 'vipIdHashes') out += `["${String(p).slice(0, 12)}…"]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  });
  return out || '(root)';
}

/** Validates the config; DomainError SEGMENT_CONFIG_INVALID names each bad field. */
export function parseSegmentConfig(input: unknown): SegmentConfig {
  const result = segmentConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({ field: fieldPath(i.path), message: i.message }));
  throw new DomainError(
    'SEGMENT_CONFIG_INVALID',
    `segment lookup config: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
    { problems },
  );
}

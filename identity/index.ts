export { deriveIdentity, identityHash, MIN_KEY_BYTES, type Identity, type IdentityKind } from './derive.js';
export { generateIdentityKey, loadOrCreateIdentityKey } from './key.js';
export { parseSegmentConfig, segmentConfigSchema, type SegmentConfig, type SegmentConfigInput } from './segment-config.js';
export { createSegmentLookup, type SegmentLookup } from './segment-lookup.js';
export { identityFeed } from './feed.js';

/**
 * Node flags for the head-office server's process: package.json's `hq` script passes them (a
 * test keeps the two equal) and so does the bench that starts head office as a process.
 *
 * `--max-semi-space-size=64`: every ingest request is a body of a few hundred KB parsed into
 * a few thousand short-lived objects. With V8's default young generation (2 × 16 MiB) a batch
 * in flight outlives a scavenge and is copied into the old generation, then collected there
 * at a higher price; with 2 × 64 MiB it dies young. It costs up to about 100 MiB more memory
 * on a server that has it (docs/hq-scale.md has the figures).
 */
export const HQ_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

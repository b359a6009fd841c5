/**
 * Logs what a device's parser drops: each drop at debug level (with a hex sample where the
 * parser keeps one), and a warning with the counts on the first drop and then at most once a
 * minute while drops go on, so a noisy cable shows up in the service log without flooding it.
 */
import type { Logger } from '../logger.js';
import type { ByteParser, ParserDrop } from './byte-parser.js';

export interface DropLogOptions {
  logger: Logger;
  /** Fields for every line, e.g. { device: 'display:serial:///dev/ttyS1' }. */
  context: Record<string, unknown>;
  /** The debug line's message, e.g. "call-pad bytes dropped". */
  message: string;
  /** Shortest time between two warnings. Default 60 s. */
  warnEveryMs?: number;
  now?: () => number;
}

export function logDrops(parser: ByteParser<unknown>, opts: DropLogOptions): () => void {
  const warnEvery = opts.warnEveryMs ?? 60_000;
  const now = opts.now ?? Date.now;
  let lastWarn: number | undefined;
  let pending: Record<string, number> = {};
  const onDrop = (d: ParserDrop) => {
    opts.logger.debug(
      { ...opts.context, reason: d.reason, count: d.count, bytes: d.bytes, ...(d.sample ? { sample: Buffer.from(d.sample).toString('hex') } : {}) },
      opts.message,
    );
    pending[d.reason] = (pending[d.reason] ?? 0) + d.bytes;
    const t = now();
    if (lastWarn === undefined || t - lastWarn >= warnEvery) {
      lastWarn = t;
      opts.logger.warn({ ...opts.context, droppedBytes: pending, total: parser.stats.droppedBytes }, 'device sent bytes that were dropped (noise, a wrong protocol or baud rate?)');
      pending = {};
    }
  };
  parser.on('drop', onDrop);
  return () => parser.off('drop', onDrop);
}

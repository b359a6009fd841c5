/**
 * The disk's own cost of a durable write: overwrite 4 KiB inside a preallocated 1 MiB file in
 * the temp folder (where the benchmark databases live) and fdatasync it — what SQLite's WAL
 * does in steady state, when it reuses the log from the start after a checkpoint. Every commit
 * at synchronous=FULL pays at least one of these.
 */
import { closeSync, fdatasyncSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { msSince } from './stats.js';

const PAGE = 4096;
const PAGES = 256;

export function probeFsync(count: number): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'bench-fsync-'));
  const fd = openSync(join(dir, 'probe'), 'w');
  const page = Buffer.alloc(PAGE, 0x5a);
  const out: number[] = [];
  try {
    writeSync(fd, Buffer.alloc(PAGE * PAGES), 0, PAGE * PAGES, 0);
    fsyncSync(fd);
    for (let i = 0; i < count; i++) {
      const start = process.hrtime.bigint();
      writeSync(fd, page, 0, PAGE, (i % PAGES) * PAGE);
      fdatasyncSync(fd);
      out.push(msSince(start));
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

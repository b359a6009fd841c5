/**
 * Node flags for the branch service's own process. Whoever starts the service as a process
 * passes them: package.json's `serve` script (a test keeps it equal to this list), `npm
 * start`'s headless run (electron/start.ts), the kiosk shell's utilityProcess (`execArgv`), the
 * benches. Why these, with the figures: docs/decisions/0013-service-memory-flags.md.
 *
 * `--optimize-for-size`: V8 favours memory over speed in its heap: a 2 × 1 MiB young
 * generation, a slower-growing old generation and compaction that gives free pages back, so the
 * old generation stays near what is live instead of about 10 MiB above it.
 * `--v8-pool-size=1`: one V8 worker thread instead of four (the machine has two cores): the
 * background compiler's and GC's scratch memory lives in one malloc arena, not four that each
 * keep what they once held.
 * Together: the month bench's highest RSS 129–134 → 108–109 MiB, for 7–22 % more CPU time
 * per ticket issued (13–21 % fewer tickets a second when they come back to back; one at a
 * time, the same latency).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--optimize-for-size', '--v8-pool-size=1'];

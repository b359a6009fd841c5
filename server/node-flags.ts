/**
 * Node flags for the branch service's own process. Whoever starts the service as a process
 * passes them: package.json's `start` and `serve` scripts (a test keeps them equal to this
 * list), the kiosk shell's utilityProcess (`execArgv`), the bench.
 *
 * `--max-semi-space-size=4`: V8 grows its young generation to 2 × 16 MiB on a 64-bit machine
 * once allocation is brisk, and keeps it; the service's short-lived garbage (a request, an
 * event, an estimate) fits in 2 × 4 MiB, which keeps about 24 MiB out of the resident memory
 * (the month bench: 132 → 105 MiB) at no measurable cost to ticket issue (docs/benchmarks.md).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

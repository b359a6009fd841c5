import { defineConfig } from 'vitest/config';

// Tests use real parts (SQLite files, socat ptys, headless Chromium, child processes), so each
// file runs in its own process and two run at a time on a 2-core machine. Timeouts only catch
// hangs; no test depends on how fast something is.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // The pages are served prebuilt and some tests run the compiled service: build first.
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    reporters: ['default'],
    env: { NODE_ENV: 'test' },
    coverage: {
      provider: 'v8',
      include: ['core/**', 'db/**', 'hq/**', 'sync/**', 'drivers/**', 'server/**', 'renderer/**', 'sim/**', 'identity/**', 'common/**', 'config/**'],
      reporter: ['text-summary', 'html'],
      reportsDirectory: 'coverage',
    },
  },
});

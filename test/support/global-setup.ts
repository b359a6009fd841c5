/**
 * vitest's global set-up: builds dist/ when it is missing or older than the sources, as
 * `npm start` does. The tests run the service from its sources in process, but the pages it
 * serves are always the prebuilt bundles, and the tests that start the service as a child
 * process run the compiled dist/server/main.js: what a branch runs.
 */
import { build, staleReason } from '../../scripts/build.mjs';

export default async function buildIfStale(): Promise<void> {
  const reason = staleReason();
  if (!reason) return;
  console.log(`Building dist/ first: ${reason}.`);
  await build();
}

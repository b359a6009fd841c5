/**
 * The kiosk shell's build into dist/electron/ (the main process, the two sandboxed preloads, the
 * shell's own pages and `npm start`'s launcher). What is bundled and how is listed once, in
 * scripts/build.mjs (BUNDLED_PARTS); `npm run build` builds it with everything else. This entry
 * builds the shell alone, into another folder when given one (the end-to-end test).
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { buildBundledPart } from '../scripts/build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const ELECTRON_OUT = join(root, 'dist', 'electron');

export async function buildElectron(out = ELECTRON_OUT): Promise<void> {
  await buildBundledPart('electron', out, root);
}

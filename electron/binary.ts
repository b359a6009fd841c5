/**
 * Where the Electron binary is, without asking the `electron` package (whose entry point tries
 * to download a missing binary). The binary is absent wherever its download was refused or
 * skipped (ELECTRON_SKIP_BINARY_DOWNLOAD=1): `npm start` then runs the service headless and the
 * end-to-end test says it did not run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

export function findElectronBinary(root: string, env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) return { found: false, reason: 'the electron package is not installed (npm install)' };
  const pathFile = join(pkg, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(env.ELECTRON_OVERRIDE_DIST_PATH, name ?? 'electron');
    return existsSync(p) ? { found: true, path: p } : { found: false, reason: `ELECTRON_OVERRIDE_DIST_PATH names ${p}, which does not exist` };
  }
  if (!name) return { found: false, reason: "Electron's binary is not downloaded (its download was refused or skipped on this machine; `npx install-electron` fetches it where the network allows)" };
  const p = join(pkg, 'dist', name);
  return existsSync(p) ? { found: true, path: p } : { found: false, reason: `Electron's binary is missing at ${p}` };
}

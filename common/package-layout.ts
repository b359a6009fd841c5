/**
 * Where the running code finds the package's own files, whether it runs from the sources
 * (tests under vitest, tools under tsx) or compiled (`dist/<part>/…`, what `npm start` and the
 * kiosk shell run). Compiled files sit one folder deeper, so paths relative to a module differ
 * between the two; everything that needs the package root or the build output asks here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** True under vitest or tsx; false in the compiled service. */
export const RUNNING_FROM_SOURCES = import.meta.url.endsWith('.ts');

/** This module's tree: the repository when running from the sources, dist/ when compiled. */
const TREE = fileURLToPath(new URL('../', import.meta.url));

/** The folder with package.json (and node_modules). */
export const PACKAGE_ROOT = RUNNING_FROM_SOURCES ? TREE : join(TREE, '..');

/** `npm run build`'s output. Sources and compiled code alike serve the pages prebuilt here. */
export const DIST_DIR = RUNNING_FROM_SOURCES ? join(TREE, 'dist') : TREE;

/** The prebuilt pages: dist/renderer/<page>/main.js and main.css, and static/. */
export const BUILT_PAGES_DIR = join(DIST_DIR, 'renderer');

const PackageJson = z.object({ version: z.string().min(1) });

/** The product's version, from package.json (shown by GET /api/health). */
export const PACKAGE_VERSION: string = PackageJson.parse(JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'))).version;

/**
 * Builds the kiosk shell into dist/electron/: the main process (ESM, as the package is), the two
 * preloads (single CommonJS scripts, as sandboxed preloads must be), and the shell's own pages.
 * `npm run build` runs it; electron-builder packs the result.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'electron');
export const ELECTRON_OUT = join(root, 'dist', 'electron');

export async function buildElectron(out = ELECTRON_OUT): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'pages'), { recursive: true });
  const common = { bundle: true, minify: false, sourcemap: false, logLevel: 'warning', legalComments: 'none' } as const;
  await Promise.all([
    build({
      ...common,
      entryPoints: [join(src, 'main.ts')],
      outfile: join(out, 'main.js'),
      platform: 'node',
      format: 'esm',
      target: 'node22',
      external: ['electron'],
      // Bundled CommonJS dependencies call require(); give the ESM bundle one.
      banner: { js: "import { createRequire as __shellRequire } from 'node:module'; const require = __shellRequire(import.meta.url);" },
    }),
    ...(['kiosk', 'staff'] as const).map((name) =>
      build({
        ...common,
        entryPoints: [join(src, `preload-${name}.ts`)],
        outfile: join(out, `${name}-preload.cjs`),
        platform: 'browser',
        format: 'cjs',
        target: 'chrome130',
        external: ['electron'],
      }),
    ),
    build({
      ...common,
      entryPoints: [join(src, 'pages', 'staff.ts')],
      outfile: join(out, 'pages', 'staff.js'),
      platform: 'browser',
      format: 'iife',
      target: 'chrome130',
    }),
  ]);
  for (const f of ['starting.html', 'unavailable.html', 'staff.html', 'shell.css']) copyFileSync(join(src, 'pages', f), join(out, 'pages', f));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildElectron();
  console.log(`Kiosk shell built into ${ELECTRON_OUT}`);
}

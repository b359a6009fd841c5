/**
 * Runs a bench script against the compiled service: the script's own code is bundled into one
 * JavaScript file, and every import of a part of the service (server/, db/, core/, …) points at
 * its compiled file in dist/, so the process that runs it holds the service exactly as
 * `npm start` loads it, with no TypeScript runner. The file goes under node_modules/.cache, where
 * the service's packages resolve as from the repository.
 */
import { existsSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { NODE_PARTS } from '../scripts/build.mjs';
import { REPO_ROOT } from './child-server.js';

/** Compiles `entry` (a path from the repository root) and returns the path of the .mjs to run. */
export async function compileAgainstDist(entry: string): Promise<string> {
  const outfile = join(REPO_ROOT, 'node_modules', '.cache', 'branch-queue-bench', basename(entry).replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [join(REPO_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
    plugins: [
      {
        name: 'service-from-dist',
        setup(b) {
          b.onResolve({ filter: /^\./ }, (args) => {
            const rel = relative(REPO_ROOT, resolve(args.resolveDir, args.path));
            if (!NODE_PARTS.includes(rel.split(sep)[0] ?? '')) return undefined;
            const compiled = join(REPO_ROOT, 'dist', rel);
            if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run npm run build`);
            return { path: pathToFileURL(compiled).href, external: true };
          });
        },
      },
    ],
  });
  return outfile;
}

// @ts-check
/**
 * `npm run build`: the branch service and head office compiled to JavaScript, every page
 * prebuilt and the kiosk shell bundled, in dist/.
 *
 *   dist/<part>/…/*.js        each TypeScript file of a Node part, compiled one to one (no bundle),
 *                             so dist mirrors the sources: server/main.ts → dist/server/main.js
 *   dist/<part>/…             the part's other files (the demo branch's YAML, …), copied
 *   dist/renderer/<page>/main.js, main.css
 *                             each page (renderer/<page>/main.tsx) bundled for the browser
 *   dist/renderer/static/     icons, chime and voice clips, copied
 *   dist/electron/            the kiosk shell, bundled (BUNDLED_PARTS): main.js, the preloads,
 *                             its pages, and start.js (`npm start`)
 *   dist/build-info.json      written last: what was built, from sources as new as when
 *
 * `node scripts/build.mjs --if-stale` builds only when dist/ is missing or older than the
 * sources; `npm start`, `npm run serve` and the tests' global set-up run it first, so a fresh
 * clone needs no separate build step. Plain JavaScript because it must run before anything is
 * compiled; esbuild (a development dependency) is loaded only when there is something to build,
 * so a packaged install without development dependencies still starts from its dist/.
 *
 * Type checking is `npm run typecheck`'s job; esbuild only strips types (tsconfig has
 * isolatedModules and verbatimModuleSyntax, so file-by-file compilation is exact).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * The folders of Node code, compiled file by file into dist/<folder>/. A folder that does not
 * exist is skipped, so a part is built from the day its folder appears. To build a new part,
 * add its folder here (one line); nothing else in the build, the start scripts or the
 * freshness check changes.
 */
export const NODE_PARTS = ['common', 'config', 'core', 'db', 'drivers', 'identity', 'server', 'sync', 'hq'];

/**
 * @typedef {object} Bundle  one entry bundled whole (with what it imports) into one file
 * @property {string} entry  source, relative to the repository
 * @property {string} out  output, relative to dist/<folder>/
 * @property {'node' | 'browser'} platform
 * @property {'esm' | 'cjs' | 'iife'} format
 * @property {string} target
 * @property {string[]} [external]  modules left to the runtime (`electron`)
 * @property {boolean} [packagesExternal]  leave every npm package to node_modules
 * @property {boolean} [requireShim]  an ES module bundle that calls require() in bundled CommonJS code
 */

/**
 * @typedef {object} BundledPart  a folder whose programs are bundled rather than compiled file by
 *   file, because their runtime needs single files (Electron's sandboxed preloads)
 * @property {string} folder
 * @property {Bundle[]} bundles
 * @property {string[]} copy  other files, relative to the folder, copied to dist/<folder>/
 */

/** Electron 45 runs Node 22 and Chromium 140; the shell's bundles target them. */
const SHELL = { node: 'node22', chrome: 'chrome130' };

/**
 * The parts bundled whole; a folder that does not exist is skipped. The kiosk shell (electron/):
 * its main process (ESM, as the package is), the two preloads (single CommonJS scripts, as
 * sandboxed preloads must be), its staff page's script and pages, and `npm start`'s launcher.
 * Another program of the shell is one more line in `bundles`.
 * @type {BundledPart[]}
 */
export const BUNDLED_PARTS = [
  {
    folder: 'electron',
    bundles: [
      { entry: 'electron/main.ts', out: 'main.js', platform: 'node', format: 'esm', target: SHELL.node, external: ['electron'], requireShim: true },
      { entry: 'electron/preload-kiosk.ts', out: 'kiosk-preload.cjs', platform: 'browser', format: 'cjs', target: SHELL.chrome, external: ['electron'] },
      { entry: 'electron/preload-staff.ts', out: 'staff-preload.cjs', platform: 'browser', format: 'cjs', target: SHELL.chrome, external: ['electron'] },
      { entry: 'electron/pages/staff.ts', out: 'pages/staff.js', platform: 'browser', format: 'iife', target: SHELL.chrome },
      // `npm start` runs under plain Node (20 or later), before any Electron.
      { entry: 'electron/start.ts', out: 'start.js', platform: 'node', format: 'esm', target: 'node20', packagesExternal: true },
    ],
    copy: ['pages/starting.html', 'pages/unavailable.html', 'pages/staff.html', 'pages/shell.css'],
  },
];

/** Node 20 is the oldest runtime the package supports (package.json engines). */
const NODE_TARGET = 'node20';
/** The oldest Chromium the pages must run in (kiosk shells and lobby screens are updated slowly). */
const BROWSER_TARGET = 'chrome110';
/** Files besides the sources whose change changes the output. */
const BUILD_INPUT_FILES = ['package-lock.json', 'tsconfig.json', 'scripts/build.mjs'];

/** A build that could not finish; `message` is written for the person who ran it. */
export class BuildError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'BuildError';
  }
}

/**
 * @typedef {object} BuildOptions
 * @property {string} [root]  the repository (default: the one this script is in)
 * @property {string} [outDir]  default: ROOT/dist
 * @property {string[]} [parts]  default: NODE_PARTS
 */

/**
 * @typedef {object} PageOutput
 * @property {string} js   path of the script, relative to dist/renderer/
 * @property {string | null} css  path of the stylesheet, or null when the page has none
 * @property {number} bytes  script and stylesheet together
 */

/**
 * @typedef {object} BuildInfo
 * @property {string} builtAt
 * @property {number} newestSourceMs  the newest source's mtime when the build started
 * @property {string[]} parts  the Node parts that existed and were compiled
 * @property {string[]} bundled  the bundled parts that existed and were bundled
 * @property {number} modules  compiled Node files
 * @property {Record<string, PageOutput>} pages  by page name (the folder under renderer/)
 */

/** @param {BuildOptions} opts */
function resolveOptions(opts) {
  const root = opts.root ?? REPO_ROOT;
  return { root, outDir: opts.outDir ?? join(root, 'dist'), parts: opts.parts ?? NODE_PARTS };
}

/**
 * Every file and folder under `dir`, depth first.
 * @param {string} dir
 * @returns {{ path: string, isDir: boolean }[]}
 */
function walk(dir) {
  /** @type {{ path: string, isDir: boolean }[]} */
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      out.push({ path, isDir: true }, ...walk(path));
    } else if (e.isFile()) {
      out.push({ path, isDir: false });
    }
  }
  return out;
}

/** @param {string} root @param {string[]} parts */
function presentParts(root, parts) {
  return parts.filter((p) => existsSync(join(root, p)));
}

/** @param {string} root */
function presentBundled(root) {
  return BUNDLED_PARTS.filter((b) => existsSync(join(root, b.folder)));
}

/** @param {string} file */
const isTypeScript = (file) => /\.(c|m)?tsx?$/.test(file) && !/\.d\.(c|m)?ts$/.test(file);

/** @param {string} root */
function pageNames(root) {
  const dir = join(root, 'renderer');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'main.tsx')))
    .map((e) => e.name)
    .sort();
}

/**
 * The newest mtime among the sources: every file and folder of the Node parts, the bundled
 * parts and renderer/ (a folder's mtime moves when a file in it is added, removed or renamed), and the
 * build's own inputs.
 * @param {string} root @param {string[]} parts
 * @returns {{ ms: number, path: string }}
 */
function newestSource(root, parts) {
  let newest = { ms: 0, path: '' };
  const consider = (/** @type {string} */ path) => {
    const ms = statSync(path).mtimeMs;
    if (ms > newest.ms) newest = { ms, path };
  };
  for (const dir of [...presentParts(root, parts), ...presentBundled(root).map((b) => b.folder), 'renderer']) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    consider(abs);
    for (const e of walk(abs)) consider(e.path);
  }
  for (const f of BUILD_INPUT_FILES) if (existsSync(join(root, f))) consider(join(root, f));
  return newest;
}

/**
 * The build record in `outDir`, or undefined when there is none (never built, or a build that
 * did not finish) or it cannot be read.
 * @param {string} outDir
 * @returns {BuildInfo | undefined}
 */
export function readBuildInfo(outDir) {
  try {
    const info = JSON.parse(readFileSync(join(outDir, 'build-info.json'), 'utf8'));
    const ok = info && typeof info.newestSourceMs === 'number' && Array.isArray(info.parts) && info.pages && typeof info.pages === 'object';
    return ok ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why dist/ must be (re)built, or undefined when it is up to date with the sources.
 * @param {BuildOptions} [opts]
 * @returns {string | undefined}
 */
export function staleReason(opts = {}) {
  const { root, outDir, parts } = resolveOptions(opts);
  const info = readBuildInfo(outDir);
  const shown = relative(root, outDir) || outDir;
  if (!info) return `${shown}/ has no finished build`;
  const present = [...presentParts(root, parts), ...presentBundled(root).map((b) => b.folder)];
  const built = [...info.parts, ...(info.bundled ?? [])];
  if (present.join() !== built.join()) return `the parts to build changed (${built.join(', ')} → ${present.join(', ')})`;
  const newest = newestSource(root, parts);
  if (newest.ms > info.newestSourceMs) return `${relative(root, newest.path)} changed after the last build`;
  return undefined;
}

/**
 * esbuild's messages as text a person can act on: file, line, column, the message and the
 * offending line of code.
 * @param {import('esbuild')} esbuild
 * @param {unknown} err
 */
async function describeFailure(esbuild, err) {
  const errors = err && typeof err === 'object' && 'errors' in err && Array.isArray(err.errors) ? err.errors : undefined;
  if (!errors || errors.length === 0) return err instanceof Error ? err.message : String(err);
  const text = await esbuild.formatMessages(errors, { kind: 'error', color: false });
  return text.join('').trimEnd();
}

/** @param {string} text */
const indent = (text) => text.replace(/^/gm, '  ');

/**
 * Compiles the Node parts file by file. `.ts` becomes an ES module `.js`; `.cts` becomes a
 * CommonJS `.cjs` (what a sandboxed Electron preload script must be), as TypeScript itself
 * decides a file's module format by its extension.
 * @param {import('esbuild')} esbuild @param {string} root @param {string} staging @param {string[]} parts
 */
async function compileParts(esbuild, root, staging, parts) {
  /** @type {string[]} */
  const esm = [];
  /** @type {string[]} */
  const cjs = [];
  for (const part of parts) {
    for (const { path, isDir } of walk(join(root, part))) {
      if (isDir) continue;
      if (isTypeScript(path)) (path.endsWith('.cts') ? cjs : esm).push(path);
      else cpSync(path, join(staging, relative(root, path)));
    }
  }
  const common = /** @type {const} */ ({
    outdir: staging,
    outbase: root,
    bundle: false,
    platform: 'node',
    target: NODE_TARGET,
    // Linked maps cost nothing at run time; NODE_OPTIONS=--enable-source-maps turns stack
    // traces into TypeScript positions when someone needs them.
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'silent',
    absWorkingDir: root,
  });
  try {
    if (esm.length > 0) await esbuild.build({ ...common, entryPoints: esm, format: 'esm' });
    if (cjs.length > 0) await esbuild.build({ ...common, entryPoints: cjs, format: 'cjs', outExtension: { '.js': '.cjs' } });
  } catch (err) {
    throw new BuildError(`The build stopped: the Node code (${parts.join(', ')}) did not compile:\n${indent(await describeFailure(esbuild, err))}`);
  }
  return esm.length + cjs.length;
}

/**
 * Bundles a part's programs (BUNDLED_PARTS) into `out` (dist/<folder>/) and copies its other
 * files; a failure names the program.
 * @param {import('esbuild')} esbuild @param {string} root @param {BundledPart} part @param {string} out
 */
async function bundlePart(esbuild, root, part, out) {
  const results = await Promise.allSettled(
    part.bundles.map((b) =>
      esbuild.build({
        entryPoints: [join(root, b.entry)],
        outfile: join(out, b.out),
        bundle: true,
        platform: b.platform,
        format: b.format,
        target: b.target,
        external: b.external ?? [],
        ...(b.packagesExternal ? { packages: /** @type {const} */ ('external') } : {}),
        // Bundled CommonJS dependencies call require(); give the ES module bundle one.
        ...(b.requireShim ? { banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" } } : {}),
        minify: false,
        sourcemap: false,
        legalComments: 'none',
        logLevel: 'silent',
        absWorkingDir: root,
      }),
    ),
  );
  /** @type {string[]} */
  const failures = [];
  for (let i = 0; i < part.bundles.length; i++) {
    const r = results[i];
    if (r?.status === 'rejected') failures.push(`${part.bundles[i]?.entry} failed to build:\n${indent(await describeFailure(esbuild, r.reason))}`);
  }
  if (failures.length > 0) throw new BuildError(`The build stopped: ${failures.join('\n')}`);
  for (const f of part.copy) {
    mkdirSync(dirname(join(out, f)), { recursive: true });
    cpSync(join(root, part.folder, f), join(out, f));
  }
}

/**
 * One bundled part on its own into `out` (the kiosk shell's end-to-end test builds it into a
 * folder of its own).
 * @param {string} folder @param {string} out @param {string} [root]
 */
export async function buildBundledPart(folder, out, root = REPO_ROOT) {
  const part = BUNDLED_PARTS.find((b) => b.folder === folder);
  if (!part) throw new BuildError(`No bundled part named ${folder}.`);
  const esbuild = await loadEsbuild();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await bundlePart(esbuild, root, part, out);
}

/**
 * Bundles each page on its own, so a failure names its page; all pages are tried and every
 * failure reported together.
 * @param {import('esbuild')} esbuild @param {string} root @param {string} staging
 * @returns {Promise<Record<string, PageOutput>>}
 */
async function bundlePages(esbuild, root, staging) {
  const names = pageNames(root);
  const outDir = join(staging, 'renderer');
  const results = await Promise.allSettled(
    names.map((name) =>
      esbuild.build({
        entryPoints: { [`${name}/main`]: join(root, 'renderer', name, 'main.tsx') },
        outdir: outDir,
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: BROWSER_TARGET,
        jsx: 'automatic',
        jsxImportSource: 'preact',
        minify: true,
        sourcemap: false,
        loader: { '.svg': 'text' },
        logLevel: 'silent',
        absWorkingDir: root,
        metafile: true,
      }),
    ),
  );
  /** @type {string[]} */
  const failures = [];
  /** @type {Record<string, PageOutput>} */
  const pages = {};
  for (let i = 0; i < names.length; i++) {
    const name = names[i] ?? '';
    const r = results[i];
    if (!r) continue;
    if (r.status === 'rejected') {
      failures.push(`the ${name} page (renderer/${name}/main.tsx) failed to build:\n${indent(await describeFailure(esbuild, r.reason))}`);
      continue;
    }
    const outputs = Object.entries(r.value.metafile?.outputs ?? {});
    const js = `${name}/main.js`;
    const css = `${name}/main.css`;
    const hasCss = existsSync(join(outDir, css));
    pages[name] = { js, css: hasCss ? css : null, bytes: outputs.reduce((sum, [, o]) => sum + o.bytes, 0) };
  }
  if (failures.length > 0) {
    throw new BuildError(`The build stopped: ${failures.length === 1 ? 'a page' : `${failures.length} pages`} did not build.\n${failures.join('\n')}`);
  }
  const statics = join(root, 'renderer', 'static');
  if (existsSync(statics)) cpSync(statics, join(outDir, 'static'), { recursive: true });
  return pages;
}

/** @param {string} staging @param {string} outDir */
function replaceOutput(staging, outDir) {
  // The new build replaces the old one whole, so no file of a deleted source lingers; a build
  // that fails leaves the previous dist/ as it was.
  rmSync(outDir, { recursive: true, force: true });
  try {
    renameSync(staging, outDir);
  } catch {
    // Another build finished in between: ours is as new; take its place.
    rmSync(outDir, { recursive: true, force: true });
    renameSync(staging, outDir);
  }
}

/** @returns {Promise<import('esbuild')>} */
async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch {
    throw new BuildError(
      'The build needs esbuild, a development dependency, which is not installed. Run `npm install` (with development dependencies), then `npm run build`.',
    );
  }
}

/**
 * Builds dist/ from scratch in a staging folder beside it, then swaps it in.
 * @param {BuildOptions} [opts]
 * @returns {Promise<BuildInfo>}
 */
export async function build(opts = {}) {
  const { root, outDir, parts } = resolveOptions(opts);
  const esbuild = await loadEsbuild();
  const present = presentParts(root, parts);
  const newest = newestSource(root, parts);
  const staging = join(dirname(outDir), `.${relative(dirname(outDir), outDir).split(sep).join('-')}-building-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    // Both are awaited to the end even when one fails, so nothing writes into the staging
    // folder while it is removed.
    const shellParts = presentBundled(root);
    const [compiled, bundled, ...programs] = await Promise.allSettled([
      compileParts(esbuild, root, staging, present),
      bundlePages(esbuild, root, staging),
      ...shellParts.map((b) => bundlePart(esbuild, root, b, join(staging, b.folder))),
    ]);
    if (compiled.status === 'rejected') throw compiled.reason;
    if (bundled.status === 'rejected') throw bundled.reason;
    for (const p of programs) if (p.status === 'rejected') throw p.reason;
    const modules = compiled.value;
    const pages = bundled.value;
    /** @type {BuildInfo} */
    const info = { builtAt: new Date().toISOString(), newestSourceMs: newest.ms, parts: present, bundled: shellParts.map((b) => b.folder), modules, pages };
    writeFileSync(join(staging, 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
    replaceOutput(staging, outDir);
    return info;
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

/** @param {BuildInfo} info @param {number} ms */
function summary(info, ms) {
  const kib = (/** @type {number} */ b) => `${Math.round(b / 1024)} KiB`;
  const pages = Object.entries(info.pages).map(([name, p]) => `${name} ${kib(p.bytes)}`);
  const bundled = info.bundled.length > 0 ? `; ${info.bundled.join(', ')} bundled` : '';
  return `Built dist/ in ${(ms / 1000).toFixed(1)} s: ${info.modules} modules of ${info.parts.join(', ')}${bundled}; ${pages.length} pages (${pages.join(', ')}).`;
}

/**
 * The command line: `node scripts/build.mjs [--if-stale] [--root DIR]` (DIR: another checkout,
 * for tests; default the one this script is in).
 * @param {string[]} argv
 */
async function main(argv) {
  const ifStale = argv.includes('--if-stale');
  const rootAt = argv.indexOf('--root');
  const root = rootAt >= 0 ? argv[rootAt + 1] : undefined;
  const opts = root ? { root } : {};
  if (ifStale) {
    const reason = staleReason(opts);
    if (!reason) return;
    console.error(`Building dist/ first: ${reason}.`);
  }
  const started = Date.now();
  try {
    console.error(summary(await build(opts), Date.now() - started));
  } catch (err) {
    console.error(err instanceof BuildError ? err.message : err);
    process.exitCode = 1;
  }
}

// Run as a command (not imported by the tests): argv[1] is the path as typed, the module's URL
// the real path, so a checkout under a symbolic link is compared by its real path.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));

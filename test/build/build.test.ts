/**
 * The production build: `npm run build` compiles the Node parts one to one into dist/ and
 * prebuilds every page; `npm start` builds first when dist/ is missing or older than the
 * sources; a page that does not build stops the start; the compiled service runs without the
 * development dependencies and refuses to start without its pages.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLED_PARTS, BuildError, NODE_PARTS, build, readBuildInfo, staleReason } from '../../scripts/build.mjs';
import { isDomainError } from '../../common/errors.js';
import { startBranchApp } from '../../server/branch-app.js';
import { PAGES } from '../../server/http/pages.js';
import { HQ_PAGES } from '../../hq/app.js';
import { silentLogger } from '../../server/logger.js';
import { SERVICE_NODE_FLAGS } from '../../server/node-flags.js';
import { REPO_ROOT, startUntilReady, type ServiceProcess } from '../crash/service-process.js';

const DIST = join(REPO_ROOT, 'dist');
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** The command lines of a process's living descendants (Linux /proc). */
function commandLinesUnder(pid: number): string[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid …: the command name may hold spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* the process ended meanwhile */
    }
  }
  const below = (p: number): boolean => p === pid || (parentOf.has(p) && p !== parentOf.get(p) && below(parentOf.get(p)!));
  const out: string[] = [];
  for (const p of parentOf.keys()) {
    if (p === pid || !below(p)) continue;
    try {
      out.push(readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').trim());
    } catch {
      /* ended */
    }
  }
  return out;
}

async function stop(p: ServiceProcess, group = false): Promise<void> {
  if (group) process.kill(-p.child.pid!, 'SIGTERM');
  else p.child.kill('SIGTERM');
  await p.exited;
}

describe('the build in dist/', () => {
  test('mirrors every Node source one to one and holds every page the service serves', () => {
    const info = readBuildInfo(DIST);
    assert.ok(info, 'dist/build-info.json (the global set-up builds)');
    const parts = NODE_PARTS.filter((p) => existsSync(join(REPO_ROOT, p)));
    assert.deepEqual(info.parts, parts);
    let sources = 0;
    for (const part of parts) {
      for (const file of filesUnder(join(REPO_ROOT, part))) {
        const rel = relative(REPO_ROOT, file);
        if (!/\.ts$/.test(rel) || rel.endsWith('.d.ts')) continue;
        sources++;
        assert.ok(existsSync(join(DIST, rel.replace(/\.ts$/, '.js'))), `dist/${rel.replace(/\.ts$/, '.js')}`);
      }
    }
    assert.ok(sources > 100, `${sources} sources`);
    assert.equal(info.modules, sources);
    assert.ok(existsSync(join(DIST, 'server', 'main.js')) && existsSync(join(DIST, 'server', 'start.js')));
    assert.ok(existsSync(join(DIST, 'config', 'demo-branch.yaml')), 'non-code files are copied beside the code');
    // Every page the service serves was built, and nothing was built that it does not serve.
    const served = [...PAGES, ...HQ_PAGES];
    assert.deepEqual(Object.keys(info.pages).sort(), served.map((p) => p.entry).sort());
    for (const page of served) assert.ok(readFileSync(join(DIST, 'renderer', page.entry, 'main.js')).length > 1000, page.entry);
    assert.ok(existsSync(join(DIST, 'renderer', 'static', 'voice', 'chime.wav')));
  });

  test('npm start and npm run serve check the build, then run compiled entries (the service with its Node flags)', () => {
    const run = (entry: string) => `node scripts/build.mjs --if-stale && node ${[...SERVICE_NODE_FLAGS, entry].join(' ')}`;
    assert.equal(pkg.scripts.serve, run('dist/server/main.js'));
    // The launcher opens the kiosk shell or runs dist/server/start.js headless with the flags.
    assert.equal(pkg.scripts.start, 'node scripts/build.mjs --if-stale && node dist/electron/start.js');
    assert.equal(pkg.scripts.hq, 'node scripts/build.mjs --if-stale && node dist/hq/main.js');
  });

  test('the compiled code imports only run-time dependencies and Node built-ins', () => {
    const allowed = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})]);
    const builtins = new Set(builtinModules);
    const offending: string[] = [];
    const specifier = /(?:^|[;\s])(?:import|export)\s(?:[^'";]*?\sfrom\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;
    const nodeFiles = [
      ...NODE_PARTS.filter((p) => existsSync(join(DIST, p))).flatMap((p) => filesUnder(join(DIST, p))).filter((f) => /\.c?js$/.test(f)),
      join(DIST, 'electron', 'start.js'),
    ];
    for (const file of nodeFiles) {
      for (const m of readFileSync(file, 'utf8').matchAll(specifier)) {
        const spec = m[1] ?? m[2]!;
        if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!allowed.has(name)) offending.push(`${relative(DIST, file)} imports ${spec}`);
      }
    }
    assert.ok(nodeFiles.length > 100);
    assert.deepEqual(offending, []);
  });

  test('the compiled service starts and serves its pages with the development dependencies out of reach', async () => {
    // A resolve hook refuses every development dependency, as an install with --omit=dev would.
    const dir = mkdtempSync(join(tmpdir(), 'build-nodev-'));
    const devDeps = Object.keys(pkg.devDependencies);
    writeFileSync(
      join(dir, 'hooks.mjs'),
      `const dev = ${JSON.stringify(devDeps)};
export async function resolve(spec, context, next) {
  if (dev.some((d) => spec === d || spec.startsWith(d + '/'))) throw new Error('development dependency imported at run time: ' + spec);
  return next(spec, context);
}
`,
    );
    writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
    const svc = await startUntilReady(process.execPath, ['--import', join(dir, 'register.mjs'), 'dist/server/main.js', '--demo', '--port', '0', '--host', '127.0.0.1', '--data', join(dir, 'data'), '--log', 'json']);
    try {
      const health = await (await fetch(`${svc.url}/api/health`)).json();
      assert.equal(health.version, pkg.version);
      const html = await fetch(`${svc.url}/kiosk`);
      assert.equal(html.status, 200);
      assert.match(await html.text(), /<script type="module" src="\/assets\/kiosk\.js">/);
      const js = await fetch(`${svc.url}/assets/kiosk.js`);
      assert.equal(js.status, 200);
      assert.equal(await js.text(), readFileSync(join(DIST, 'renderer', 'kiosk', 'main.js'), 'utf8'));
      const etag = js.headers.get('etag');
      assert.ok(etag);
      assert.equal((await fetch(`${svc.url}/assets/kiosk.js`, { headers: { 'if-none-match': etag } })).status, 304);
      assert.equal((await fetch(`${svc.url}/static/icons/card.svg`)).status, 200);
      assert.doesNotMatch(svc.tail(), /development dependency imported/);
    } finally {
      await stop(svc);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the service refuses to start when a page bundle is missing, naming the page, and opens nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'build-nopage-'));
    try {
      const pagesDir = join(dir, 'renderer');
      cpSync(join(DIST, 'renderer'), pagesDir, { recursive: true });
      unlinkSync(join(pagesDir, 'kiosk', 'main.js'));
      await assert.rejects(
        startBranchApp({ dataDir: join(dir, 'data'), demo: true, port: 0, host: '127.0.0.1', log: silentLogger, pagesDir }),
        (e: unknown) => isDomainError(e) && e.code === 'PAGES_NOT_BUILT' && /the kiosk page \(.*kiosk\/main\.js is missing\)/.test(e.message) && /npm run build/.test(e.message),
      );
      assert.equal(existsSync(join(dir, 'data', 'branch.db')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm start on a fresh copy of the sources', () => {
  let root: string;
  const npm = (args: string[]) => spawnSync('npm', args, { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_ENV: 'test' } });
  const buildCli = (args: string[] = []) => spawnSync(process.execPath, ['scripts/build.mjs', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'build-copy-'));
    for (const p of [...NODE_PARTS, ...BUNDLED_PARTS.map((b) => b.folder), 'renderer', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json']) {
      if (existsSync(join(REPO_ROOT, p))) cpSync(join(REPO_ROOT, p), join(root, p), { recursive: true });
    }
    // Head office's part is added by a test below, as a new part would be; so are its pages.
    rmSync(join(root, 'hq'), { recursive: true, force: true });
    for (const page of ['hq', 'hq-ticket']) rmSync(join(root, 'renderer', page), { recursive: true, force: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('builds dist/ first, then runs the compiled demo branch', async () => {
    assert.equal(existsSync(join(root, 'dist')), false);
    const data = join(root, 'data-demo');
    const svc = await startUntilReady('npm', ['start', '--', '--port', '0', '--host', '127.0.0.1', '--data', data, '--log', 'json'], { cwd: root, detached: true });
    try {
      assert.ok(readBuildInfo(join(root, 'dist')), 'built before the start');
      // What npm started is node on the compiled start scripts (the launcher, which found no
      // Electron binary here, and the service it runs headless), not a TypeScript runner.
      const nodes = commandLinesUnder(svc.child.pid!).filter((c) => /^(\S*\/)?node /.test(c));
      assert.ok(nodes.some((c) => / dist\/electron\/start\.js /.test(c)), nodes.join('\n'));
      assert.ok(nodes.some((c) => /[ /]dist\/server\/start\.js /.test(c)), nodes.join('\n'));
      assert.ok(!nodes.some((c) => /tsx/.test(c)), nodes.join('\n'));
      assert.equal((await fetch(`${svc.url}/display`)).status, 200);
      assert.equal((await fetch(`${svc.url}/assets/display.js`)).status, 200);
      const ticket = await fetch(`${svc.url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serviceCode: 'A' }) });
      assert.equal(ticket.status, 201);
    } finally {
      await stop(svc, true);
    }
    assert.ok(existsSync(join(data, 'branch.db')));
  });

  test('rebuilds only when the sources are newer than the build; a new part folder is compiled', async () => {
    const dist = join(root, 'dist');
    assert.equal(staleReason({ root }), undefined);
    const quiet = buildCli(['--if-stale']);
    assert.equal(quiet.status, 0);
    assert.equal(quiet.stderr, '', 'nothing to do');

    const built = readBuildInfo(dist)!;
    const later = new Date(built.newestSourceMs + 2000);
    utimesSync(join(root, 'renderer', 'teller', 'console.tsx'), later, later);
    assert.match(staleReason({ root }) ?? '', /renderer\/teller\/console\.tsx changed after the last build/);
    const rebuilt = buildCli(['--if-stale']);
    assert.equal(rebuilt.status, 0, rebuilt.stderr);
    assert.match(rebuilt.stderr, /Building dist\/ first: renderer\/teller\/console\.tsx changed/);
    assert.match(rebuilt.stderr, /Built dist\/ in .* 8 pages/);
    assert.equal(staleReason({ root }), undefined);

    // A deleted source leaves no compiled file behind.
    writeFileSync(join(root, 'server', 'soon-gone.ts'), 'export const gone = true;\n');
    await build({ root });
    assert.ok(existsSync(join(dist, 'server', 'soon-gone.js')));
    rmSync(join(root, 'server', 'soon-gone.ts'));
    assert.match(staleReason({ root }) ?? '', /^server changed after the last build/);
    await build({ root });
    assert.equal(existsSync(join(dist, 'server', 'soon-gone.js')), false);

    // Head office's folder appears: it is compiled with nothing else to change.
    cpSync(join(REPO_ROOT, 'hq'), join(root, 'hq'), { recursive: true });
    assert.match(staleReason({ root }) ?? '', /parts to build changed/);
    const info = await build({ root });
    assert.ok(info.parts.includes('hq'));
    assert.ok(existsSync(join(dist, 'hq', 'main.js')));

    // The kiosk shell is bundled: its main process an ES module, its sandboxed preloads single
    // CommonJS scripts that require nothing but electron.
    assert.deepEqual(info.bundled, ['electron']);
    assert.match(readFileSync(join(dist, 'electron', 'main.js'), 'utf8'), /^import /m);
    for (const preload of ['kiosk-preload.cjs', 'staff-preload.cjs']) {
      const required = [...readFileSync(join(dist, 'electron', preload), 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      assert.deepEqual([...new Set(required)], ['electron'], preload);
    }
    assert.ok(existsSync(join(dist, 'electron', 'start.js')));

    rmSync(join(dist, 'build-info.json'));
    assert.match(staleReason({ root }) ?? '', /no finished build/);
    await build({ root });
  });

  test('a page that does not build stops the start with the page and esbuild\'s message; the last good build stays', async () => {
    const before = readFileSync(join(root, 'dist', 'build-info.json'), 'utf8');
    const main = join(root, 'renderer', 'kiosk', 'main.tsx');
    writeFileSync(main, `${readFileSync(main, 'utf8')}\nconst = ;\n`);
    const r = npm(['start', '--', '--port', '0', '--host', '127.0.0.1', '--data', join(root, 'data-broken')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /The build stopped: .*\n.*the kiosk page \(renderer\/kiosk\/main\.tsx\) failed to build/);
    assert.match(r.stderr, /Expected identifier but found "="/);
    assert.match(r.stderr, /renderer\/kiosk\/main\.tsx:\d+:\d+/);
    assert.doesNotMatch(r.stdout, /ready at/);
    assert.equal(existsSync(join(root, 'data-broken')), false, 'the service never ran');
    assert.equal(readFileSync(join(root, 'dist', 'build-info.json'), 'utf8'), before);
    assert.deepEqual(readdirSync(root).filter((f) => f.startsWith('.dist-building')), []);
    await assert.rejects(build({ root }), (e: unknown) => e instanceof BuildError && /kiosk page/.test(e.message));
  });
});

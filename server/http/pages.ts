/**
 * Serves the branch's web pages (Preact apps under renderer/<page>/main.tsx). Each page
 * is bundled by esbuild on its first request and kept in memory, so there is no build step
 * between `npm install` and `npm start`, and tests that never open a page never pay for it.
 * Every page gets a strict Content-Security-Policy: scripts only from this service.
 */
import { build } from 'esbuild';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, normalize } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from '../logger.js';

const RENDERER_DIR = fileURLToPath(new URL('../../renderer/', import.meta.url));
const STATIC_DIR = join(RENDERER_DIR, 'static');

export interface PageDef {
  /** Folder under renderer with main.tsx. */
  entry: string;
  title: string;
  /** Routes that serve this page's HTML shell. */
  routes: string[];
  lang?: string;
}

export const PAGES: PageDef[] = [
  { entry: 'home', title: '网点排队系统 · Branch queue', routes: ['/'] },
  { entry: 'teller', title: '柜员叫号 · Teller console', routes: ['/teller'] },
  { entry: 'display', title: '大厅显示屏 · Lobby display', routes: ['/display'] },
  { entry: 'kiosk', title: '取号 · Take a number', routes: ['/kiosk'] },
  { entry: 'ticket', title: '排队进度 · Your place in the queue', routes: ['/t/:id'] },
  { entry: 'lab', title: '设备实验室 · Device lab', routes: ['/lab'] },
  { entry: 'dashboard', title: '网点看板 · Branch dashboard', routes: ['/dashboard'] },
  { entry: 'reports', title: '报表 · Reports', routes: ['/reports'] },
];

// Strict: no inline script or style markup anywhere (Preact sets styles through the CSSOM,
// which CSP allows), and connections only back to this service ('self' covers its WebSocket).
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

interface Bundle {
  js: string;
  css: string;
}

const bundles = new Map<string, Promise<Bundle>>();

async function bundle(entry: string): Promise<Bundle> {
  const result = await build({
    entryPoints: [join(RENDERER_DIR, entry, 'main.tsx')],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'chrome110',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: false,
    outdir: '/assets',
    logLevel: 'silent',
    loader: { '.svg': 'text' },
  });
  let js = '';
  let css = '';
  for (const f of result.outputFiles) {
    if (f.path.endsWith('.js')) js = f.text;
    else if (f.path.endsWith('.css')) css = f.text;
  }
  return { js, css };
}

export function getBundle(entry: string): Promise<Bundle> {
  let b = bundles.get(entry);
  if (!b) {
    b = bundle(entry);
    // A failed build is not cached: fixing the file and reloading works.
    b.catch(() => bundles.delete(entry));
    bundles.set(entry, b);
  }
  return b;
}

function shell(page: PageDef): string {
  return `<!doctype html>
<html lang="${page.lang ?? 'zh-CN'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title}</title>
<link rel="stylesheet" href="/assets/${page.entry}.css">
</head>
<body>
<div id="app"></div>
<script type="module" src="/assets/${page.entry}.js"></script>
</body>
</html>
`;
}

function secure(reply: FastifyReply): FastifyReply {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
  return reply;
}

export function registerPages(app: FastifyInstance, log: Logger, pages: PageDef[] = PAGES): void {
  const known = new Map(pages.map((p) => [p.entry, p]));
  for (const page of pages) {
    for (const route of page.routes) {
      app.get(route, async (_req, reply) => secure(reply).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(shell(page)));
    }
  }

  app.get('/assets/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const m = /^([a-z0-9-]+)\.(js|css)$/.exec(file);
    const page = m ? known.get(m[1]!) : undefined;
    if (!m || !page) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `No asset ${file}.` } });
    try {
      const b = await getBundle(page.entry);
      return secure(reply)
        .type(m[2] === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(m[2] === 'js' ? b.js : b.css);
    } catch (err) {
      log.error({ err, page: page.entry }, 'page bundle failed');
      return reply.code(500).send({ error: { code: 'PAGE_BUILD_FAILED', message: `The ${page.entry} page could not be built; see the service log.` } });
    }
  });

  // Static files (icons, sounds, voice clips) from renderer/static, no directory escapes.
  app.get('/static/*', async (req, reply) => {
    const rel = normalize((req.params as { '*': string })['*']).replace(/^(\.\.(\/|\\|$))+/, '');
    const path = join(STATIC_DIR, rel);
    // A folder is not a file: 404 like a missing one (reading it would fail).
    if (!path.startsWith(STATIC_DIR) || !existsSync(path) || !statSync(path).isFile()) {
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `No static file ${rel}.` } });
    }
    const type = path.endsWith('.svg') ? 'image/svg+xml' : path.endsWith('.wav') ? 'audio/wav' : path.endsWith('.json') ? 'application/json' : path.endsWith('.mp3') ? 'audio/mpeg' : path.endsWith('.ogg') ? 'audio/ogg' : 'application/octet-stream';
    return secure(reply).type(type).header('cache-control', 'public, max-age=3600').send(readFileSync(path));
  });
}

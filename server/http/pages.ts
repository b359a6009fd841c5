/**
 * Serves the branch's web pages (Preact apps under renderer/<page>/main.tsx), prebuilt by
 * `npm run build` into dist/renderer/<page>/. Every page's bundle is read when the service
 * starts: a page that is missing stops the start, so the service never answers a page's HTML
 * with a script that is not there (a blank kiosk). Every page gets a strict
 * Content-Security-Policy: scripts only from this service.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize, relative } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../common/errors.js';

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
  { entry: 'evaluator', title: '服务评价 · Rate our service', routes: ['/evaluator'] },
  { entry: 'performance', title: '柜员绩效 · Staff performance', routes: ['/performance'] },
  { entry: 'complaints', title: '投诉与意见 · Complaints and opinions', routes: ['/complaints'] },
  { entry: 'followups', title: '客户回访 · Follow-up calls', routes: ['/followups'] },
  { entry: 'office', title: '后台 · Back office', routes: ['/office'] },
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

interface Asset {
  body: Buffer;
  /** Lets a kiosk that reloads revalidate with a 304 instead of fetching the bundle again. */
  etag: string;
}

export interface BuiltPage {
  def: PageDef;
  js: Asset;
  css: Asset | null;
}

/** The prebuilt pages, read once at start, and the folder of static files beside them. */
export interface BuiltPages {
  dir: string;
  pages: Map<string, BuiltPage>;
}

function readAsset(path: string): Asset {
  const body = readFileSync(path);
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * Reads every page's bundle from `dir` (dist/renderer). Throws PAGES_NOT_BUILT naming each
 * page whose script is missing or empty, so the start stops with something a person can act on.
 */
export function loadBuiltPages(dir: string, pages: PageDef[] = PAGES): BuiltPages {
  const missing: string[] = [];
  const built = new Map<string, BuiltPage>();
  for (const def of pages) {
    const js = join(dir, def.entry, 'main.js');
    if (!existsSync(js) || statSync(js).size === 0) {
      missing.push(`the ${def.entry} page (${js} is ${existsSync(js) ? 'empty' : 'missing'})`);
      continue;
    }
    const css = join(dir, def.entry, 'main.css');
    built.set(def.entry, { def, js: readAsset(js), css: existsSync(css) ? readAsset(css) : null });
  }
  if (missing.length > 0) {
    throw new DomainError(
      'PAGES_NOT_BUILT',
      `Pages are not built: ${missing.join('; ')}. Run \`npm run build\` (npm start and npm run serve build when the sources are newer than dist/).`,
      { missing: pages.filter((p) => !built.has(p.entry)).map((p) => p.entry) },
    );
  }
  return { dir, pages: built };
}

function shell(page: PageDef, hasCss: boolean): string {
  return `<!doctype html>
<html lang="${page.lang ?? 'zh-CN'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title}</title>
${hasCss ? `<link rel="stylesheet" href="/assets/${page.entry}.css">\n` : ''}</head>
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

function sendAsset(req: FastifyRequest, reply: FastifyReply, asset: Asset, type: string): FastifyReply {
  secure(reply).header('cache-control', 'no-cache').header('etag', asset.etag);
  if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.type(type).send(asset.body);
}

export function registerPages(app: FastifyInstance, built: BuiltPages): void {
  const staticDir = join(built.dir, 'static');
  for (const { def, css } of built.pages.values()) {
    const html = shell(def, css !== null);
    for (const route of def.routes) {
      app.get(route, async (_req, reply) => secure(reply).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html));
    }
  }

  app.get('/assets/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const m = /^([a-z0-9-]+)\.(js|css)$/.exec(file);
    const page = m ? built.pages.get(m[1]!) : undefined;
    const asset = m?.[2] === 'js' ? page?.js : page?.css;
    if (!asset) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `No asset ${file}.` } });
    return sendAsset(req, reply, asset, m?.[2] === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');
  });

  // Static files (icons, sounds, voice clips) from dist/renderer/static, no directory escapes.
  app.get('/static/*', async (req, reply) => {
    const rel = normalize((req.params as { '*': string })['*']).replace(/^(\.\.(\/|\\|$))+/, '');
    const path = join(staticDir, rel);
    if (relative(staticDir, path).startsWith('..') || !existsSync(path) || !statSync(path).isFile()) {
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `No static file ${rel}.` } });
    }
    const type = path.endsWith('.svg') ? 'image/svg+xml' : path.endsWith('.wav') ? 'audio/wav' : path.endsWith('.json') ? 'application/json' : path.endsWith('.mp3') ? 'audio/mpeg' : path.endsWith('.ogg') ? 'audio/ogg' : 'application/octet-stream';
    return secure(reply).type(type).header('cache-control', 'public, max-age=3600').send(readFileSync(path));
  });
}

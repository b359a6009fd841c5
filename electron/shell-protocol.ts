/**
 * The shell's own pages (starting, unavailable, staff menu) are served on shell://app/ by a
 * protocol handler that knows exactly which files exist, instead of file:// (which would open
 * the whole disk to a page). Each answer carries a CSP that allows nothing but these files.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SHELL_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const FILES: Record<string, string> = {
  '/starting.html': 'text/html; charset=utf-8',
  '/unavailable.html': 'text/html; charset=utf-8',
  '/staff.html': 'text/html; charset=utf-8',
  '/staff.js': 'text/javascript; charset=utf-8',
  '/shell.css': 'text/css; charset=utf-8',
};

export function shellPageHandler(pagesDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return new Response('Bad request', { status: 400 });
    }
    const type = url.host === 'app' && request.method === 'GET' ? FILES[url.pathname] : undefined;
    if (!type) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain', 'content-security-policy': SHELL_PAGE_CSP } });
    const body = await readFile(join(pagesDir, url.pathname.slice(1)));
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: { 'content-type': type, 'content-security-policy': SHELL_PAGE_CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' },
    });
  };
}

/**
 * The branch's HTTPS client for head office: keep-alive, a timeout on every request, an optional
 * private CA, and the branch credential on every call. Plain HTTP is allowed for a head office
 * on this machine only (tests, a lab); anything else must be HTTPS.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { DomainError } from '../common/errors.js';

export interface HqResponse {
  status: number;
  body: unknown;
  /** Seconds from a Retry-After header, when there is one. */
  retryAfter?: number;
}

export interface HqClientOptions {
  url: string;
  /** PEM of a private certificate authority that signed head office's certificate. */
  ca?: string | Buffer;
  timeoutMs?: number;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function checkHqUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DomainError('BAD_HQ_URL', `--hq must be a URL such as https://hq.bank.example, not "${url}".`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname))) {
    throw new DomainError('BAD_HQ_URL', `Head office must be reached over HTTPS (${url}); plain HTTP is accepted for this machine only.`);
  }
  return u;
}

export function retryAfterSeconds(header: string | string[] | undefined): number | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (!v) return undefined;
  const n = Number(v);
  if (Number.isFinite(n) && n >= 0) return n;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

export class HqClient {
  readonly base: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  private credential: string | undefined;

  constructor(private readonly opts: HqClientOptions) {
    this.base = checkHqUrl(opts.url);
    this.agent = this.base.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 4, ...(opts.ca ? { ca: opts.ca } : {}) }) : new HttpAgent({ keepAlive: true, maxSockets: 4 });
  }

  get ca(): string | Buffer | undefined {
    return this.opts.ca;
  }

  setCredential(credential: string | undefined): void {
    this.credential = credential;
  }

  authorization(): string | undefined {
    return this.credential ? `Bearer ${this.credential}` : undefined;
  }

  /** One request; a network failure or timeout throws HQ_UNREACHABLE. */
  request(method: string, path: string, body?: unknown): Promise<HqResponse> {
    const url = new URL(path, this.base);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { accept: 'application/json' };
    const auth = this.authorization();
    if (auth) headers.authorization = auth;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers, agent: this.agent, timeout: this.opts.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(new DomainError('HQ_UNREACHABLE', `Head office's answer broke off: ${e.message}`)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = null;
          if (text) {
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, retryAfter: retryAfterSeconds(res.headers['retry-after']) });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.opts.timeoutMs ?? 30_000} ms`)));
      req.on('error', (e) => reject(new DomainError('HQ_UNREACHABLE', `Cannot reach head office at ${this.base.origin}: ${e.message}`)));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

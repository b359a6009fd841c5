/**
 * The pages' client of the LAN API: one error shape, the staff token kept for the tab only,
 * and an Idempotency-Key on every action so a retry after a network drop never acts twice.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The service's details, e.g. one line per wrong field of a configuration. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'branch-queue.token';

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage disabled: the token lives only in memory for this page */
  }
}

export function newIdempotencyKey(): string {
  return `k-${crypto.randomUUID()}`;
}

export interface RequestOptions {
  body?: unknown;
  idempotencyKey?: string;
  token?: string | null;
  signal?: AbortSignal;
  /** Gives up on an attempt that got no answer in this long (a cable pulled mid-request). */
  timeoutMs?: number;
  /** Further request headers (e.g. If-None-Match: * to create only, the kiosk's X-Kiosk-Key). */
  headers?: Record<string, string>;
}

export async function api<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? getToken() : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    const signal = opts.signal ?? (opts.timeoutMs ? AbortSignal.timeout(opts.timeoutMs) : undefined);
    res = await fetch(path, { method, headers, body, signal });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The branch service cannot be reached.');
  }
  if (res.status === 204) return null as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, 'BAD_RESPONSE', `Unexpected answer (${res.status}).`);
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'ERROR', err?.message ?? `Request failed (${res.status}).`, err?.details);
  }
  return data as T;
}

/**
 * Runs an action, retrying network failures with the same Idempotency-Key until the service
 * answers: the first answer the service gave is the one the page gets, however often it asked.
 */
export async function act<T>(
  method: string,
  path: string,
  opts: RequestOptions & { retries?: number; onRetry?: () => void; /** Stops retrying after this long (a customer waiting at the kiosk). */ deadlineMs?: number } = {},
): Promise<T> {
  const key = opts.idempotencyKey ?? newIdempotencyKey();
  const retries = opts.retries ?? 20;
  const until = opts.deadlineMs === undefined ? Infinity : Date.now() + opts.deadlineMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await api<T>(method, path, { ...opts, idempotencyKey: key });
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'NETWORK' || attempt >= retries || Date.now() >= until) throw e;
      opts.onRetry?.();
      await new Promise((r) => setTimeout(r, Math.min(3000, 250 * 2 ** attempt)));
    }
  }
}

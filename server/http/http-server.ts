/**
 * The HTTP server: fastify with the product's error shape `{ error: { code, message } }` for
 * every failure, including the ones fastify itself raises (bad JSON, huge bodies, wrong
 * content type), so that clients handle one shape.
 */
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyServerFactory } from 'fastify';
import { isDomainError } from '../../common/errors.js';
import type { Logger } from '../logger.js';
import { clientAddress } from './client-address.js';
import { guardConnections } from './connection-guard.js';
import { domainErrorAnswer, httpStatusOf } from './error-status.js';
import { RefusalLog } from './refusal-log.js';
import { refuseSocket } from './raw-answer.js';

export const BODY_LIMIT_BYTES = 16 * 1024;

function fastifyErrorAnswer(err: FastifyError): { status: number; code: string; message: string } | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'BODY_TOO_LARGE', message: `The request body is larger than ${BODY_LIMIT_BYTES} bytes.` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the body as application/json.' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'BAD_JSON', message: 'The body is declared as JSON but is empty.' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: 'BAD_JSON', message: `The body is not valid JSON: ${err.message}` };
    case 'FST_ERR_BAD_URL':
      return { status: 400, code: 'BAD_URL', message: 'The request path is not a valid URL (a broken %-escape).' };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, code: 'URI_TOO_LONG', message: 'A path parameter is too long.' };
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    return { status: 400, code: 'BAD_JSON', message: `The body is not valid JSON: ${err.message}` };
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return { status: err.statusCode, code: err.code ?? 'BAD_REQUEST', message: err.message };
  }
  return undefined;
}

/** A refusal that says when to come back (rate limits, a busy sign-in) carries it in its details. */
function retryAfterSeconds(err: unknown): number | undefined {
  const details = isDomainError(err) ? err.details : undefined;
  const v = typeof details === 'object' && details !== null ? (details as { retryAfterSeconds?: unknown }).retryAfterSeconds : undefined;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.ceil(v) : undefined;
}

export interface HttpServerOptions {
  /** A request's headers and body must arrive within this; an idle connection closes after twice it. */
  requestTimeoutMs?: number;
  connectionsPerAddress?: number;
  connections?: number;
  /** Addresses exempt from the per-address connection cap (the kiosk's own). */
  trustedAddresses?: Set<string>;
  /**
   * Settles once every command so far is durable (group commit, decision record 0002). Every
   * answer waits for it, so none reports what a power cut could still undo; a batch that could
   * not be committed turns the answers that waited for it into its storage error (503).
   */
  durable?: () => Promise<void>;
  /** Makes the server (head office passes an HTTPS server with its certificate). */
  serverFactory?: FastifyServerFactory;
  /** Names the service in the message of an unexpected error. */
  serviceName?: string;
  /** The HTTP status of an error code (default: the branch service's table). */
  statusOf?: (code: string) => number | undefined;
  /** Checks each request before anything else (Host and Origin, origin-guard.ts); an answer refuses it. */
  admit?(req: IncomingMessage): { status: number; code: string; message: string } | undefined;
}

// The LAN limits' defaults (docs/security.md); the branch service passes its configuration's.
const DEFAULT_LIMITS = { requestTimeoutMs: 15_000, connectionsPerAddress: 64, connections: 1500 };

/**
 * The answer to a request the HTTP parser refused before any route saw it (bad framing, huge
 * headers, a request that did not arrive in time), in the product's error shape.
 */
export function clientErrorAnswer(err: NodeJS.ErrnoException): { status: number; code: string; message: string } {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request did not arrive in time; the connection is closed.' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large.' };
    default:
      return { status: 400, code: 'BAD_REQUEST', message: `The request is not valid HTTP (${err.code ?? 'parse error'}).` };
  }
}

// Answers that mean a check or a limit refused the client (a wrong PIN is 401: the sign-in
// lock, 423, and the rate limit, 429, are what an attack shows as).
const REFUSAL_STATUSES = new Set([403, 408, 421, 423, 429, 431]);

export function createHttpServer(log: Logger, options: HttpServerOptions = {}): FastifyInstance {
  const opts = { ...DEFAULT_LIMITS, trustedAddresses: new Set<string>(), ...options };
  const app = Fastify({
    ...(opts.serverFactory ? { serverFactory: opts.serverFactory } : {}),
    bodyLimit: BODY_LIMIT_BYTES,
    logger: false,
    // A client that trickles its headers or body (slow loris) is cut off after requestTimeoutMs;
    // Node checks every second instead of its default thirty.
    requestTimeout: opts.requestTimeoutMs,
    connectionTimeout: 2 * opts.requestTimeoutMs,
    keepAliveTimeout: 5_000,
    http: { headersTimeout: opts.requestTimeoutMs, connectionsCheckingInterval: Math.min(1_000, opts.requestTimeoutMs), maxHeaderSize: 16 * 1024 },
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const a = clientErrorAnswer(err);
      log.debug({ code: err.code, status: a.status }, 'request refused by the HTTP parser');
      refuseSocket(socket, a.status, a.code, a.message);
    },
    // Ticket ids and counters are short; anything longer is a mistake or an attack.
    routerOptions: { maxParamLength: 100 },
    forceCloseConnections: true,
    // The router's own errors (a broken %-escape, an over-long path parameter) come here,
    // not to the error handler; without this they get fastify's body shape.
    frameworkErrors: (err, _req, reply) => {
      const known = fastifyErrorAnswer(err) ?? { status: 400, code: 'BAD_REQUEST', message: err.message };
      return (reply as FastifyReply).code(known.status).send({ error: { code: known.code, message: known.message } });
    },
  });
  // Bodies are JSON only: fastify's default text/plain parser would hand the routes a string,
  // answered with a confusing "expected object" instead of 415.
  app.removeContentTypeParser('text/plain');
  guardConnections(app.server, { perAddress: opts.connectionsPerAddress, total: opts.connections, serviceName: opts.serviceName }, opts.trustedAddresses, log);
  const admit = opts.admit;
  if (admit) {
    // Before the body is read: a refused request costs nothing more.
    app.addHook('onRequest', (req, reply, done) => {
      const refused = admit(req.raw);
      if (!refused) return done();
      void reply.code(refused.status).send({ error: { code: refused.code, message: refused.message } });
    });
  }

  const durable = opts.durable;
  if (durable) {
    // Callback hooks, not async ones: a promise less per request on the path of every ticket.
    app.addHook('onSend', (_req, _reply, payload, done) => {
      durable().then(() => done(null, payload), done);
    });
  }

  const refusals = new RefusalLog(log);
  app.addHook('onResponse', (req, reply, done) => {
    // The line is built only when someone reads it.
    if (log.isLevelEnabled('debug')) log.debug({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    const status = reply.statusCode;
    if (REFUSAL_STATUSES.has(status)) refusals.note(clientAddress(req.ip), status, `HTTP_${status}`, `${req.method} ${req.url.split('?')[0]}`);
    done();
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const domain = domainErrorAnswer(err, opts.statusOf ?? httpStatusOf);
    if (domain) {
      if (domain.log) log.error({ err, url: req.url, code: domain.body.error.code, status: domain.status }, err.message);
      const retry = retryAfterSeconds(err);
      if (retry !== undefined) reply.header('Retry-After', String(retry));
      return reply.code(domain.status).send(domain.body);
    }
    const known = fastifyErrorAnswer(err);
    if (known) return reply.code(known.status).send({ error: { code: known.code, message: known.message } });
    log.error({ err, url: req.url }, 'unexpected error while handling a request');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: `Something went wrong on the ${opts.serviceName ?? 'branch service'}; it has been logged. Try again.` } });
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'NOT_FOUND', message: `There is no ${req.method} ${req.url.split('?')[0]}.` } }),
  );
  return app;
}

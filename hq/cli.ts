/**
 * `npm run hq -- …` (DESIGN §6): the server, and the commands an operator runs beside it.
 *   npm run hq -- --port PORT --data DIR [--database postgres://…] [--host ADDR] [--tls-cert F --tls-key F]
 *   npm run hq -- enroll --data DIR --branch BRANCH [--region R] [--expires-hours H] [--database URL]
 *   npm run hq -- operator-token --data DIR [--label TEXT] [--database URL]
 *   npm run hq -- revoke --data DIR --branch BRANCH [--database URL]
 * `enroll` and `operator-token` print their secret as the last line. With the embedded database
 * they ask the server running on DIR when there is one; with PostgreSQL they use the database.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { z } from 'zod';
import { DomainError, isDomainError } from '../common/errors.js';
import { createLogger } from '../server/logger.js';
import { startHqApp } from './app.js';
import { acquireLock, runningServer, type ServerFile } from './control.js';
import { openHqStore } from './open-store.js';
import type { HqStore } from './storage/hq-store.js';

export const HQ_USAGE = `Usage:
  npm run hq -- [--port PORT] [--data DIR] [--database postgres://…] [--pool-size N] [--host ADDR]
                [--tls-cert FILE --tls-key FILE] [--log pretty|json] [--log-level LEVEL]
  npm run hq -- enroll --data DIR --branch BRANCH [--region REGION] [--expires-hours H] [--database URL]
  npm run hq -- operator-token --data DIR [--label TEXT] [--database URL]
  npm run hq -- revoke --data DIR --branch BRANCH [--database URL]

  --port PORT        HTTP(S) port (default 8443; 0 picks a free one)
  --host ADDR        address to listen on (default 127.0.0.1); any other needs --tls-cert/--tls-key
  --data DIR         data folder: the embedded database, the server's lock (default ./data/hq)
  --database URL     use this PostgreSQL instead of the embedded database
  --pool-size N      connections to PostgreSQL, batches written at once (default 8)
  enroll             prints a one-time enrollment code for BRANCH (last line)
  operator-token     prints a new operator token for the head-office page and API (last line)
  revoke             revokes BRANCH's credentials; it must be enrolled again`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  database: { type: 'string' },
  'pool-size': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  log: { type: 'string' },
  'log-level': { type: 'string' },
  branch: { type: 'string' },
  region: { type: 'string' },
  'expires-hours': { type: 'string' },
  label: { type: 'string' },
  help: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function fail(message: string): never {
  throw new DomainError('BAD_ARGUMENTS', `${message}\n\n${HQ_USAGE}`);
}

async function askServer(server: ServerFile, path: string, body: unknown): Promise<unknown> {
  const url = new URL(path, server.url);
  const payload = JSON.stringify(body);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolvePromise, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${server.secret}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        ...(server.ca ? { ca: readFileSync(server.ca), servername: 'localhost' } : {}),
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let data: unknown;
          try {
            data = JSON.parse(text);
          } catch {
            return reject(new DomainError('HQ_BAD_ANSWER', `The running server answered ${res.statusCode ?? '?'} with something that is not JSON.`));
          }
          if ((res.statusCode ?? 500) >= 400) {
            const err = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).safeParse(data);
            return reject(new DomainError(err.success ? err.data.error.code : 'HQ_ERROR', err.success ? err.data.error.message : `The running server answered ${res.statusCode ?? '?'}.`));
          }
          resolvePromise(data);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => reject(new DomainError('HQ_UNREACHABLE', `Cannot reach the head-office server running on this data folder (${server.url}): ${e.message}`)));
    req.end(payload);
  });
}

/**
 * Runs `direct` on the database, or `viaServer` when a server holds the embedded database.
 * A server still starting (lock taken, no server file yet) is waited for.
 */
async function withStore<T>(v: Values, viaServer: (s: ServerFile) => Promise<T>, direct: (store: HqStore) => Promise<T>): Promise<T> {
  const dataDir = resolve(v.data ?? 'data/hq');
  if (!v.database) {
    for (let i = 0; i < 600; i++) {
      const server = runningServer(dataDir);
      if (server) return viaServer(server);
      try {
        const release = acquireLock(dataDir);
        try {
          const store = await openHqStore({ dataDir });
          try {
            return await direct(store);
          } finally {
            await store.db.close();
          }
        } finally {
          release();
        }
      } catch (e) {
        if (!isDomainError(e) || e.code !== 'DATA_DIR_IN_USE') throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    throw new DomainError('DATA_DIR_IN_USE', `A head-office process holds ${dataDir} but does not answer; try again when it has started.`);
  }
  const store = await openHqStore({ dataDir, databaseUrl: v.database, poolSize: 2 });
  try {
    return await direct(store);
  } finally {
    await store.db.close();
  }
}

const codeAnswer = z.object({ branch: z.string(), code: z.string(), expiresAt: z.string() });
const tokenAnswer = z.object({ token: z.string() });
const revokeAnswer = z.object({ branch: z.string(), revoked: z.number() });

function branchArg(v: Values): string {
  if (!v.branch) fail('--branch BRANCH is required');
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(v.branch)) fail('--branch must be 1–40 letters, digits, - or _');
  return v.branch;
}

export async function runHqCli(argv: string[]): Promise<void> {
  let v: Values;
  let positionals: string[];
  try {
    ({ values: v, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (v.help) {
    console.log(HQ_USAGE);
    return;
  }
  const command = positionals[0] ?? 'serve';
  if (positionals.length > 1) fail(`unexpected argument "${positionals[1]}"`);

  if (command === 'enroll') {
    const branch = branchArg(v);
    const region = v.region ?? '';
    const ttlHours = v['expires-hours'] === undefined ? 72 : Number(v['expires-hours']);
    if (!(ttlHours > 0 && ttlHours <= 720)) fail('--expires-hours must be more than 0 and at most 720');
    const r = await withStore(
      v,
      async (s) => codeAnswer.parse(await askServer(s, '/api/control/enroll', { branch, region, ttlHours })),
      async (store) => {
        const c = await store.createEnrollmentCode(branch, region, ttlHours);
        return { branch, code: c.code, expiresAt: c.expiresAt.toISOString() };
      },
    );
    console.log(`Enrollment code for branch ${r.branch}, single use, valid until ${r.expiresAt}.`);
    console.log(`At the branch: npm run serve -- … --hq URL --enroll ${r.code}`);
    console.log(r.code);
    return;
  }
  if (command === 'operator-token') {
    const label = v.label ?? 'operator';
    const r = await withStore(
      v,
      async (s) => tokenAnswer.parse(await askServer(s, '/api/control/operator-token', { label })),
      async (store) => ({ token: await store.createOperatorToken(label) }),
    );
    console.log('Operator token (sign in to the head-office page with it; keep it secret):');
    console.log(r.token);
    return;
  }
  if (command === 'revoke') {
    const branch = branchArg(v);
    const r = await withStore(
      v,
      async (s) => revokeAnswer.parse(await askServer(s, '/api/control/revoke', { branch })),
      async (store) => ({ branch, revoked: await store.revokeBranch(branch) }),
    );
    console.log(`Revoked ${r.revoked} credential(s) of branch ${r.branch}.`);
    return;
  }
  if (command !== 'serve') fail(`unknown command "${command}"`);

  const port = v.port === undefined ? 8443 : Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0–65535, not "${v.port ?? ''}"`);
  if (Boolean(v['tls-cert']) !== Boolean(v['tls-key'])) fail('--tls-cert and --tls-key go together');
  const poolSize = v['pool-size'] === undefined ? undefined : Number(v['pool-size']);
  if (poolSize !== undefined && !(Number.isInteger(poolSize) && poolSize >= 1 && poolSize <= 100)) fail(`--pool-size must be 1–100, not "${v['pool-size'] ?? ''}"`);
  const logFormat = v.log ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (logFormat !== 'pretty' && logFormat !== 'json') fail('--log must be pretty or json');
  const log = createLogger({ pretty: logFormat === 'pretty', level: v['log-level'] ?? 'info' });
  const app = await startHqApp({
    dataDir: resolve(v.data ?? 'data/hq'),
    databaseUrl: v.database,
    poolSize,
    port,
    host: v.host ?? '127.0.0.1',
    log,
    tls: v['tls-cert'] && v['tls-key'] ? { certFile: resolve(v['tls-cert']), keyFile: resolve(v['tls-key']) } : undefined,
  });
  log.info({ database: app.store.db.kind }, 'head-office server started');
  console.log(`Head-office server ready at ${app.url}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await app.close();
    log.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * The command-line contract of DESIGN §6, as programs outside the repo drive it: the server
 * prints its ready line; `enroll` and `operator-token` print their secret as the last line,
 * with the server running on the folder (they ask it) and without (they open the database),
 * on PGlite and with `--database` on PostgreSQL; TLS is required off loopback.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BACKENDS, HqFixture, hqApi } from '../support/hq.js';
import { runHqCommand, startHqProcess } from '../support/hq-process.js';

const lastLine = (s: string) => s.trim().split('\n').at(-1)!;

function httpsGet(url: string, ca?: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, ca ? { ca } : {}, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

// Child processes, a new embedded database, Chromium: slow on a loaded 2-core machine; the timeout only catches hangs.
vi.setConfig({ testTimeout: 400_000 });

describe.each(BACKENDS)('npm run hq on %s', (backend) => {
  const fx = new HqFixture(backend);
  afterAll(() => fx.close());

  it('enroll and operator-token work with and without the server running on the folder', async () => {
    const t = await fx.target();
    const db = t.databaseUrl ? ['--database', t.databaseUrl] : [];
    // No server: the commands open the database themselves.
    const offline = await runHqCommand(['operator-token', '--data', t.dataDir, ...db]);
    expect(offline.code, offline.stderr).toBe(0);
    const token1 = lastLine(offline.stdout);
    expect(token1).toMatch(/^hqo_/);
    const code1 = lastLine((await runHqCommand(['enroll', '--data', t.dataDir, '--branch', 'cli-1', ...db])).stdout);
    expect(code1).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    const p = await startHqProcess(['--port', '0', '--data', t.dataDir, ...db]);
    try {
      expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const token2 = lastLine((await runHqCommand(['operator-token', '--data', t.dataDir, ...db])).stdout);
      const code2 = lastLine((await runHqCommand(['enroll', '--data', t.dataDir, '--branch', 'cli-2', '--region', 'South', ...db])).stdout);
      // Every secret works against the running server, whichever way it was made.
      for (const token of [token1, token2]) expect((await hqApi(p.url, 'GET', '/api/branches', { token })).status).toBe(200);
      for (const [code, branch] of [
        [code1, 'cli-1'],
        [code2, 'cli-2'],
      ] as const) {
        const r = await hqApi(p.url, 'POST', '/api/enroll', { body: { code, installId: `install-${branch}`, branch } });
        expect(r.status).toBe(200);
      }
      const list = await hqApi(p.url, 'GET', '/api/branches', { token: token2 });
      expect(list.body.branches.map((b: any) => [b.id, b.region])).toEqual([
        ['cli-1', ''],
        ['cli-2', 'South'],
      ]);
      const summary = await hqApi(p.url, 'GET', '/api/branches/cli-1/summary?date=2026-06-15', { token: token1 });
      expect(summary.body).toMatchObject({ ticketsIssued: 0, events: 0, lastSeq: 0, lastSyncAt: null });
    } finally {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  });

  it('refuses a connection pool size outside 1–100 before opening anything', async () => {
    const t = await fx.target();
    const bad = await runHqCommand(['--port', '0', '--data', t.dataDir, '--pool-size', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--pool-size must be 1–100/);
  });

  it('refuses plain HTTP off loopback, and serves HTTPS with the given certificate', async () => {
    const t = await fx.target();
    const db = t.databaseUrl ? ['--database', t.databaseUrl] : [];
    const plain = await runHqCommand(['--port', '0', '--host', '0.0.0.0', '--data', t.dataDir, ...db]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/TLS_REQUIRED/);
    const dir = mkdtempSync(join(tmpdir(), 'hq-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const p = await startHqProcess(['--port', '0', '--data', t.dataDir, '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem'), ...db]);
      try {
        expect(p.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        // Trusting the certificate: the health answer; the commands still reach the server.
        const out = await httpsGet(`${p.url}/api/health`, readFileSync(join(dir, 'cert.pem')));
        expect(JSON.parse(out)).toMatchObject({ status: 'ok', role: 'hq' });
        const token = await runHqCommand(['operator-token', '--data', t.dataDir, ...db]);
        expect(lastLine(token.stdout)).toMatch(/^hqo_/);
        // Not trusting it: refused.
        await expect(httpsGet(`${p.url}/api/health`)).rejects.toThrow(/self[- ]signed|certificate/i);
      } finally {
        p.child.kill('SIGTERM');
        await p.exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

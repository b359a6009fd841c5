/**
 * What the kiosk's windows show when the branch service goes away under them (the shell leaves
 * loaded pages alone): the kiosk and the lobby display show their own offline state, not a
 * browser error, and come back by themselves when the service is back on the same address.
 */
import { afterAll, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBranchApp, type BranchApp } from '../../server/branch-app.js';
import { silentLogger } from '../../server/logger.js';
import { launchBrowser } from '../support/browser.js';

const dataDir = mkdtempSync(join(tmpdir(), 'offline-pages-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const start = (port: number): Promise<BranchApp> => startBranchApp({ dataDir, demo: true, port, host: '127.0.0.1', log: silentLogger });

test('kiosk and lobby display show their offline state while the service is away, then recover', async () => {
  let app = await start(0);
  const port = app.port;
  const browser = await launchBrowser();
  try {
    const kiosk = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await kiosk.goto(`${app.url}/kiosk`);
    await kiosk.getByRole('button', { name: /现金业务/ }).waitFor();
    const lobby = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await lobby.goto(`${app.url}/display?voice=off`);
    await lobby.locator('[data-testid="conn"].conn-online').waitFor({ state: 'attached' });

    await app.close();
    await kiosk.getByTestId('kiosk-offline').waitFor();
    expect(await kiosk.getByRole('button', { name: /现金业务/ }).count()).toBe(0);
    expect(await kiosk.getByTestId('kiosk-offline').textContent()).toBe('正在连接网点服务…');
    await lobby.locator('[data-testid="conn"].conn-offline').waitFor();
    expect(await lobby.getByTestId('conn').textContent()).toMatch(/Reconnecting/);

    app = await start(port);
    await kiosk.getByRole('button', { name: /现金业务/ }).waitFor({ timeout: 30_000 });
    expect(await kiosk.getByTestId('kiosk-offline').count()).toBe(0);
    await lobby.locator('[data-testid="conn"].conn-online').waitFor({ state: 'attached', timeout: 30_000 });
  } finally {
    await browser.close();
    await app.close();
  }
});

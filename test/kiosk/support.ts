/** Helpers for the kiosk tests: waiting on conditions, the event stream, device states. */
import WebSocket from 'ws';
import type { TestBranch } from '../support/branch.js';

export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, limitMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Collected {
  events: any[];
  close(): void;
}

/** Listens on /api/stream from now on and keeps every event. */
export async function collectEvents(url: string): Promise<Collected> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/stream`);
  const events: any[] = [];
  ws.on('message', (m) => events.push(JSON.parse(String(m))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { events, close: () => ws.close() };
}

export async function deviceState(b: TestBranch, id: string): Promise<string | undefined> {
  const r = await b.api('GET', '/api/devices');
  return (r.body as { id: string; state: string }[]).find((d) => d.id === id)?.state;
}

export { captureLogs } from '../support/logs.js';

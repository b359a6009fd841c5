/**
 * A pair of pseudo-terminals joined by socat: the product opens one end with `serialport`
 * exactly as it would open /dev/ttyUSB0, and a fake device opens the other end.
 * Closing the pair (or killing socat) is how tests "unplug" a device.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** The end the product opens. */
  readonly productPath: string;
  /** The end the fake device opens. */
  readonly devicePath: string;
  /** Kills socat: both ends vanish, as if the cable were pulled. */
  unplug(): Promise<void>;
  /** Starts socat again on the same paths: the device is back. */
  plugIn(): Promise<void>;
  close(): Promise<void>;
}

async function waitFor(check: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function createPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'pty-'));
  const productPath = join(dir, 'product');
  const devicePath = join(dir, 'device');
  let proc: ChildProcess | undefined;

  const start = async () => {
    proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${productPath}`, `pty,raw,echo=0,link=${devicePath}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc.stderr?.resume();
    await waitFor(() => existsSync(productPath) && existsSync(devicePath), 'socat pty links');
  };
  const stop = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    await exited;
    await waitFor(() => !existsSync(productPath) && !existsSync(devicePath), 'socat links removed').catch(() => {
      rmSync(productPath, { force: true });
      rmSync(devicePath, { force: true });
    });
  };

  await start();
  return {
    productPath,
    devicePath,
    unplug: stop,
    plugIn: start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

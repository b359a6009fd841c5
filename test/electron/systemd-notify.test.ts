/**
 * The branch server box's watchdog: the real service, started as systemd would start it
 * (NOTIFY_SOCKET, WATCHDOG_USEC), reports READY=1 once it accepts requests and keeps pinging
 * WATCHDOG=1, then STOPPING=1 on SIGTERM. The datagrams are read by a small receiver that, like
 * systemd, answers systemd-notify's barrier by closing the file descriptor it is sent.
 */
import { expect, test } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const RECEIVER = `
import array, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    msg, anc, _flags, _addr = s.recvmsg(4096, socket.CMSG_SPACE(64 * 4))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
            for fd in fds:
                os.close(fd)
    print(msg.decode().replace("\\n", "|"), flush=True)
`;

test('the service tells systemd it is ready, pings the watchdog while healthy, and says when it stops', async () => {
  for (const [tool, pkg] of [['systemd-notify', 'systemd'], ['python3', 'python3']]) {
    if (spawnSync(tool!, ['--version']).status !== 0) throw new Error(`${tool} is not installed: apt-get install ${pkg} (.ci/run does)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'sd-notify-'));
  const sock = join(dir, 'notify.sock');
  const receiver = spawn('python3', ['-c', RECEIVER, sock], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: { pred: (l: string) => boolean; resolve: () => void }[] = [];
  createInterface({ input: receiver.stdout }).on('line', (l) => {
    lines.push(l);
    for (const w of waiters.splice(0)) if (w.pred(l)) w.resolve();
    else waiters.push(w);
  });
  const until = (pred: (l: string) => boolean) => new Promise<void>((resolve) => (lines.some(pred) ? resolve() : waiters.push({ pred, resolve })));
  await until((l) => l === 'listening');
  const service = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../server/main.ts', import.meta.url)), '--demo', '--port', '0', '--host', '127.0.0.1', '--data', join(dir, 'data'), '--log', 'json'], {
    env: { ...process.env, NOTIFY_SOCKET: sock, WATCHDOG_USEC: '400000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await until((l) => l.startsWith('READY=1'));
    await until((l) => l === 'WATCHDOG=1');
    const ready = lines.findIndex((l) => l.startsWith('READY=1'));
    expect(lines[ready]).toMatch(/STATUS=Accepting requests/);
    expect(lines.findIndex((l) => l === 'WATCHDOG=1')).toBeGreaterThan(ready);
    service.kill('SIGTERM');
    await until((l) => l.startsWith('STOPPING=1'));
    const code = await new Promise<number | null>((r) => (service.exitCode !== null ? r(service.exitCode) : service.on('exit', r)));
    expect(code).toBe(0);
  } finally {
    service.kill('SIGKILL');
    receiver.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Tells systemd how the service is doing when it runs as a unit with Type=notify and a
 * WatchdogSec (the branch server box, build/linux/branch-queue.service): READY=1 once requests
 * are accepted, then WATCHDOG=1 every half watchdog period, but only while `healthy()` holds
 * (the HTTP server listens and the database answers), so a wedged service is restarted by
 * systemd. Node cannot send datagrams on a Unix socket, so systemd's own `systemd-notify`
 * sends them (the unit has NotifyAccess=all). Does nothing outside systemd.
 */
import { spawn } from 'node:child_process';
import type { Logger } from './logger.js';

export interface SystemdNotifier {
  stop(): void;
}

export function startSystemdNotify(o: { env: NodeJS.ProcessEnv; log: Logger; healthy: () => boolean; command?: string }): SystemdNotifier {
  const socket = o.env.NOTIFY_SOCKET;
  if (!socket) return { stop: () => undefined };
  const command = o.command ?? 'systemd-notify';
  let warned = false;
  const send = (args: string[]) => {
    const child = spawn(command, args, { env: { ...o.env, NOTIFY_SOCKET: socket }, stdio: 'ignore' });
    child.on('error', (err) => {
      if (warned) return;
      warned = true;
      o.log.warn({ err }, 'cannot notify systemd (is systemd-notify installed?)');
    });
  };
  send(['--ready', `--status=Accepting requests (pid ${process.pid})`]);
  const usec = Number(o.env.WATCHDOG_USEC);
  let timer: ReturnType<typeof setInterval> | undefined;
  if (Number.isFinite(usec) && usec > 0) {
    timer = setInterval(() => {
      if (o.healthy()) send(['WATCHDOG=1']);
      else o.log.warn('health check failed: not pinging the systemd watchdog');
    }, Math.max(50, Math.floor(usec / 2000)));
    timer.unref();
  }
  return {
    stop() {
      if (timer) clearInterval(timer);
      send(['STOPPING=1']);
    },
  };
}

/**
 * The utilityProcess stand-in for tests: the real branch service as a Node child process
 * (TypeScript through tsx), behind the same ServiceProcess interface the shell gets from
 * Electron's utilityProcess.fork.
 */
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import type { ServiceForker, ServiceProcess } from '../../electron/ports.js';

export const nodeFork: ServiceForker = (modulePath, args, options) => {
  const child = fork(modulePath, args, { env: options.env, silent: true, execArgv: [...options.execArgv, '--import', 'tsx'] });
  const events = new EventEmitter();
  child.on('spawn', () => events.emit('spawn'));
  // utilityProcess reports a signal death as an exit code; so does this.
  child.on('exit', (code, signal) => events.emit('exit', code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
  const proc: ServiceProcess = {
    get pid() {
      return child.pid;
    },
    stdout: child.stdout,
    stderr: child.stderr,
    kill: () => child.kill('SIGTERM'),
    on: (event: string, listener: (...a: any[]) => void) => events.on(event, listener),
  };
  return proc;
};

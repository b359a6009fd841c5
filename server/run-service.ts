/**
 * Runs the branch service as a process: parse options, start, print the ready line, shut
 * down cleanly on SIGINT/SIGTERM. Shared by `npm run serve` and `npm start`.
 */
import { isDomainError } from '../common/errors.js';
import { startBranchApp, type BranchApp } from './branch-app.js';
import { parseServeOptions, type ServeOptions } from './cli-options.js';
import { createLogger } from './logger.js';
import { startSystemdNotify } from './systemd-notify.js';

export async function runService(argv: string[], defaults: Partial<ServeOptions> = {}, onReady?: (app: BranchApp, opts: ServeOptions) => void): Promise<void> {
  let opts: ServeOptions;
  try {
    opts = parseServeOptions(argv, defaults);
  } catch (e) {
    if (isDomainError(e) && e.code === 'HELP') {
      console.log(e.message);
      return;
    }
    console.error(isDomainError(e) ? e.message : e);
    process.exitCode = 2;
    return;
  }
  const log = createLogger({ pretty: opts.logFormat === 'pretty', level: opts.logLevel });
  let app: BranchApp;
  try {
    app = await startBranchApp({
      dataDir: opts.dataDir,
      configPath: opts.configPath,
      demo: opts.demo,
      port: opts.port,
      host: opts.host,
      log,
      ticketRateLimitPerMinute: opts.ticketRateLimitPerMinute,
      devices: { printer: opts.printer, cardReaders: opts.cardReaders, displays: opts.displays },
      hq: opts.hq,
    });
  } catch (e) {
    // A person reads this: the message names the file, the field and the problem.
    console.error(`The branch service did not start: ${isDomainError(e) ? `[${e.code}] ${e.message}` : (e as Error).stack}`);
    process.exitCode = 1;
    return;
  }
  log.info({ branch: app.service.branchId, data: opts.dataDir, config: app.config.source }, 'branch service started');
  if (app.initialAdminFile) log.warn({ file: app.initialAdminFile }, 'created the first admin account; its PIN is in this file: sign in, then delete the file');
  console.log(`Branch service ready at ${app.url}`);
  onReady?.(app, opts);
  const systemd = startSystemdNotify({ env: process.env, log, healthy: () => app.http.server.listening && isDatabaseAnswering(app) });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    systemd.stop();
    await app.close();
    log.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function isDatabaseAnswering(app: BranchApp): boolean {
  try {
    return app.db.prepare('SELECT 1 AS ok').get() !== undefined;
  } catch {
    return false;
  }
}

/** `npm run hq -- …`: the head-office server and its commands (hq/cli.ts). */
import { isAppError } from '../common/errors.js';
import { runHqCli } from './cli.js';

try {
  await runHqCli(process.argv.slice(2));
} catch (e) {
  console.error(isAppError(e) ? `[${e.code}] ${e.message}` : (e as Error).stack);
  process.exitCode = isAppError(e) && e.code === 'BAD_ARGUMENTS' ? 2 : 1;
}

/** `npm run hq -- …`: the head-office server and its commands (hq/cli.ts). */
import { isDomainError } from '../common/errors.js';
import { runHqCli } from './cli.js';

try {
  await runHqCli(process.argv.slice(2));
} catch (e) {
  console.error(isDomainError(e) ? `[${e.code}] ${e.message}` : (e as Error).stack);
  process.exitCode = isDomainError(e) && e.code === 'BAD_ARGUMENTS' ? 2 : 1;
}

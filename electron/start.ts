/**
 * `npm start` (built into dist/electron/start.js; npm start builds first when dist/ is stale):
 * the demo branch in the kiosk shell when the Electron binary is installed (in a window: a
 * developer's desktop is not a kiosk; `npm start -- --kiosk` locks it down), and otherwise the
 * branch service headless, saying why and where the pages are. Both run the compiled code.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DIST_DIR, PACKAGE_ROOT } from '../common/package-layout.js';
import { SERVICE_NODE_FLAGS } from '../server/node-flags.js';
import { findElectronBinary } from './binary.js';

const root = PACKAGE_ROOT;
const args = process.argv.slice(2);
const kiosk = args.includes('--kiosk');
const serviceArgs = args.filter((a) => a !== '--kiosk');
const serviceEntry = join(DIST_DIR, 'server', 'main.js');
const shellEntry = join(DIST_DIR, 'electron', 'main.js');
const binary = findElectronBinary(root);

const headlessReason = !binary.found
  ? binary.reason
  : !existsSync(serviceEntry) || !existsSync(shellEntry)
    ? 'the build is missing (npm run build)'
    : undefined;

function run(command: string, argv: string[]): void {
  const child = spawn(command, argv, { stdio: 'inherit', cwd: root });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
}

if (headlessReason || !binary.found) {
  console.log(`Electron kiosk shell not started: ${headlessReason}. Running the branch service headless; the kiosk page is at http://127.0.0.1:8080/kiosk (all pages below).`);
  run(process.execPath, [...SERVICE_NODE_FLAGS, join(DIST_DIR, 'server', 'start.js'), ...serviceArgs]);
} else {
  console.log(`Starting the kiosk shell${kiosk ? ' (locked kiosk: leave it with five taps in the top-left corner and a supervisor PIN)' : ' in a window'}; demo staff and PINs are in data/demo/demo-credentials.json.`);
  run(binary.path, [shellEntry, kiosk ? '--kiosk' : '--windowed', '--no-autostart', '--demo', '--data', join(root, 'data', 'demo'), '--port', '8080', '--service', serviceEntry, ...(serviceArgs.length ? ['--', ...serviceArgs] : [])]);
}

/**
 * `npm start`: the demo branch in the kiosk shell when the Electron binary is installed (in a
 * window: a developer's desktop is not a kiosk; `npm start -- --kiosk` locks it down), and
 * otherwise the branch service headless, saying why and where the pages are.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './binary.js';
import { buildElectron, ELECTRON_OUT } from './build.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const kiosk = args.includes('--kiosk');
const serviceArgs = args.filter((a) => a !== '--kiosk');
const serviceEntry = join(root, 'dist', 'server', 'main.js');
const binary = findElectronBinary(root);

const headlessReason = !binary.found ? binary.reason : !existsSync(serviceEntry) ? 'the compiled service is missing (npm run build)' : undefined;

if (headlessReason) {
  console.log(`Electron kiosk shell not started: ${headlessReason}. Running the branch service headless; the kiosk page is at http://127.0.0.1:8080/kiosk (all pages below).`);
  await import('../server/start.js');
} else if (binary.found) {
  await buildElectron();
  console.log(`Starting the kiosk shell${kiosk ? ' (locked kiosk: leave it with five taps in the top-left corner and a supervisor PIN)' : ' in a window'}; demo staff and PINs are in data/demo/demo-credentials.json.`);
  const child = spawn(
    binary.path,
    [join(ELECTRON_OUT, 'main.js'), kiosk ? '--kiosk' : '--windowed', '--no-autostart', '--demo', '--data', join(root, 'data', 'demo'), '--port', '8080', '--service', serviceEntry, ...(serviceArgs.length ? ['--', ...serviceArgs] : [])],
    { stdio: 'inherit', cwd: root },
  );
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
}

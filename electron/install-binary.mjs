// npm postinstall: fetches Electron's binary where the network allows it, so that `npm start`
// can open the kiosk shell. It never fails the install: where the download is refused (or
// skipped with ELECTRON_SKIP_BINARY_DOWNLOAD=1, as CI does), `npm start` runs the service
// headless and says why. Electron's package itself downloads nothing at install time.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD === '1') {
  console.log('Electron binary: download skipped (ELECTRON_SKIP_BINARY_DOWNLOAD=1); npm start will run the branch service headless.');
  process.exit(0);
}
let installer;
try {
  installer = createRequire(import.meta.url).resolve('electron/install.js');
} catch {
  process.exit(0); // electron not installed (a production install without dev dependencies)
}
const r = spawnSync(process.execPath, [installer], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000, encoding: 'utf8' });
if (r.status === 0) {
  console.log('Electron binary installed: npm start opens the kiosk shell.');
} else {
  const why = (r.stderr ?? '').split('\n').find((l) => l.trim()) ?? r.error?.message ?? `exit ${r.status}`;
  console.log(`Electron binary not downloaded (${why.trim().slice(0, 160)}); npm start will run the branch service headless. Try again later with: npx install-electron`);
}
process.exit(0);

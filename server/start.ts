/**
 * The demo branch for a newcomer, with simulated devices, and where to look: what `npm start`
 * runs headless when the Electron binary is not installed (electron/start.ts).
 */
import { readFileSync } from 'node:fs';
import { runService } from './run-service.js';
import type { Credential } from './staff-seed.js';

await runService(process.argv.slice(2), { demo: true, port: 8080, dataDir: 'data/demo', host: '0.0.0.0' }, (app) => {
  const creds = app.credentialsFile ? (JSON.parse(readFileSync(app.credentialsFile, 'utf8')) as Credential[]) : [];
  const lines = [
    '',
    `  Demo branch "${app.config.queue.branch.name.en}" is running.`,
    '',
    `  Kiosk            ${app.url}/kiosk`,
    `  Teller console   ${app.url}/teller`,
    `  Lobby display    ${app.url}/display`,
    `  Dashboard        ${app.url}/dashboard`,
    `  Device lab       ${app.url}/lab`,
    `  API health       ${app.url}/api/health   (API reference: docs/api.md)`,
    '',
    '  Demo staff (staff id / PIN / role / counters):',
    ...creds.map((c) => `    ${c.staffId.padEnd(4)} ${c.pin}  ${c.roles.join('+').padEnd(17)} ${c.counters.join(',')}`),
    `  (also in ${app.credentialsFile ?? ''})`,
    '',
    '  Stop with Ctrl+C.',
    '',
  ];
  console.log(lines.join('\n'));
});

/** `npm run serve -- --demo --port PORT --data DIR [...]`: the branch service, headless. */
import { runService } from './run-service.js';

await runService(process.argv.slice(2));

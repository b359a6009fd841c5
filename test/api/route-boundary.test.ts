/**
 * No route reaches around the branch service: the lint rule (eslint.config.js) refuses a route
 * that imports the queue engine or the database, or touches the service's engine or store, and
 * the routes as they are pass it.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

test('a route that imports the engine, creates a store or calls service.engine is refused', async () => {
  const importsEngine = await problems(
    "import { QueueEngine } from '../../core/engine.js';\nexport const e = QueueEngine;\n",
    'server/http/new-route.ts',
  );
  assert.ok(importsEngine.some((p) => p.includes('not the queue engine')), importsEngine.join('\n'));

  const opensStore = await problems(
    "import { createBranchStore } from '../../db/branch-store.js';\nexport const s = createBranchStore;\n",
    'server/calling/routes.ts',
  );
  assert.ok(opensStore.some((p) => p.includes('not the database')), opensStore.join('\n'));

  const reachesIn = await problems(
    'export function handler(service: { engine: { callNext(): void }; store: { lastEventId(): number } }) {\n  service.engine.callNext();\n  return service.store.lastEventId();\n}\n',
    'server/printing/print-routes.ts',
  );
  assert.equal(reachesIn.filter((p) => p.startsWith('no-restricted-syntax')).length, 2, reachesIn.join('\n'));

  const throughThis = await problems('export class R {\n  constructor(private service: { engine: { x(): void } }) {}\n  go() {\n    this.service.engine.x();\n  }\n}\n', 'server/lab/lab-routes.ts');
  assert.ok(throughThis.some((p) => p.startsWith('no-restricted-syntax')), throughThis.join('\n'));

  // A type of the store (what a transport is handed) is fine; so is the service's own API.
  const typeOnly = await problems(
    "import type { BranchStore } from '../../db/branch-store.js';\nexport type S = Pick<BranchStore, 'eventsAfter'>;\n",
    'server/http/stream.ts',
  );
  assert.deepEqual(typeOnly, []);
});

test('the routes as they are pass the rule', async () => {
  const results = await eslint.lintFiles(['server/http/**/*.ts', 'server/**/routes.ts', 'server/**/*-routes.ts']);
  assert.ok(results.length >= 8, `${results.length} route files linted`);
  const found = results.flatMap((r) => r.messages.map((m) => `${r.filePath}: ${m.ruleId}: ${m.message}`));
  assert.deepEqual(found, []);
});

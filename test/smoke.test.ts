import { test } from 'vitest';
import assert from 'node:assert/strict';
import { startTestBranch } from './support/branch.js';

test('a demo branch issues a ticket and a teller calls it', async () => {
  const b = await startTestBranch();
  try {
    const t = await b.api('POST', '/api/tickets', { body: { serviceCode: 'A' } });
    assert.equal(t.status, 201);
    assert.equal(t.body.number, 'A001');
    const token = await b.login('T01', '1');
    const called = await b.api('POST', '/api/counters/1/next', { token });
    assert.equal(called.status, 200);
    assert.equal(called.body.ticket.id, t.body.id);
  } finally {
    await b.close();
  }
});

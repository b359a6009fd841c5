/** The branch file's `ticket` section changes what the printer receives; mistakes name the field. */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CONFIG_PATH, parseConfigText } from '../../config/load-config.js';
import { ticketText } from '../../drivers/printer/escpos-decoder.js';
import { isDomainError } from '../../common/errors.js';
import { startTestBranch } from '../support/branch.js';

const demo = readFileSync(DEMO_CONFIG_PATH, 'utf8');
const TEMPLATE = `
ticket:
  lineWidth: 48
  footer: "本网点营业时间 9:00-17:00"
  labels: { aheadZh: "您前面有 {n} 位客户" }
  blocks:
    - { kind: branch, align: center, bold: true }
    - { kind: number, align: center, width: 3, height: 3 }
    - { kind: service, lines: zh }
    - { kind: ahead }
    - { kind: text, text: "请勿遗失号票" }
    - { kind: footer }
`;

test('the ticket section sets the printed blocks, labels and footer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ticket-'));
  const cfg = join(dir, 'branch.yaml');
  writeFileSync(cfg, demo + TEMPLATE);
  const b = await startTestBranch({ configPath: cfg });
  try {
    await b.api('POST', '/api/tickets', { body: { serviceCode: 'B' } });
    const t = await b.api('POST', '/api/tickets', { body: { serviceCode: 'B', print: true } });
    assert.equal(t.body.print.status, 'printed');
    const sim = b.app.kiosk.printer.sim;
    assert.ok(sim, 'demo mode prints on the simulated printer');
    const paper = ticketText(sim.fake.tickets.at(-1)!);
    assert.match(paper, /B002/);
    assert.match(paper, /您前面有 1 位客户/);
    assert.match(paper, /请勿遗失号票/);
    assert.match(paper, /本网点营业时间 9:00-17:00/);
    assert.doesNotMatch(paper, /Transfers/, 'service lines: zh only');
    assert.doesNotMatch(paper, /\[QR /, 'no QR block in this template');
  } finally {
    await b.close();
  }
});

test('a mistake in the ticket section names the field', () => {
  const bad = demo + TEMPLATE.replace('{ kind: footer }', '{ kind: logo }').replace('lineWidth: 48', 'lineWidth: 12');
  try {
    parseConfigText(bad, 'branch.yaml');
    assert.fail('accepted');
  } catch (e) {
    assert.ok(isDomainError(e));
    const lines = e.details as string[];
    assert.ok(lines.some((l) => l.startsWith('ticket.lineWidth:')), JSON.stringify(lines));
    assert.ok(lines.some((l) => l.startsWith('ticket.blocks[5]')), JSON.stringify(lines));
  }
});

/** Demo mode's printer: the real driver over an in-process cable to the fake printer. */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { createPrinter } from '../../drivers/printer/index.js';
import { renderTicket } from '../../drivers/printer/ticket-layout.js';
import { createMemoryCable } from '../../drivers/transport/memory-transport.js';
import { isDomainError } from '../../common/errors.js';
import { sampleTicket, waitFor } from './wait.js';

test('memory cable: data flows both ways, unplug stops it, plug in restores it', async () => {
  const cable = createMemoryCable('sim://test');
  const got: string[] = [];
  cable.device.on('data', (b) => got.push(b.toString()));
  cable.product.open();
  cable.device.open();
  await waitFor(() => cable.product.state === 'open' && cable.device.state === 'open', 'both ends open');
  await cable.product.write(Buffer.from('hi'));
  await waitFor(() => got.includes('hi'), 'bytes delivered');
  cable.unplug();
  assert.equal(cable.product.state, 'connecting');
  await assert.rejects(cable.product.write(Buffer.from('x')), (e: unknown) => isDomainError(e) && e.code === 'DEVICE_OFFLINE');
  cable.plugIn();
  assert.equal(cable.product.state, 'open');
  await cable.product.close();
  assert.equal(cable.product.state, 'closed');
});

test('createPrinter("sim") prints to the fake and follows unplug / plug in', async () => {
  const { printer, sim } = createPrinter('sim', { pollIntervalMs: 20, answerTimeoutMs: 200, offlineAfterMs: 400 });
  assert.ok(sim);
  printer.start();
  try {
    await waitFor(() => printer.status().state === 'online', 'sim online');
    assert.equal(printer.status().uri, 'sim');
    await printer.print(renderTicket(sampleTicket()));
    assert.equal(sim.fake.tickets.length, 1);

    sim.cable.unplug();
    await waitFor(() => printer.status().state === 'offline', 'sim offline');
    await assert.rejects(printer.print(renderTicket(sampleTicket())), (e: unknown) => isDomainError(e) && e.code === 'PRINT_FAILED');
    sim.cable.plugIn();
    await waitFor(() => printer.status().state === 'online', 'sim back online');

    sim.fake.setPaperNearEnd(true);
    await waitFor(() => printer.status().state === 'paper_near_end', 'near end');
    await printer.print(renderTicket(sampleTicket()));
    assert.equal(sim.fake.tickets.length, 2);
  } finally {
    await printer.stop();
  }
});

test('asb mode: status arrives by automatic status back', async () => {
  const { printer, sim } = createPrinter('sim', { statusMode: 'asb', pollIntervalMs: 20, answerTimeoutMs: 200, offlineAfterMs: 400 });
  printer.start();
  try {
    await waitFor(() => printer.status().state === 'online', 'online');
    sim!.fake.setCoverOpen(true);
    await waitFor(() => printer.status().state === 'cover_open', 'cover open via ASB');
    sim!.fake.setCoverOpen(false);
    await waitFor(() => printer.status().state === 'online', 'closed again');
  } finally {
    await printer.stop();
  }
});

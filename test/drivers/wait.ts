/** Waits for a condition instead of sleeping: tests stay independent of machine speed. */
export async function waitFor(check: () => boolean, what: string, limitMs = 8000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

import type { TicketPrintData } from '../../drivers/printer/ticket-layout.js';

export function sampleTicket(over: Partial<TicketPrintData> = {}): TicketPrintData {
  return {
    branchName: '示例银行 西单支行',
    number: 'A023',
    serviceName: { zh: '个人现金业务', en: 'Personal cash' },
    ahead: 5,
    waitRange: { min: 10, max: 15 },
    issuedAt: '2024-05-01 09:12',
    qrUrl: 'https://q.example/t/A023?b=101',
    ...over,
  };
}

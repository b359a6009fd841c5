/**
 * Tap to ticket bytes at the printer port (DESIGN §8: within 50 ms of the serial line time).
 * POST /api/tickets { print: true } against the branch service, its printer on a socat pty at
 * 115200 baud with the fake ESC/POS printer reading the far end. Timed from sending the request
 * to the fake printer decoding the ticket's cut (the last byte of the ticket), and to the 201
 * answer (which also waits for the printer's status after the job). A pty does not pace bytes
 * at the baud rate, so the serial line time of those bytes (bytes x 10 bits / 115200) is
 * computed and shown beside the measured figures; the goal is p99 <= line time + 50 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFakePrinterOnPath } from '../drivers/sim/run-fake-printer.js';
import { startBranchApp } from '../server/branch-app.js';
import { silentLogger } from '../server/logger.js';
import { createPtyPair } from '../test/support/pty.js';
import { ms, msSince, progress, summarize, table } from './stats.js';

const BAUD = 115200;

export interface TapToPrintResult {
  toPaper: number[];
  toAnswer: number[];
  bytesPerTicket: number[];
}

export async function benchTapToPrint(opts: { samples: number; warmup: number }): Promise<TapToPrintResult> {
  const pty = await createPtyPair();
  const device = runFakePrinterOnPath(pty.devicePath, { baudRate: BAUD });
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-print-'));
  const app = await startBranchApp({
    dataDir,
    demo: true,
    port: 0,
    host: '127.0.0.1',
    log: silentLogger,
    ticketRateLimitPerMinute: 1_000_000,
    devices: { printer: `serial://${pty.productPath}?baud=${BAUD}` },
  });
  const result: TapToPrintResult = { toPaper: [], toAnswer: [], bytesPerTicket: [] };
  try {
    const printer = app.kiosk.printer.printing.printer!;
    for (let i = 0; i < 200 && printer.status().state !== 'online'; i++) await new Promise((r) => setTimeout(r, 50));
    const codes = app.config.queue.services.map((s) => s.code);
    for (let i = 0; i < opts.warmup + opts.samples; i++) {
      const receivedBefore = device.fake.received;
      const start = process.hrtime.bigint();
      let paperMs = NaN;
      let bytes = 0;
      const printed = new Promise<void>((resolve) =>
        device.fake.once('ticket', () => {
          paperMs = msSince(start);
          bytes = device.fake.received - receivedBefore;
          resolve();
        }),
      );
      const res = await fetch(`${app.url}/api/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ serviceCode: codes[i % codes.length], print: true }),
      });
      const body = (await res.json()) as { print?: { status: string } };
      const answerMs = msSince(start);
      if (res.status !== 201 || body.print?.status !== 'printed') throw new Error(`ticket ${i}: ${res.status} ${JSON.stringify(body)}`);
      await printed;
      if (i >= opts.warmup) {
        result.toPaper.push(paperMs);
        result.toAnswer.push(answerMs);
        result.bytesPerTicket.push(bytes);
      }
    }
  } finally {
    await app.close();
    await device.close();
    await pty.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return result;
}

/** Runs the bench and prints its table (called from bench/run.ts). */
export async function reportTapToPrint(samples = Number(process.env.BENCH_PRINTS ?? 300)): Promise<void> {
  progress(`tap to print: ${samples} tickets over a pty at ${BAUD} baud`);
  const r = await benchTapToPrint({ samples, warmup: 20 });
  const paper = summarize(r.toPaper);
  const answer = summarize(r.toAnswer);
  const bytes = summarize(r.bytesPerTicket);
  const line = (b: number) => (b * 10 * 1000) / BAUD;
  const rows = [
    ['serial line time of the ticket bytes (computed)', `${bytes.p50} B`, ms(line(bytes.p50)), ms(line(bytes.p99)), '(reference)', ''],
    ['tap to ticket bytes at the printer (cut decoded)', `n=${paper.n}`, ms(paper.p50), ms(paper.p99), `p99 <= line + 50 ms`, paper.p99 <= line(bytes.p99) + 50 ? 'met' : 'MISSED'],
    ['tap to 201 answer (incl. status after the job)', `n=${answer.n}`, ms(answer.p50), ms(answer.p99), '(reference)', ''],
  ];
  console.log(`\n${table(['tap to print (pty, fake printer)', 'samples', 'p50', 'p99', 'goal', ''], rows)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await reportTapToPrint(Number(process.argv[2] ?? 300));

import { queueEvents } from '/work/wt/hqfast/test/support/hq-events.ts';
import { encodeBatch } from '/work/wt/hqfast/hq/storage/event-rows.ts';
import { validateBatch } from '/work/wt/hqfast/hq/ingest.ts';
import { copyField, CopyText } from '/work/wt/hqfast/hq/storage/sql.ts';
const N = 300;
const valid = Array.from({ length: N }, (_, i) => validateBatch('b1', JSON.parse(JSON.stringify({ stream: 'queue', events: queueEvents('b1', 1 + i * 400, 400) }))));
function time(label: string, f: (i: number) => unknown) {
  for (let i = 0; i < 100; i++) f(i % N);
  const c0 = process.cpuUsage();
  for (let r = 0; r < 3; r++) for (let i = 0; i < N; i++) f(i);
  const c = process.cpuUsage(c0);
  console.log(label.padEnd(20), ((c.user + c.system) / 3 / N / 400).toFixed(2), 'µs/event');
}
time('encodeBatch', (i) => encodeBatch('b1', 'queue', valid[i]!.events));
time('strings only', (i) => { const t = new CopyText(); for (const e of valid[i]!.events) t.add(`b1\tqueue\t${e.seq}\t${copyField(e.type)}\t${e.v}\t${copyField(e.at)}\t${copyField(JSON.stringify(e.data))}\n`); return t.done(); });
time('strings->Buffer', (i) => { const t = new CopyText(); for (const e of valid[i]!.events) t.add(`b1\tqueue\t${e.seq}\t${copyField(e.type)}\t${e.v}\t${copyField(e.at)}\t${copyField(JSON.stringify(e.data))}\n`); return t.done().map((p) => Buffer.from(p)); });
time('stringify only', (i) => { let n = 0; for (const e of valid[i]!.events) n += JSON.stringify(e.data).length; return n; });
time('ticketRows-ish', (i) => encodeBatch('b1', 'queue', valid[i]!.events.slice(0, 1)));

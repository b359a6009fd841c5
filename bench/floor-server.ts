/**
 * The floor for "issue a ticket over HTTP" (DESIGN §8): a bare node:http server that does one
 * fsync'd SQLite insert per request (better-sqlite3, WAL, synchronous=FULL, one INSERT in its
 * own transaction) and answers a small JSON body. Nothing else: no router, no validation, no
 * queue logic. Run by bench/run.ts as a child process: `tsx bench/floor-server.ts DB_FILE`.
 */
import http from 'node:http';
import Database from 'better-sqlite3';

const file = process.argv[2];
if (!file) throw new Error('usage: floor-server.ts DB_FILE');
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS requests (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO requests (at, body) VALUES (?, ?)');
const insertOne = db.transaction((at: number, body: string) => insert.run(at, body).lastInsertRowid);

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const id = insertOne(Date.now(), Buffer.concat(chunks).toString('utf8'));
    const out = JSON.stringify({ id: Number(id) });
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    res.end(out);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  console.log(`Floor server ready at http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => {
    db.close();
    process.exit(0);
  });
});

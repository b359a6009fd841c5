/**
 * The body of an event batch, parsed without ever holding it as one string. A batch of 400
 * events is about 230 KB of JSON; V8 keeps any string above 128 KB in its large-object space,
 * mapped fresh from the system and faulted in page by page, which on a virtual machine costs
 * about 1.4 ms per batch, more than parsing it (docs/hq-scale.md). The body a branch's
 * uploader sends, `{"stream":"…","events":[…]}`, is cut at commas between events into pieces
 * of about PIECE_BYTES, and each piece is parsed as an array with secure-json-parse, as
 * fastify's own JSON parser does (prototype and constructor poisoning refused).
 *
 * The cut is safe whatever the bytes: if every piece parses as a list of values, the events
 * array is a valid list of values too; a comma inside a string or an object, or any malformed
 * body, makes a piece fail, and the body then goes to fastify's default parser, whose answer
 * (the object, or its error) is the one the client gets. A body in any other shape (other key
 * order, spaces) takes that path too.
 */
import secureJson from 'secure-json-parse';

const PIECE_BYTES = 48 * 1024;
const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const;

const PREFIX = Buffer.from('{"stream":"');
const EVENTS_KEY = Buffer.from('","events":[');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/** The comma-separated values between `from` and `to`, cut at top-level commas into pieces; undefined when unbalanced. */
function pieces(body: Buffer, from: number, to: number, pieceBytes: number): [number, number][] | undefined {
  const out: [number, number][] = [];
  let start = from;
  let depth = 0;
  let inString = false;
  for (let i = from; i < to; i++) {
    const c = body[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (--depth < 0) return undefined;
    } else if (c === COMMA && depth === 0 && i - start >= pieceBytes) {
      out.push([start, i]);
      start = i + 1;
    }
  }
  if (inString || depth !== 0) return undefined;
  // After a cut the rest is a piece even when empty, so that a trailing comma fails below.
  if (to > start || out.length > 0) out.push([start, to]);
  return out;
}

/**
 * `{ stream, events }` when the body has the uploader's shape and every piece parses; undefined
 * otherwise (the caller then parses it whole, for the object or for the error to answer).
 */
export function parseBatchBody(body: Buffer, pieceBytes = PIECE_BYTES): { stream: string; events: unknown[] } | undefined {
  const n = body.length;
  if (n < PREFIX.length + EVENTS_KEY.length + 2 || body[n - 2] !== 0x5d || body[n - 1] !== 0x7d) return undefined;
  if (body.compare(PREFIX, 0, PREFIX.length, 0, PREFIX.length) !== 0) return undefined;
  const nameEnd = body.indexOf(QUOTE, PREFIX.length);
  if (nameEnd < 0 || nameEnd - PREFIX.length > 40) return undefined;
  const stream = body.toString('latin1', PREFIX.length, nameEnd);
  if (!/^[a-z]+$/.test(stream)) return undefined;
  if (body.compare(EVENTS_KEY, 0, EVENTS_KEY.length, nameEnd, nameEnd + EVENTS_KEY.length) !== 0) return undefined;
  const cuts = pieces(body, nameEnd + EVENTS_KEY.length, n - 2, pieceBytes);
  if (!cuts) return undefined;
  const events: unknown[] = [];
  try {
    for (const [a, b] of cuts) {
      // A comma is never inside a multi-byte UTF-8 sequence: each piece decodes on its own.
      const list: unknown = secureJson.parse(`[${body.toString('utf8', a, b)}]`, undefined, PARSE_OPTIONS);
      // An empty piece between cuts is a stray comma, which JSON refuses.
      if (!Array.isArray(list) || (list.length === 0 && cuts.length > 1)) return undefined;
      for (const e of list) events.push(e);
    }
  } catch {
    return undefined;
  }
  return { stream, events };
}

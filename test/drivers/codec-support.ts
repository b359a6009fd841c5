/**
 * What the codec tests of the displays, call pads and evaluators share: bytes written as in the
 * device documents, bytes cut at random points as a serial port delivers them, and fast-check
 * records made plain objects.
 */
import fc from 'fast-check';

/** "02 05 71 …" as bytes. */
export const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** Where a byte stream is cut into chunks (any points, reduced to the stream's length). */
export const anyCuts = (maxLength = 8) => fc.array(fc.nat(), { maxLength });

/** Splits bytes into chunks at the given points, as a serial port delivers them. */
export function chunked(bytes: Uint8Array, at: number[]): Uint8Array[] {
  const points = [...new Set(at.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

/** Everything a parser makes of the bytes fed to it in those chunks. */
export function feedChunked<T>(parser: { feed(chunk: Uint8Array): T[] }, bytes: Uint8Array, at: number[]): T[] {
  return chunked(bytes, at).flatMap((c) => parser.feed(c));
}

/** fc.record builds null-prototype objects; this makes them plain, so deepStrictEqual compares them. */
export const plain = <T extends object>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T> => arbitrary.map((x) => ({ ...x }));

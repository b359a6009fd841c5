/**
 * The object without its undefined fields. Records are stored, sent and compared exactly as their
 * schema has them: an optional field is absent, never present as undefined.
 */
export function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  // Only undefined values are dropped, so each remaining key keeps its own type.
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

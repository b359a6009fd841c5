/**
 * What changed between two branch configurations, one line per changed field, for the
 * config.applied event and the back office's history: "services[B].targetWaitMinutes: 15 → 20",
 * "services[I]: added", "branch.hours.closedDates: – → 2026-10-01". Lists of records are matched
 * by their code or id, so a reordered list is not reported as every entry changed.
 */
const MAX_VALUE = 80;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function text(v: unknown): string {
  if (v === undefined || v === null) return '–';
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return v.length ? v.join(', ') : '–';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The key a list entry is known by: its code or id; undefined for lists of plain values. */
function keyOf(v: unknown): string | undefined {
  if (!isRecord(v)) return undefined;
  if (typeof v.code === 'string') return v.code;
  if (typeof v.id === 'string') return v.id;
  return undefined;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function walk(path: string, a: unknown, b: unknown, out: string[]): void {
  if (same(a, b)) return;
  // A section added or removed as a whole (e.g. the first lobby notice) is named field by field.
  const recordOrNone = (v: unknown) => isRecord(v) || v === undefined;
  if (recordOrNone(a) && recordOrNone(b)) {
    const ra = isRecord(a) ? a : {};
    const rb = isRecord(b) ? b : {};
    const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])];
    for (const k of keys) walk(path ? `${path}.${k}` : k, ra[k], rb[k], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].every((x) => keyOf(x) !== undefined)) {
    const before = new Map(a.map((x) => [keyOf(x)!, x]));
    const after = new Map(b.map((x) => [keyOf(x)!, x]));
    for (const [k, x] of after) {
      if (!before.has(k)) out.push(`${path}[${k}]: added`);
      else walk(`${path}[${k}]`, before.get(k), x, out);
    }
    for (const k of before.keys()) if (!after.has(k)) out.push(`${path}[${k}]: removed`);
    const order = (m: Map<string, unknown>) => [...m.keys()].filter((k) => before.has(k) && after.has(k)).join(',');
    if (order(before) !== order(after)) out.push(`${path}: order ${[...before.keys()].join(', ')} → ${[...after.keys()].join(', ')}`);
    return;
  }
  out.push(`${path}: ${text(a)} → ${text(b)}`);
}

export function diffConfig(before: unknown, after: unknown): string[] {
  const out: string[] = [];
  walk('', before as Json, after as Json, out);
  return out;
}

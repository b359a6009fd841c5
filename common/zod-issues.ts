/** zod's issues as lines a person reads: the field's path, then what is wrong with it. */
import type { z } from 'zod';

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(top level)';
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    if (i.code === 'unrecognized_keys') return `${formatPath(i.path)}: unknown field(s) ${i.keys.join(', ')}`;
    if (i.code === 'invalid_type' && i.message.includes('received undefined')) return `${formatPath(i.path)}: is required`;
    return `${formatPath(i.path)}: ${i.message}`;
  });
}

/** Request validation at the boundary: zod schemas in, typed values out, field-named 400s. */
import type { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import { describeIssues } from '../../config/load-config.js';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.infer<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const lines = describeIssues(r.error.issues);
  throw new DomainError('VALIDATION_FAILED', `Invalid ${what}: ${lines.join('; ')}`, lines);
}

/**
 * A configuration snapshot as head office keeps it per branch and the branch applies it: the
 * branch configuration file's content (services, counters, rules, hours, ticket layout, VIP
 * lists, …) and the staff list. Head office checks it with these schemas when it is published;
 * the branch checks it again on arrival (it may run another version of the product, and only it
 * knows its devices), and refuses it whole if anything is wrong.
 */
import { z } from 'zod';
import { configFileSchema } from './schema.js';

export const STAFF_ROLES = ['teller', 'lobby', 'supervisor', 'admin'] as const;

export const snapshotStaffSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, - or _'),
    name: z.string().min(1).max(100),
    roles: z.array(z.enum(STAFF_ROLES)).min(1, 'needs at least one role'),
    counters: z.array(z.string()).default([]),
    active: z.boolean().default(true),
    /** scrypt hash as server/pin-hash.ts writes it; without it a known person keeps their PIN. */
    pinHash: z
      .string()
      .regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'must be an scrypt PIN hash')
      .optional(),
  })
  .strict();

export const configSnapshotSchema = z
  .object({
    config: configFileSchema,
    staff: z.array(snapshotStaffSchema).max(2000).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const counters = new Set(s.config.counters.map((c) => c.id));
    const seen = new Set<string>();
    s.staff?.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: ['staff', i, 'id'], message: `staff id "${p.id}" is used twice` });
      seen.add(p.id);
      p.counters.forEach((c, j) => {
        if (!counters.has(c)) ctx.addIssue({ code: 'custom', path: ['staff', i, 'counters', j], message: `unknown counter "${c}"` });
      });
    });
  });

export type ConfigSnapshot = z.infer<typeof configSnapshotSchema>;
export type SnapshotStaff = z.infer<typeof snapshotStaffSchema>;

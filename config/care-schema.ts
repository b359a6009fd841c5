/**
 * The `care` section of the branch file (docs/customer-care.md): complaint categories with their
 * deadlines (the bank's rule 一(五): record, own and follow up every complaint), the follow-up
 * rules (一(六): 回访 after loans and wealth products), and how long customer files are kept.
 * Every field has a default, so a branch file without the section gets the standard ones.
 */
import { z } from 'zod';

const localized = z.object({
  zh: z.string().min(1, 'needs the Chinese text'),
  en: z.string().min(1, 'needs the English text'),
});

const code = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be lower-case letters, digits or _');

export const DEFAULT_COMPLAINT_CATEGORIES = [
  { code: 'attitude', name: { zh: '服务态度', en: 'Staff attitude' }, deadlineDays: 3, aboutStaff: true },
  { code: 'error', name: { zh: '业务差错', en: 'A mistake in a transaction' }, deadlineDays: 2, aboutStaff: true },
  { code: 'wait', name: { zh: '等候时间', en: 'Waiting time' }, deadlineDays: 5, aboutStaff: false },
  { code: 'fees', name: { zh: '收费与产品', en: 'Fees and products' }, deadlineDays: 10, aboutStaff: false },
  { code: 'facilities', name: { zh: '环境设施', en: 'Lobby and facilities' }, deadlineDays: 7, aboutStaff: false },
  { code: 'suggestion', name: { zh: '意见建议', en: 'Suggestion' }, deadlineDays: 10, aboutStaff: false },
  { code: 'other', name: { zh: '其他', en: 'Other' }, deadlineDays: 5, aboutStaff: false },
];

const DEFAULTS = {
  complaintCategories: DEFAULT_COMPLAINT_CATEGORIES,
  followUps: { rules: [{ services: ['C', 'D'], afterDays: 7 }], maxAttempts: 3 },
  retentionDays: 730,
};

export const careSettingsSchema = z
  .object({
    /** Complaint and opinion categories; the deadline sets a complaint's due date; `aboutStaff` links the serving teller. */
    complaintCategories: z
      .array(z.object({ code, name: localized, deadlineDays: z.number().min(0.04).max(90), aboutStaff: z.boolean().default(false) }).strict())
      .min(1, 'needs at least one category')
      .default(DEFAULT_COMPLAINT_CATEGORIES),
    followUps: z
      .object({
        /** After which services a consenting customer gets a follow-up call, and how many days later. */
        rules: z.array(z.object({ services: z.array(z.string().min(1)).min(1), afterDays: z.number().int().min(0).max(365) }).strict()).default([]),
        /** Unanswered calls after which a follow-up ends as unreachable. */
        maxAttempts: z.number().int().min(1).max(10).default(3),
      })
      .strict()
      .default(DEFAULTS.followUps),
    /** Customer files, visits and notes untouched this long are purged by the daily job; so is a complaint's contact. */
    retentionDays: z.number().int().min(1).max(3650).default(730),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.complaintCategories.forEach((k, i) => {
      if (seen.has(k.code)) ctx.addIssue({ code: 'custom', path: ['complaintCategories', i, 'code'], message: `category "${k.code}" is listed twice` });
      seen.add(k.code);
    });
  })
  .default(DEFAULTS);

export type CareSettings = z.infer<typeof careSettingsSchema>;

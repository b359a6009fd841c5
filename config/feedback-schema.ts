/**
 * The `feedback` section of the branch file: how the counter's evaluator asks for a rating after
 * each service (3 or 5 levels, zh/en labels, how long it asks), which reasons a low rating
 * offers, how long a phone may still rate, and where customers send opinions and complaints
 * (the bank's rule 一(五): tell customers the feedback channels). Every field has a default.
 */
import { z } from 'zod';

const localized = z.object({
  zh: z.string().min(1, 'needs the Chinese text'),
  en: z.string().min(1, 'needs the English text'),
});

export const DEFAULT_RATING_REASONS = [
  { code: 'long_wait', name: { zh: '等候时间长', en: 'Long wait' } },
  { code: 'attitude', name: { zh: '服务态度', en: 'Staff attitude' } },
  { code: 'slow', name: { zh: '办理效率低', en: 'Slow service' } },
  { code: 'unclear', name: { zh: '解释不清楚', en: 'Unclear explanation' } },
  { code: 'error', name: { zh: '办理有差错', en: 'A mistake was made' } },
  { code: 'system', name: { zh: '系统故障', en: 'System problems' } },
  { code: 'environment', name: { zh: '环境设施', en: 'Lobby and facilities' } },
  { code: 'other', name: { zh: '其他', en: 'Other' } },
];

/** Labels of the levels, worst first, as the pages and the lab show them. */
export const DEFAULT_LEVEL_LABELS: Record<3 | 5, { zh: string; en: string }[]> = {
  3: [
    { zh: '不满意', en: 'Dissatisfied' },
    { zh: '一般', en: 'Neutral' },
    { zh: '满意', en: 'Satisfied' },
  ],
  5: [
    { zh: '非常不满意', en: 'Very dissatisfied' },
    { zh: '不满意', en: 'Dissatisfied' },
    { zh: '一般', en: 'Neutral' },
    { zh: '满意', en: 'Satisfied' },
    { zh: '非常满意', en: 'Very satisfied' },
  ],
};

export const DEFAULT_OPINION_CHANNELS = {
  zh: '如有意见、建议或投诉，请告诉大堂经理或网点主管，也可拨打本行客服热线。',
  en: 'For opinions, suggestions or complaints, please speak to the lobby manager or the branch supervisor, or call the bank’s customer service hotline.',
};

const DEFAULTS = {
  levels: 5 as const,
  lowScoreAtMost: 2,
  askSeconds: 30,
  acceptMinutes: 24 * 60,
  reasons: DEFAULT_RATING_REASONS,
  opinionChannels: DEFAULT_OPINION_CHANNELS,
};

export const feedbackSettingsSchema = z
  .object({
    /** Levels the evaluators offer: 3 (不满意 / 一般 / 满意) or 5. Scores are kept on the 5-point scale. */
    levels: z.union([z.literal(3), z.literal(5)]).default(5),
    /** Level labels, worst first (as many as `levels`); left out, the standard ones. */
    labels: z.array(localized).optional(),
    /** A rating at or below this 5-point score is low: it offers the reasons and an apology. */
    lowScoreAtMost: z.number().int().min(1).max(4).default(2),
    /** How long the counter's evaluator asks after a service before it goes quiet again. */
    askSeconds: z.number().int().min(5).max(255).default(30),
    /** How long after the service a phone may still rate it (the ticket page). */
    acceptMinutes: z.number().int().min(1).max(7 * 24 * 60).default(24 * 60),
    /** Reasons a low rating offers, at most 16 (an evaluator pad's reason keys are these, in order). */
    reasons: z
      .array(z.object({ code: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be lower-case letters, digits or _'), name: localized }).strict())
      .max(16, 'at most 16 reasons (the evaluator pad has 16 reason keys)')
      .default(DEFAULT_RATING_REASONS),
    /** Where customers send opinions and complaints: shown after every rating and on the ticket page. */
    opinionChannels: localized.default(DEFAULT_OPINION_CHANNELS),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.labels && f.labels.length !== f.levels) {
      ctx.addIssue({ code: 'custom', path: ['labels'], message: `needs ${f.levels} labels, one per level (worst first); has ${f.labels.length}` });
    }
    const seen = new Set<string>();
    f.reasons.forEach((r, i) => {
      if (seen.has(r.code)) ctx.addIssue({ code: 'custom', path: ['reasons', i, 'code'], message: `reason "${r.code}" is listed twice` });
      seen.add(r.code);
    });
  })
  .default(DEFAULTS);

export type FeedbackSettings = z.infer<typeof feedbackSettingsSchema>;

/** The level labels in force: the file's, or the standard ones for the number of levels. */
export function levelLabels(f: FeedbackSettings): { zh: string; en: string }[] {
  return f.labels ?? DEFAULT_LEVEL_LABELS[f.levels];
}

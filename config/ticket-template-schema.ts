/**
 * The `ticket` section of the branch file: how the printed ticket looks. Every field is
 * optional; what is left out keeps the printer driver's default (a bilingual 58 mm ticket).
 */
import { z } from 'zod';

const align = z.enum(['left', 'center', 'right']);
const style = {
  align: align.optional(),
  bold: z.boolean().optional(),
  width: z.number().int().min(1).max(8).optional(),
  height: z.number().int().min(1).max(8).optional(),
};

const block = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('branch'), ...style }).strict(),
  z.object({ kind: z.literal('number'), label: z.string().max(40).optional(), ...style }).strict(),
  z.object({ kind: z.literal('service'), lines: z.enum(['zh', 'en', 'both']).optional(), ...style }).strict(),
  z.object({ kind: z.literal('ahead'), ...style }).strict(),
  z.object({ kind: z.literal('wait'), ...style }).strict(),
  z.object({ kind: z.literal('issuedAt'), ...style }).strict(),
  z.object({ kind: z.literal('notice'), ...style }).strict(),
  z.object({ kind: z.literal('footer'), ...style }).strict(),
  z.object({ kind: z.literal('text'), text: z.string().min(1).max(400), ...style }).strict(),
  z.object({ kind: z.literal('qr'), size: z.number().int().min(1).max(16).optional(), errorLevel: z.enum(['L', 'M', 'Q', 'H']).optional(), caption: z.string().max(80).optional(), align: align.optional() }).strict(),
  z.object({ kind: z.literal('rule'), char: z.string().length(1).optional() }).strict(),
  z.object({ kind: z.literal('feed'), lines: z.number().int().min(0).max(10) }).strict(),
]);

export const ticketTemplateSchema = z
  .object({
    blocks: z.array(block).min(1).optional(),
    labels: z
      .object({
        aheadZh: z.string().max(60),
        aheadEn: z.string().max(60),
        waitZh: z.string().max(60),
        waitEn: z.string().max(60),
        waitUnknownZh: z.string().max(60),
        waitUnknownEn: z.string().max(60),
        issuedAt: z.string().max(60),
      })
      .partial()
      .strict()
      .optional(),
    // Characters per line at normal size: 32 on 58 mm paper, 48 on 80 mm.
    lineWidth: z.number().int().min(24).max(64).optional(),
    footer: z.string().max(400).optional(),
    bilingual: z.enum(['both', 'zh', 'en']).optional(),
    cut: z.enum(['full', 'partial']).optional(),
    feedBeforeCut: z.number().int().min(0).max(10).optional(),
  })
  .strict();

export type TicketTemplateConfig = z.infer<typeof ticketTemplateSchema>;

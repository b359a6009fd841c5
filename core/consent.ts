/**
 * How a customer's consent was given and who recorded it (DESIGN §7: customer records and
 * follow-ups only with recorded consent). Shared by the customer file and a complaint's contact.
 */
import { z } from 'zod';

/** Said to staff, a signed form, on the kiosk, on the customer's own phone. */
export const consentMethodSchema = z.enum(['verbal', 'paper_form', 'kiosk', 'mobile', 'other']);
export type ConsentMethod = z.infer<typeof consentMethodSchema>;

/** When and how a consent was given; `by` is the staff member, absent when the customer gave it on their phone. */
export const consentGivenSchema = z.object({ at: z.number(), how: consentMethodSchema, by: z.string().optional() });
export type ConsentGiven = z.infer<typeof consentGivenSchema>;

/**
 * The customer file (客户档案, the bank's rule 一(六)): kept only with the customer's recorded
 * consent, keyed by the keyed hash of the card or ID read at the kiosk (identity/), never the
 * number. Three consents, each with when, how and who recorded it:
 *
 *   history    the branch keeps the file: visits, preferences, staff notes;
 *   followUp   staff may call after given services (回访);
 *   marketing  staff may offer product information.
 *
 * A do-not-contact flag overrides follow-up and marketing wherever they are used. Nothing is kept
 * without a reason: withdrawing the history consent drops visits, notes and preferences; a file
 * left with no consent and no do-not-contact flag is deleted; the phone number is kept only while
 * follow-up or marketing needs it. Pure: the caller stores what comes back.
 */
import { z } from 'zod';
import { DomainError } from '../common/errors.js';
import { consentGivenSchema, type ConsentGiven } from './consent.js';
import { defined } from './defined.js';

export const CONSENT_KINDS = ['history', 'followUp', 'marketing'] as const;
export const consentKindSchema = z.enum(CONSENT_KINDS);
export type ConsentKind = z.infer<typeof consentKindSchema>;

export const consentStateSchema = consentGivenSchema.extend({ granted: z.boolean() });
export type ConsentState = z.infer<typeof consentStateSchema>;

export const CUSTOMER_NEEDS = ['large_print', 'hearing', 'vision', 'mobility', 'interpreter', 'quiet_room'] as const;

export const preferencesSchema = z
  .object({
    /** How staff address the customer (称呼), e.g. 王女士 / Ms Wang. */
    addressAs: z.string().min(1).max(40).optional(),
    language: z.enum(['zh', 'en']).optional(),
    needs: z.array(z.enum(CUSTOMER_NEEDS)).max(CUSTOMER_NEEDS.length).optional(),
    contactTime: z.enum(['morning', 'afternoon', 'evening', 'any']).optional(),
  })
  .strict();
export type Preferences = z.infer<typeof preferencesSchema>;

/** A phone number as staff type it: digits with an optional +, spaces and dashes. */
export const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 -]{5,22}[0-9]$/, 'must be a phone number (digits, optionally + - and spaces)');

export const customerFileSchema = z.object({
  id: z.string().min(1),
  identityKind: z.enum(['card', 'id']),
  /** '•••• 1111': enough for staff to confirm with the customer, useless to anyone else. */
  maskedTail: z.string(),
  createdAt: z.number(),
  /** The last visit or change: the retention period runs from here. */
  lastSeenAt: z.number(),
  consents: z.object({
    history: consentStateSchema.optional(),
    followUp: consentStateSchema.optional(),
    marketing: consentStateSchema.optional(),
  }),
  doNotContact: consentGivenSchema.extend({ set: z.boolean() }).optional(),
  contact: z.object({ phone: z.string(), at: z.number(), by: z.string().optional() }).optional(),
  preferences: preferencesSchema,
});
export type CustomerFile = z.infer<typeof customerFileSchema>;

/** The card or ID read a file is keyed by, as identity/ derives it (the hash is never shown). */
export interface CustomerIdentity {
  kind: 'card' | 'id';
  hash: string;
  maskedTail: string;
}

export const hasConsent = (f: CustomerFile | undefined, kind: ConsentKind): boolean => f?.consents[kind]?.granted === true;
export const isDoNotContact = (f: CustomerFile | undefined): boolean => f?.doNotContact?.set === true;

/** Whether a follow-up call may be planned for this customer now. */
export function mayFollowUp(f: CustomerFile | undefined): f is CustomerFile {
  return hasConsent(f, 'followUp') && !isDoNotContact(f) && f?.contact !== undefined;
}

/** Whether product information may be offered to this customer (一(六): only with consent, no over-marketing). */
export function mayMarket(f: CustomerFile | undefined): f is CustomerFile {
  return hasConsent(f, 'marketing') && !isDoNotContact(f) && f?.contact !== undefined;
}

export type ConsentChange = Partial<Record<ConsentKind, boolean>>;

export interface ConsentOutcome {
  /** The file as it is now; null when nothing may be kept any more (delete it and all it holds). */
  file: CustomerFile | null;
  created: boolean;
  /** The consents whose state changed, with their new state. */
  changed: { kind: ConsentKind; granted: boolean }[];
  /** Visits, notes and preferences must go (history consent withdrawn). */
  dropHistory: boolean;
}

function keepsAnything(f: CustomerFile): boolean {
  return CONSENT_KINDS.some((k) => hasConsent(f, k)) || isDoNotContact(f);
}

/** The consent's record without an absent recorder (the customer's own phone). */
const record = (g: ConsentGiven): ConsentGiven => ({ at: g.at, how: g.how, ...defined({ by: g.by }) });

/** Drops what no consent covers any more: the phone without follow-up or marketing, preferences without history. */
function tidy(f: CustomerFile): CustomerFile {
  const needsContact = hasConsent(f, 'followUp') || hasConsent(f, 'marketing');
  const { contact, ...rest } = f;
  return { ...rest, ...(needsContact && contact ? { contact } : {}), preferences: hasConsent(f, 'history') ? f.preferences : {} };
}

/**
 * Records consents given or withdrawn. Granting follow-up or marketing needs a phone number (on
 * file or given now). A file is created only when something is granted.
 */
export function applyConsent(
  file: CustomerFile | undefined,
  change: ConsentChange,
  given: ConsentGiven,
  ctx: { newId: () => string; identity?: CustomerIdentity; phone?: string },
): ConsentOutcome {
  const now = given.at;
  let base: CustomerFile;
  let created = false;
  if (file) base = file;
  else {
    if (!ctx.identity) throw new DomainError('NO_CARD_READ', 'This customer has no card read on this visit; a customer file needs the card or ID swiped at the kiosk.');
    if (!Object.values(change).some((v) => v === true)) throw new DomainError('NO_CONSENT', 'Nothing is kept without a consent: choose at least one the customer agrees to.');
    base = { id: ctx.newId(), identityKind: ctx.identity.kind, maskedTail: ctx.identity.maskedTail, createdAt: now, lastSeenAt: now, consents: {}, preferences: {} };
    created = true;
  }
  const changed: ConsentOutcome['changed'] = [];
  const consents = { ...base.consents };
  for (const kind of CONSENT_KINDS) {
    const want = change[kind];
    if (want === undefined || hasConsent(base, kind) === want) continue;
    consents[kind] = { granted: want, ...record(given) };
    changed.push({ kind, granted: want });
  }
  const contact = ctx.phone !== undefined ? { phone: ctx.phone, at: now, ...defined({ by: given.by }) } : base.contact;
  const next: CustomerFile = { ...base, consents, lastSeenAt: now, ...(contact ? { contact } : {}) };
  if ((hasConsent(next, 'followUp') || hasConsent(next, 'marketing')) && !next.contact) {
    throw new DomainError('CONTACT_REQUIRED', 'Follow-up calls and product information need the customer’s phone number; enter it with the consent.');
  }
  const dropHistory = hasConsent(base, 'history') && !hasConsent(next, 'history');
  return { file: keepsAnything(next) ? tidy(next) : null, created, changed, dropHistory };
}

/**
 * Sets or clears the do-not-contact flag. Setting it needs no consent (it is the customer's
 * instruction, and keeping it is how it is honoured), so it may create a file that holds only it.
 */
export function applyDoNotContact(
  file: CustomerFile | undefined,
  set: boolean,
  given: ConsentGiven,
  ctx: { newId: () => string; identity?: CustomerIdentity },
): { file: CustomerFile | null; created: boolean; changed: boolean } {
  if (!file) {
    if (!set) throw new DomainError('NO_CUSTOMER_FILE', 'This customer has no file; there is no do-not-contact flag to clear.');
    if (!ctx.identity) throw new DomainError('NO_CARD_READ', 'This customer has no card read on this visit; the flag needs the card or ID swiped at the kiosk.');
    const f: CustomerFile = {
      id: ctx.newId(),
      identityKind: ctx.identity.kind,
      maskedTail: ctx.identity.maskedTail,
      createdAt: given.at,
      lastSeenAt: given.at,
      consents: {},
      doNotContact: { set: true, ...record(given) },
      preferences: {},
    };
    return { file: f, created: true, changed: true };
  }
  if (isDoNotContact(file) === set) return { file, created: false, changed: false };
  const next: CustomerFile = { ...file, doNotContact: { set, ...record(given) }, lastSeenAt: given.at };
  return { file: keepsAnything(next) ? next : null, created: false, changed: true };
}

/** Preferences are part of the history the customer agreed to keep. */
export function applyPreferences(file: CustomerFile, prefs: Preferences, now: number): CustomerFile {
  if (!hasConsent(file, 'history')) throw new DomainError('CONSENT_REQUIRED', 'Preferences are kept only with the customer’s consent to keep their file (history).');
  return { ...file, preferences: prefs, lastSeenAt: now };
}

/** A new phone number, only while follow-up or marketing needs one. */
export function applyPhone(file: CustomerFile, phone: string, given: { at: number; by?: string }): CustomerFile {
  if (!hasConsent(file, 'followUp') && !hasConsent(file, 'marketing')) {
    throw new DomainError('CONSENT_REQUIRED', 'A phone number is kept only with the customer’s consent to follow-up calls or product information.');
  }
  return { ...file, contact: { phone, at: given.at, ...defined({ by: given.by }) }, lastSeenAt: given.at };
}

/** Staff notes need the history consent: no note about a customer who did not agree to a file. */
export function requireHistoryConsent(file: CustomerFile | undefined, what: string): asserts file is CustomerFile {
  if (!hasConsent(file, 'history')) {
    throw new DomainError('CONSENT_REQUIRED', `${what} only with the customer’s consent to keep their file (history); ask them first.`);
  }
}

/**
 * Customer files and follow-up calls in the service (客户档案 and 回访, the bank's rule 一(六)).
 * A ticket taken with a card read is linked to the read's keyed hash; when a service completes,
 * a customer who agreed to keep a file gets the visit, and one who agreed to follow-up calls
 * (with a phone, not do-not-contact) gets a follow-up task when a rule covers the service.
 * Consents, notes, export and erasure go through here; the daily retention job purges what has
 * passed its period. core/ decides; every change is written with its event through record().
 */
import { createHash, randomUUID } from 'node:crypto';
import { DomainError } from '../../common/errors.js';
import type { CareSettings } from '../../config/care-schema.js';
import type { StaffActor } from '../../core/complaints.js';
import type { ConsentMethod } from '../../core/consent.js';
import {
  applyConsent,
  applyDoNotContact,
  applyPreferences,
  hasConsent,
  isDoNotContact,
  mayMarket,
  requireHistoryConsent,
  type ConsentChange,
  type CustomerFile,
  type CustomerIdentity,
  type Preferences,
} from '../../core/customer-file.js';
import { draft, type BranchEvent, type EventDraft } from '../../core/events.js';
import { assignFollowUp, cancelFollowUp, planFollowUp, recordAttempt, type FollowUp, type FollowUpOutcome } from '../../core/followups.js';
import type { CustomerNote, CustomerStore } from '../../db/customer-store.js';
import type { BranchService } from '../branch-service.js';
import type { Logger } from '../logger.js';
import type { ComplaintDesk } from './complaint-desk.js';

const DAY_MS = 86_400_000;
/** Visits the teller's panel lists (the count covers all of them). */
const RECENT_VISITS = 10;

/** The customer file's key: a one-way function of the card's keyed identity hash. */
const fileKeyOf = (identityHash: string): string => createHash('sha256').update(`customer-file\0${identityHash}`).digest('hex');
/** A ticket's card read is needed while the visit lasts; two days covers a visit across midnight. */
const TICKET_IDENTITY_DAYS = 2;

export interface RetentionResult {
  files: number;
  visits: number;
  notes: number;
  followUps: number;
  complaintContacts: number;
}

export class CustomerDesk {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly service: BranchService,
    private readonly store: CustomerStore,
    private readonly complaints: ComplaintDesk,
    private readonly settings: () => CareSettings,
    private readonly log: Logger,
  ) {}

  /** Listens for completed services (visits and follow-ups). */
  start(): void {
    this.unsubscribe = this.service.hub.subscribe((e) => this.onEvent(e));
  }

  stop(): void {
    this.unsubscribe?.();
  }

  private onEvent(e: BranchEvent): void {
    if (e.type !== 'ticket.completed') return;
    try {
      this.completed(e.data.ticket.id);
    } catch (err) {
      this.log.error({ err, ticketId: e.data.ticket.id }, 'could not record the visit or follow-up of a completed service');
    }
  }

  /**
   * The kiosk took a ticket with a card read: keep the link (never the number). The file's key is
   * derived from the identity hash one way, so the hash that segment lookup matches (VIP lists)
   * is never stored: the database alone cannot be matched against them.
   */
  ticketIdentified(ticketId: string, who: CustomerIdentity): void {
    this.store.saveTicketIdentity(ticketId, { ...who, hash: fileKeyOf(who.hash) }, this.service.clock());
  }

  /** The file of the customer who took this ticket with a card read, if any. */
  fileOfTicket(ticketId: string): CustomerFile | undefined {
    const who = this.store.ticketIdentity(ticketId);
    return who ? this.store.fileByHash(who.hash) : undefined;
  }

  private completed(ticketId: string): void {
    const who = this.store.ticketIdentity(ticketId);
    if (!who) return;
    const file = this.store.fileByHash(who.hash);
    const t = this.service.ticketRecord(ticketId);
    if (!file || !t) return;
    const now = this.service.clock();
    const followUp = planFollowUp(
      { id: t.id, visitId: t.visitId, serviceCode: t.serviceCode, ...(t.staffId ? { staffId: t.staffId } : {}), ...(t.endedAt !== undefined ? { endedAt: t.endedAt } : {}) },
      file,
      this.settings().followUps.rules,
      { id: randomUUID(), now },
    );
    const keepsVisit = hasConsent(file, 'history');
    if (!followUp && !keepsVisit) return;
    const drafts: EventDraft[] = followUp
      ? [draft('followup.created', now, { followUp: { id: followUp.id, customerId: file.id, ticketId: t.id, serviceCode: t.serviceCode, ...(followUp.ownerId ? { ownerId: followUp.ownerId } : {}), dueAt: followUp.dueAt } })]
      : [];
    this.service.record(drafts, () => {
      if (keepsVisit) this.store.addVisit(file.id, t.id, now);
      this.store.saveFile({ ...file, lastSeenAt: now }, who.hash);
      if (followUp) this.store.saveFollowUp(followUp);
    });
  }

  private identityOf(ticketId: string): CustomerIdentity {
    if (!this.service.ticketRecord(ticketId)) throw new DomainError('UNKNOWN_TICKET', `There is no ticket ${ticketId}.`);
    const who = this.store.ticketIdentity(ticketId);
    if (!who) throw new DomainError('NO_CARD_READ', 'This ticket was taken without a card or ID read; a customer file needs the card swiped at the kiosk.');
    return who;
  }

  requireFile(id: string): CustomerFile {
    const f = this.store.file(id);
    if (!f) throw new DomainError('NO_CUSTOMER_FILE', `There is no customer file ${id}.`);
    return f;
  }

  /** Records consents given or withdrawn by the customer of this ticket. */
  consent(ticketId: string, change: ConsentChange, how: ConsentMethod, by: string, phone?: string): CustomerFile | null {
    const who = this.identityOf(ticketId);
    const now = this.service.clock();
    const before = this.store.fileByHash(who.hash);
    const out = applyConsent(before, change, { at: now, how, by }, { newId: randomUUID, identity: who, ...(phone !== undefined ? { phone } : {}) });
    if (out.file === null) return this.erase(before!.id, by, 'no_consent') && null;
    const file = out.file;
    const drafts: EventDraft[] = [];
    if (out.created) drafts.push(draft('customer.file_created', now, { customerId: file.id, by }));
    for (const c of out.changed) drafts.push(draft('customer.consent_recorded', now, { customerId: file.id, consent: c.kind, granted: c.granted, how, by }));
    const cancelled = hasConsent(file, 'followUp') ? [] : this.openFollowUps(file.id).map((f) => cancelFollowUp(f, 'consent_withdrawn', now));
    for (const f of cancelled) drafts.push(draft('followup.cancelled', now, { followUpId: f.id, reason: 'consent_withdrawn', by }));
    this.service.record(drafts, () => {
      this.store.saveFile(file, who.hash);
      if (out.dropHistory) this.store.dropHistory(file.id);
      cancelled.forEach((f) => this.store.saveFollowUp(f));
      // The visit on which the customer agreed is the first one the file keeps.
      if (out.changed.some((c) => c.kind === 'history' && c.granted)) this.store.addVisit(file.id, ticketId, now);
    });
    return file;
  }

  /** Sets or clears do-not-contact for the customer of this ticket; open follow-ups are cancelled. */
  doNotContact(ticketId: string, set: boolean, how: ConsentMethod, by: string): CustomerFile | null {
    const who = this.identityOf(ticketId);
    const now = this.service.clock();
    const before = this.store.fileByHash(who.hash);
    const out = applyDoNotContact(before, set, { at: now, how, by }, { newId: randomUUID, identity: who });
    if (out.file === null) return this.erase(before!.id, by, 'no_consent') && null;
    const file = out.file;
    if (!out.changed) return file;
    const cancelled = set ? this.openFollowUps(file.id).map((f) => cancelFollowUp(f, 'do_not_contact', now)) : [];
    const drafts: EventDraft[] = [
      ...(out.created ? [draft('customer.file_created', now, { customerId: file.id, by })] : []),
      draft('customer.do_not_contact', now, { customerId: file.id, set, how, by }),
      ...cancelled.map((f) => draft('followup.cancelled', now, { followUpId: f.id, reason: 'do_not_contact', by })),
    ];
    this.service.record(drafts, () => {
      this.store.saveFile(file, who.hash);
      cancelled.forEach((f) => this.store.saveFollowUp(f));
    });
    return file;
  }

  setPreferences(customerId: string, prefs: Preferences, by: string): CustomerFile {
    const f = this.requireFile(customerId);
    const next = applyPreferences(f, prefs, this.service.clock());
    this.service.record([draft('customer.updated', next.lastSeenAt, { customerId, fields: ['preferences'], by })], () => this.store.updateFile(next));
    return next;
  }

  addNote(customerId: string, text: string, by: string): CustomerNote {
    const f = this.store.file(customerId);
    requireHistoryConsent(f, 'Staff notes are kept');
    const now = this.service.clock();
    const note: CustomerNote = { id: randomUUID(), customerId, at: now, by, text };
    this.service.record([draft('customer.note_added', now, { customerId, noteId: note.id, by })], () => this.store.addNote(note));
    return note;
  }

  removeNote(customerId: string, noteId: string, by: string): void {
    const n = this.store.notes(customerId).find((x) => x.id === noteId);
    if (!n) throw new DomainError('UNKNOWN_NOTE', `Customer ${customerId} has no note ${noteId}.`);
    this.service.record([draft('customer.note_removed', this.service.clock(), { customerId, noteId, by })], () => void this.store.removeNote(noteId));
  }

  /** What the teller sees when this ticket is called: only with the history consent. */
  tellerView(ticketId: string) {
    const f = this.fileOfTicket(ticketId);
    if (!f || !hasConsent(f, 'history')) return null;
    const visits = this.store.visits(f.id);
    return {
      customerId: f.id,
      maskedTail: f.maskedTail,
      preferences: f.preferences,
      notes: this.store.notes(f.id).slice(0, 20),
      visits: visits.length,
      recentVisits: visits.slice(0, RECENT_VISITS).map((v) => {
        const t = this.service.ticketRecord(v.ticketId);
        return { at: v.at, ...(t ? { number: t.number, serviceCode: t.serviceCode } : {}) };
      }),
      mayMarket: mayMarket(f),
      doNotContact: f.doNotContact?.set === true,
    };
  }

  /**
   * The customer panel of the counter: whether the ticket was taken with a card read (without
   * one there is no file to keep), the file's consents and do-not-contact flag when there is a
   * file, and what the history consent allows the teller to see.
   */
  counterView(ticketId: string): { identified: boolean; file: CustomerFile | undefined; history: ReturnType<CustomerDesk['tellerView']> } {
    const identified = this.store.ticketIdentity(ticketId) !== undefined;
    return { identified, file: identified ? this.fileOfTicket(ticketId) : undefined, history: identified ? this.tellerView(ticketId) : null };
  }

  /** Everything kept about one customer, on their request (the export is itself recorded). */
  export(customerId: string, by: string) {
    const f = this.requireFile(customerId);
    const data = {
      file: f,
      visits: this.store.visits(customerId).map((v) => ({ ...v, number: this.service.ticketRecord(v.ticketId)?.number })),
      notes: this.store.notes(customerId),
      followUps: this.store.followUps({ customerId }),
      complaints: this.complaints.ofCustomer(customerId),
    };
    this.service.record([draft('customer.exported', this.service.clock(), { customerId, by })]);
    return data;
  }

  /** Erases one customer's file and what it holds; their complaints keep the facts but lose their words and contact. */
  erase(customerId: string, by: string | undefined, reason: 'request' | 'no_consent'): true {
    this.requireFile(customerId);
    const redaction = this.complaints.redactDrafts(customerId, by);
    const now = this.service.clock();
    const removed = this.store.counts(customerId);
    const erased = draft('customer.erased', now, { customerId, ...(by ? { by } : {}), reason, removed: { ...removed, complaints: redaction.count } });
    this.service.record([...redaction.drafts, erased], () => {
      redaction.save();
      this.store.deleteFile(customerId);
    });
    return true;
  }

  // ------------------------------------------------------------------ follow-ups

  private openFollowUps(customerId: string): FollowUp[] {
    return this.store.followUps({ customerId, status: 'open' });
  }

  /** A member of staff's list: their own open follow-ups; supervisors and the lobby manager all open ones. */
  followUps(actor: StaffActor): (FollowUp & { ticketNumber: string | undefined; phone?: string; maskedTail?: string; doNotContact: boolean; addressAs?: string; contactTime?: string })[] {
    const all = actor.roles.some((r) => r === 'lobby' || r === 'supervisor' || r === 'admin');
    return this.store.followUps({ status: 'open', ...(all ? {} : { ownerId: actor.staffId }) }).map((f) => {
      const file = this.store.file(f.customerId);
      // Do-not-contact cancels open tasks; should one still be open, its number is not handed out.
      const dnc = isDoNotContact(file);
      const prefs = file && hasConsent(file, 'history') ? file.preferences : {};
      return {
        ...f,
        ticketNumber: this.service.ticketRecord(f.ticketId)?.number,
        doNotContact: dnc,
        ...(file?.contact && !dnc ? { phone: file.contact.phone } : {}),
        ...(file ? { maskedTail: file.maskedTail } : {}),
        ...(prefs.addressAs ? { addressAs: prefs.addressAs } : {}),
        ...(prefs.contactTime ? { contactTime: prefs.contactTime } : {}),
      };
    });
  }

  private requireFollowUp(id: string): FollowUp {
    const f = this.store.followUp(id);
    if (!f) throw new DomainError('UNKNOWN_FOLLOWUP', `There is no follow-up ${id}.`);
    return f;
  }

  attempt(id: string, outcome: FollowUpOutcome, note: string | undefined, actor: StaffActor): FollowUp {
    const f = this.requireFollowUp(id);
    const now = this.service.clock();
    const next = recordAttempt(f, { outcome, ...(note ? { note } : {}) }, actor, now, this.settings().followUps.maxAttempts);
    const done = next.status === 'done';
    this.service.record([draft('followup.attempted', now, { followUpId: id, outcome, by: actor.staffId, done, ...(next.result ? { result: next.result } : {}) })], () => this.store.saveFollowUp(next));
    return next;
  }

  assign(id: string, ownerId: string, actor: StaffActor): FollowUp {
    const next = assignFollowUp(this.requireFollowUp(id), ownerId, actor);
    this.service.record([draft('followup.assigned', this.service.clock(), { followUpId: id, ownerId, by: actor.staffId })], () => this.store.saveFollowUp(next));
    return next;
  }

  // ------------------------------------------------------------------ retention

  /**
   * The daily job: files not seen for the retention period are erased; visits and notes older
   * than it are dropped; complaints recorded before it lose their contact; tickets' card reads
   * go after two days. Answers how much went (also the `customer.retention_purged` event).
   */
  purgeExpired(): RetentionResult {
    const now = this.service.clock();
    const before = now - this.settings().retentionDays * DAY_MS;
    // Counted before the deletion (all of it synchronous, so nothing changes in between).
    const contacts = this.complaints.contactPurge(before);
    const result: RetentionResult = { ...this.store.retentionCounts(before), complaintContacts: contacts.count };
    const drafts = Object.values(result).some((n) => n > 0) ? [draft('customer.retention_purged', now, result)] : [];
    this.service.record(drafts, () => {
      for (const f of this.store.filesSeenBefore(before)) this.store.deleteFile(f.id);
      this.store.purgeVisits(before);
      this.store.purgeNotes(before);
      contacts.save();
      this.store.purgeTicketIdentities(now - TICKET_IDENTITY_DAYS * DAY_MS);
    });
    return result;
  }
}

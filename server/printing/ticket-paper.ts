/**
 * What goes on a queue ticket: the service's view of a ticket turned into the printer driver's
 * neutral TicketPrintData. The driver knows nothing of tickets; this module knows nothing of bytes.
 */
import type { TicketPrintData } from '../../drivers/printer/index.js';
import type { QueueConfig } from '../../core/types.js';

export interface TicketFacts {
  id: string;
  number: string;
  serviceCode: string;
  ahead: number;
  estimate: { minMinutes: number; maxMinutes: number } | null;
  /** ISO time. */
  issuedAt: string;
}

/** "2024-05-01 09:12" in the branch's time zone: the customer reads the lobby clock, not UTC. */
export function formatLocalTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** The mobile ticket page behind the QR code. */
export function ticketUrl(baseUrl: string, ticketId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/t/${encodeURIComponent(ticketId)}`;
}

export function ticketPrintData(t: TicketFacts, config: QueueConfig, baseUrl: string, extra: { notice?: string } = {}): TicketPrintData {
  const service = config.services.find((s) => s.code === t.serviceCode);
  return {
    branchName: config.branch.name.zh === config.branch.name.en ? config.branch.name.zh : `${config.branch.name.zh} ${config.branch.name.en}`,
    number: t.number,
    serviceName: service?.name ?? { zh: t.serviceCode, en: t.serviceCode },
    ahead: t.ahead,
    waitRange: t.estimate ? { min: t.estimate.minMinutes, max: t.estimate.maxMinutes } : null,
    issuedAt: formatLocalTime(t.issuedAt, config.branch.timeZone),
    qrUrl: ticketUrl(baseUrl, t.id),
    ...(extra.notice ? { notice: extra.notice } : {}),
  };
}

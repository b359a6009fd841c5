/**
 * The queue ticket as paper: neutral input data (the driver knows nothing of the queue domain;
 * the branch service fills this in) plus a template that says which blocks appear, in which
 * order and size. Defaults suit a Chinese bank: bilingual, the number large, a QR to follow the
 * queue on a phone.
 */
import { TICKET_FOOTER } from '../../common/customer-text.js';
import { EscPosBuilder, type Align, type QrErrorLevel } from './escpos.js';

export interface TicketPrintData {
  branchName: string;
  /** The ticket number as shown, e.g. "A023". */
  number: string;
  serviceName: { zh: string; en: string };
  /** People ahead in the queue. */
  ahead: number;
  /** Estimated wait in minutes; null when there is no estimate yet (e.g. a new service). */
  waitRange: { min: number; max: number } | null;
  /** Already formatted by the caller (timezone and format are branch settings). */
  issuedAt: string;
  qrUrl: string;
  /** Replaces the template footer for this ticket. */
  footer?: string;
  /** A one-off notice, e.g. "今日 16:30 停止取号 / Ticketing ends 16:30 today". */
  notice?: string;
}

export interface BlockStyle {
  align?: Align;
  bold?: boolean;
  width?: number;
  height?: number;
}

/** One block of the ticket. Text blocks take a style; labels use {placeholders}. */
export type TicketBlock =
  | ({ kind: 'branch' } & BlockStyle)
  | ({ kind: 'number'; label?: string } & BlockStyle)
  | ({ kind: 'service'; lines?: 'zh' | 'en' | 'both' } & BlockStyle)
  | ({ kind: 'ahead' } & BlockStyle)
  | ({ kind: 'wait' } & BlockStyle)
  | ({ kind: 'issuedAt' } & BlockStyle)
  | ({ kind: 'notice' } & BlockStyle)
  | ({ kind: 'footer' } & BlockStyle)
  | ({ kind: 'text'; text: string } & BlockStyle)
  | { kind: 'qr'; size?: number; errorLevel?: QrErrorLevel; caption?: string; align?: Align }
  | { kind: 'rule'; char?: string }
  | { kind: 'feed'; lines: number };

export interface TicketLabels {
  /** {n} = people ahead. */
  aheadZh: string;
  aheadEn: string;
  /** {min}, {max} in minutes. */
  waitZh: string;
  waitEn: string;
  /** Shown instead when there is no estimate. */
  waitUnknownZh: string;
  waitUnknownEn: string;
  /** {time} = issuedAt. */
  issuedAt: string;
}

export interface TicketTemplate {
  blocks: TicketBlock[];
  labels: TicketLabels;
  /** Characters per line at normal size: 32 on 58 mm paper, 48 on 80 mm. */
  lineWidth: number;
  footer: string;
  /** Bilingual lines as one line "zh / en" when they fit, else two lines. */
  bilingual: 'both' | 'zh' | 'en';
  cut: 'full' | 'partial';
  /** Blank lines before the cut so the last line clears the cutter. */
  feedBeforeCut: number;
}

export const DEFAULT_TICKET_TEMPLATE: TicketTemplate = {
  blocks: [
    { kind: 'branch', align: 'center', bold: true },
    { kind: 'rule' },
    { kind: 'number', align: 'center', bold: true, width: 4, height: 4 },
    { kind: 'service', align: 'center', bold: true, width: 1, height: 2 },
    { kind: 'feed', lines: 1 },
    { kind: 'ahead', align: 'center' },
    { kind: 'wait', align: 'center' },
    { kind: 'notice', align: 'center', bold: true },
    { kind: 'qr', size: 6, errorLevel: 'M', caption: '扫码查看排队进度 / Scan to follow the queue', align: 'center' },
    { kind: 'issuedAt', align: 'center' },
    { kind: 'rule' },
    { kind: 'footer', align: 'center' },
  ],
  labels: {
    aheadZh: '前面还有 {n} 人',
    aheadEn: '{n} people ahead',
    waitZh: '预计等候 {min}–{max} 分钟',
    waitEn: 'Est. wait {min}–{max} min',
    waitUnknownZh: '请留意叫号',
    waitUnknownEn: 'Please listen for your number',
    issuedAt: '取号时间 Issued: {time}',
  },
  lineWidth: 32,
  // The same words about a missed number as the lobby screen and the phone page.
  footer: TICKET_FOOTER,
  bilingual: 'both',
  cut: 'partial',
  feedBeforeCut: 3,
};

function fill(label: string, values: Record<string, string | number>): string {
  return label.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

/** Display width: CJK and full-width forms take two columns on the paper. */
export function columns(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    w += cp >= 0x1100 && (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6)) ? 2 : 1;
  }
  return w;
}

/** What a branch may change: any field, and any single label. */
export type TicketTemplateOverrides = Partial<Omit<TicketTemplate, 'labels'>> & { labels?: Partial<TicketLabels> };

export function mergeTemplate(overrides: TicketTemplateOverrides = {}): TicketTemplate {
  return {
    ...DEFAULT_TICKET_TEMPLATE,
    ...overrides,
    labels: { ...DEFAULT_TICKET_TEMPLATE.labels, ...(overrides.labels ?? {}) },
  };
}

/** Renders a ticket to ESC/POS bytes (ESC @ … cut), ready for Printer.print(). */
export function renderTicket(data: TicketPrintData, template: TicketTemplateOverrides = {}): Uint8Array {
  const t = mergeTemplate(template);
  const b = new EscPosBuilder().init();

  const textLines = (text: string, style: BlockStyle) => {
    for (const raw of text.split('\n')) b.line(raw, { ...style, align: style.align ?? 'left' });
  };
  /** zh and en as one line when both fit, else stacked; or only one language per template. */
  const bilingual = (zh: string, en: string, style: BlockStyle) => {
    if (t.bilingual === 'zh') return textLines(zh, style);
    if (t.bilingual === 'en') return textLines(en, style);
    const joined = `${zh} / ${en}`;
    if (columns(joined) * Math.max(1, style.width ?? 1) <= t.lineWidth) textLines(joined, style);
    else textLines(`${zh}\n${en}`, style);
  };

  for (const block of t.blocks) {
    switch (block.kind) {
      case 'branch':
        textLines(data.branchName, block);
        break;
      case 'number':
        if (block.label) textLines(block.label, { align: block.align });
        textLines(data.number, block);
        break;
      case 'service':
        if ((block.lines ?? t.bilingual) === 'zh') textLines(data.serviceName.zh, block);
        else if ((block.lines ?? t.bilingual) === 'en') textLines(data.serviceName.en, block);
        else textLines(`${data.serviceName.zh}\n${data.serviceName.en}`, block);
        break;
      case 'ahead':
        bilingual(fill(t.labels.aheadZh, { n: data.ahead }), fill(t.labels.aheadEn, { n: data.ahead }), block);
        break;
      case 'wait':
        if (data.waitRange) {
          const v = { min: data.waitRange.min, max: data.waitRange.max };
          bilingual(fill(t.labels.waitZh, v), fill(t.labels.waitEn, v), block);
        } else bilingual(t.labels.waitUnknownZh, t.labels.waitUnknownEn, block);
        break;
      case 'issuedAt':
        textLines(fill(t.labels.issuedAt, { time: data.issuedAt }), block);
        break;
      case 'notice':
        if (data.notice) textLines(data.notice, block);
        break;
      case 'footer': {
        const footer = data.footer ?? t.footer;
        if (footer) textLines(footer, block);
        break;
      }
      case 'text':
        textLines(block.text, block);
        break;
      case 'qr':
        if (!data.qrUrl) break;
        b.style({ align: block.align ?? 'center' });
        b.qr(data.qrUrl, { size: block.size ?? 6, errorLevel: block.errorLevel ?? 'M' });
        b.raw([0x0a]);
        if (block.caption) textLines(block.caption, { align: block.align ?? 'center' });
        break;
      case 'rule':
        b.line((block.char ?? '-').repeat(t.lineWidth), { align: 'left' });
        break;
      case 'feed':
        b.style({}).feed(block.lines);
        break;
    }
  }
  b.style({}).feed(t.feedBeforeCut).cut({ partial: t.cut === 'partial' });
  return b.bytes();
}

/**
 * Why a ticket was called, in words a teller reads at a glance, in Chinese and English. The
 * engine keeps the reason as data (tier, rule, tickets passed over) for audit; this says it.
 */
import type { Bilingual as ReasonText } from '../../common/customer-text.js';
import type { CallReason } from '../../core/types.js';

// Keyed by every rule the engine can give, so a new rule without words fails to compile.
const RULES: Record<CallReason['rule'], ReasonText> = {
  priority: { zh: '优先客户（贵宾、爱心通道或预约）先办理', en: 'A priority customer (VIP, priority help or appointment) goes first' },
  aged: { zh: '等候已超过目标时间，提前办理', en: 'Has waited longer than the target time, so goes first' },
  fairness: { zh: '已连续叫了多位优先客户，轮到普通客户', en: 'Several priority customers in a row: a regular customer’s turn' },
  fifo: { zh: '按取号先后顺序', en: 'Next in line' },
  reserve: {
    zh: '辅助业务的客户等候已超过补位时限，先于未超时的主办业务客户',
    en: 'A secondary-line customer past the reserve threshold goes before primary customers still within target',
  },
};

export function callReasonText(r: Pick<CallReason, 'tier' | 'rule' | 'passedOver' | 'covering'>): ReasonText {
  const rule = RULES[r.rule];
  const tier: ReasonText | undefined = r.covering
    ? { zh: '本窗口的辅助业务，因无主办窗口开放而按主办业务办理', en: 'a secondary service served as primary: no counter with it as primary is open' }
    : r.tier === 'secondary' && r.rule !== 'reserve'
      ? { zh: '本窗口的辅助业务', en: 'a secondary service of this counter' }
      : undefined;
  const passed: ReasonText | undefined =
    r.passedOver > 0 ? { zh: `越过 ${r.passedOver} 位更早取号的客户`, en: `${r.passedOver} earlier ticket${r.passedOver === 1 ? '' : 's'} passed over` } : undefined;
  const extra = [tier, passed].filter((x): x is ReasonText => x !== undefined);
  return {
    zh: [rule.zh, ...extra.map((x) => x.zh)].join('；'),
    en: [rule.en, ...extra.map((x) => x.en)].join('; '),
  };
}

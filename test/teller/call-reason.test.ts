/** The call reason in the teller's words: every rule the engine gives has its own sentence. */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { callReasonSchema } from '../../core/types.js';
import { callReasonText } from '../../renderer/teller/call-reason.js';

describe('call reason text', () => {
  it('says each rule in its own words, in both languages', () => {
    const rules = callReasonSchema.shape.rule.options;
    const texts = rules.map((rule) => callReasonText({ tier: 'primary', rule, passedOver: 0 }));
    assert.equal(new Set(texts.map((t) => t.en)).size, rules.length, 'two rules read the same');
    assert.equal(new Set(texts.map((t) => t.zh)).size, rules.length, 'two rules read the same in Chinese');
    assert.match(callReasonText({ tier: 'secondary', rule: 'reserve', passedOver: 2 }).en, /reserve threshold.*; 2 earlier tickets passed over$/);
  });

  it('tells a secondary line from one covered for a closed primary counter', () => {
    assert.equal(callReasonText({ tier: 'secondary', rule: 'fifo', passedOver: 0 }).en, 'Next in line; a secondary service of this counter');
    const covering = callReasonText({ tier: 'secondary', rule: 'fifo', passedOver: 0, covering: true });
    assert.equal(covering.en, 'Next in line; a secondary service served as primary: no counter with it as primary is open');
    assert.equal(covering.zh, '按取号先后顺序；本窗口的辅助业务，因无主办窗口开放而按主办业务办理');
    assert.equal(callReasonText({ tier: 'primary', rule: 'fifo', passedOver: 1 }).en, 'Next in line; 1 earlier ticket passed over');
  });
});

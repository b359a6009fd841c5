/**
 * Lab panel for card readers: swipe a regular or a VIP test bank card (through the same identity
 * path a HID reader feeds), and place or remove a test ID card on the simulated ID reader. The
 * test numbers are made up (Luhn-valid, in the demo's BIN ranges); the page sees only their ids.
 */
import { z } from 'zod';
import { DomainError } from '../../common/errors.js';
import { withLuhnDigit } from '../../drivers/cardreader/track-data.js';
import { sampleIdCard } from '../../drivers/sim/fake-id-reader.js';
import { parseInput } from '../http/validate.js';
import type { LabContext, LabPanelServer } from './lab-panel.js';

export const TEST_CARDS = {
  regular: { pan: '4111111111111111', label: { zh: '普通借记卡', en: 'Regular debit card' } },
  vip: { pan: withLuhnDigit('622588000000001'), label: { zh: '贵宾卡 (演示 BIN 622588)', en: 'VIP card (demo BIN 622588)' } },
} as const;

const swipeBody = z.object({ card: z.enum(['regular', 'vip']) }).strict();
const idBody = z.object({ present: z.boolean() }).strict();

function cards(ctx: LabContext) {
  if (!ctx.cards?.labSwipe) throw new DomainError('NO_SIM_CARD_READER', 'Card reader simulation is off (not demo mode).');
  return ctx.cards;
}

export const cardLab: LabPanelServer = {
  id: 'cards',
  title: { zh: '刷卡 / 身份证', en: 'Cards and ID' },
  available: (ctx) => ctx.cards?.labSwipe !== undefined,
  register(app, ctx, prefix) {
    app.get(prefix, async () => {
      const c = cards(ctx);
      const idReader = c.readers.find((r) => r.sim);
      return {
        cards: Object.entries(TEST_CARDS).map(([id, t]) => ({ id, label: t.label, tail: t.pan.slice(-4) })),
        idReader: idReader ? { id: idReader.device.id, status: idReader.device.status(), cardPresent: idReader.sim!.fake.hasCard } : null,
      };
    });
    app.post(`${prefix}/swipe`, async (req) => {
      const c = cards(ctx);
      const { card } = parseInput(swipeBody, req.body);
      c.labSwipe!.swipe(TEST_CARDS[card].pan);
      return { swiped: card };
    });
    app.post(`${prefix}/id-card`, async (req) => {
      const c = cards(ctx);
      const { present } = parseInput(idBody, req.body);
      const reader = c.readers.find((r) => r.sim);
      if (!reader) throw new DomainError('NO_SIM_ID_READER', 'No simulated ID reader is configured.');
      if (present) reader.sim!.fake.putCard(sampleIdCard());
      else reader.sim!.fake.removeCard();
      return { present: reader.sim!.fake.hasCard };
    });
  },
};

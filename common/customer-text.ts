/**
 * Words a customer reads or hears in more than one place, kept once so that the printed ticket,
 * the lobby screen and the phone page never tell a customer two different things.
 */
export interface Bilingual {
  zh: string;
  en: string;
}

/** What to do about a missed number: the same instruction on every channel. */
export const MISSED_NUMBER: Bilingual = {
  zh: '过号请到大堂服务台，工作人员可为您重新排队',
  en: 'Missed your number? Go to the lobby desk: staff can put you back in the queue',
};

/** The printed ticket's footer. */
export const TICKET_FOOTER = `请保管好您的号票。${MISSED_NUMBER.zh}\nKeep this ticket. ${MISSED_NUMBER.en}`;

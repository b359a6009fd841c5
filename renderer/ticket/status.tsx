import { MISSED_NUMBER } from '../../common/customer-text.js';

/**
 * What a ticket's holder is told on their phone: their place and wait range, "you are next",
 * "go to counter N", or how the ticket ended. Shared by the branch's page and head office's
 * public ticket page; nothing personal is shown.
 */
export interface Localized {
  zh: string;
  en: string;
}

export interface TicketView {
  id: string;
  number: string;
  serviceCode: string;
  status: 'waiting' | 'called' | 'serving' | 'done' | 'no_show' | 'cancelled' | 'transferred';
  counterId?: string;
  serviceName?: Localized;
  ahead: number;
  estimate: { minMinutes: number; maxMinutes: number } | null;
  transferredTo?: { id: string; number: string };
  /** false: no counter that serves it is open now, so no wait is quoted. */
  servedNow?: boolean;
}

export interface CounterInfo {
  id: string;
  name: Localized;
}

export function Status({ t, counters }: { t: TicketView; counters: CounterInfo[] }) {
  const counter = counters.find((c) => c.id === t.counterId);
  const counterName = counter ? `${counter.name.zh} / ${counter.name.en}` : `${t.counterId ?? ''}`;
  switch (t.status) {
    case 'waiting':
      if (t.ahead === 0) {
        return (
          <p class="next" data-testid="state">
            下一位就是您，请留意叫号
            <br />
            <span lang="en">You are next, please listen for your number</span>
          </p>
        );
      }
      return (
        <div data-testid="state">
          <p class="ahead">
            前面还有 <strong data-testid="ahead">{t.ahead}</strong> 人 <span lang="en">· {t.ahead} ahead of you</span>
          </p>
          {t.servedNow === false && (
            <p class="wait" data-testid="no-counter">
              目前还没有窗口办理此业务，窗口开放后将按顺序叫号 <span lang="en">· No counter serves this yet; you will be called in turn once one opens</span>
            </p>
          )}
          {t.estimate && (
            <p class="wait" data-testid="range">
              预计等候 {t.estimate.minMinutes}–{t.estimate.maxMinutes} 分钟 <span lang="en">· about {t.estimate.minMinutes}–{t.estimate.maxMinutes} min</span>
            </p>
          )}
        </div>
      );
    case 'called':
    case 'serving':
      return (
        <p class="called" data-testid="state">
          请到 {counter ? counter.name.zh : `${t.counterId ?? ''} 号窗口`} 办理
          <br />
          <span lang="en">Please go to {counter ? counter.name.en : `counter ${t.counterId ?? ''}`}</span>
          <span class="visually-hidden">{counterName}</span>
        </p>
      );
    case 'transferred':
      return (
        <p data-testid="state">
          已转至 {t.transferredTo?.number ?? ''} <span lang="en">· Moved to {t.transferredTo?.number ?? ''}</span>
        </p>
      );
    case 'done':
      return <p data-testid="state">业务已办理完毕，感谢光临 · Thank you for your visit</p>;
    case 'no_show':
      return (
        <p data-testid="state">
          您的号码已过号。{MISSED_NUMBER.zh}
          <br />
          <span lang="en">Your number was called but missed. {MISSED_NUMBER.en}</span>
        </p>
      );
    case 'cancelled':
      return <p data-testid="state">号票已取消 · This ticket was cancelled</p>;
  }
}

/** The ticket as its holder sees it: number, service, and the status above. */
export function TicketCard({ t, counters }: { t: TicketView; counters: CounterInfo[] }) {
  return (
    <section aria-live="polite">
      <p class="number" data-testid="number">
        {t.number}
      </p>
      {t.serviceName && (
        <p class="service">
          {t.serviceName.zh} · {t.serviceName.en}
        </p>
      )}
      <Status t={t} counters={counters} />
    </section>
  );
}

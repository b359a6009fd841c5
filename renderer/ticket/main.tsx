/**
 * The mobile ticket page behind the QR code (/t/:id): live position, wait range, "you are next",
 * "please go to counter N". Shows the number and the service only: no personal data. Follows the
 * stream when the phone can reach the branch LAN, and polls GET /api/tickets/:id either way.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../shared/api.js';
import { openStream } from '../shared/stream.js';
import '../shared/base.css';
import './ticket.css';

interface Localized {
  zh: string;
  en: string;
}

interface TicketView {
  id: string;
  number: string;
  serviceCode: string;
  status: 'waiting' | 'called' | 'serving' | 'done' | 'no_show' | 'cancelled' | 'transferred';
  counterId?: string;
  serviceName?: Localized;
  ahead: number;
  estimate: { minMinutes: number; maxMinutes: number } | null;
  transferredTo?: { id: string; number: string };
}

interface CounterInfo {
  id: string;
  name: Localized;
}

const POLL_MS = 10_000;
const id = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');

function Status({ t, counters }: { t: TicketView; counters: CounterInfo[] }) {
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
      return <p data-testid="state">已过号，请联系大堂经理 · Your number was missed; please ask the lobby staff</p>;
    case 'cancelled':
      return <p data-testid="state">号票已取消 · This ticket was cancelled</p>;
  }
}

function TicketPage() {
  const [ticket, setTicket] = useState<TicketView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [counters, setCounters] = useState<CounterInfo[]>([]);

  useEffect(() => {
    let alive = true;
    const load = () =>
      api<TicketView>('GET', `/api/tickets/${encodeURIComponent(id)}`).then(
        (t) => {
          if (!alive) return;
          // A transferred ticket continues as the new one.
          if (t.status === 'transferred' && t.transferredTo) history.replaceState(null, '', `/t/${t.transferredTo.id}`);
          setTicket(t);
          setError(null);
        },
        (e: unknown) =>
          alive &&
          setError(
            e instanceof ApiError && e.status === 404
              ? '没有这张号票 · No such ticket'
              : e instanceof ApiError && e.status === 410
                ? '这张号票已过期，号票仅当天有效 · This ticket was for an earlier day; a ticket works on its own day only'
                : '暂时无法连接 · Cannot reach the branch right now',
          ),
      );
    void load();
    api<{ counters: CounterInfo[] }>('GET', '/api/config').then((c) => alive && setCounters(c.counters), () => undefined);
    const poll = setInterval(load, POLL_MS);
    // Any queue event may move this ticket up; reload on each (cheap, and no personal data flows).
    const stream = openStream({ onEvent: (e) => e.stream === 'queue' && void load() });
    return () => {
      alive = false;
      clearInterval(poll);
      stream.close();
    };
  }, []);

  return (
    <main class="ticket">
      <h1 class="visually-hidden">排队进度 · Queue position</h1>
      {error && <p role="alert">{error}</p>}
      {ticket && (
        <section aria-live="polite">
          <p class="number" data-testid="number">
            {ticket.number}
          </p>
          {ticket.serviceName && (
            <p class="service">
              {ticket.serviceName.zh} · {ticket.serviceName.en}
            </p>
          )}
          <Status t={ticket} counters={counters} />
        </section>
      )}
    </main>
  );
}

render(<TicketPage />, document.getElementById('app')!);

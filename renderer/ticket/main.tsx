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
import { TicketCard, type CounterInfo, type TicketView } from './status.js';

const POLL_MS = 10_000;
const id = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');

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
      {ticket && <TicketCard t={ticket} counters={counters} />}
    </main>
  );
}

render(<TicketPage />, document.getElementById('app')!);

/**
 * Head office's public ticket page (/t/:id on head office): customers' phones are not on the
 * branch LAN, so the branch pushes its open tickets' positions here and the QR code on an
 * enrolled branch's tickets points here. Polls GET /api/tickets/:id; after the ticket's business
 * day head office answers 410 and the page says the day is over.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../shared/api.js';
import '../shared/base.css';
import '../ticket/ticket.css';
import { TicketCard, type Localized, type TicketView } from '../ticket/status.js';

const POLL_MS = 10_000;
const id = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');

type HqTicket = TicketView & { counterName?: Localized };

function HqTicketPage() {
  const [ticket, setTicket] = useState<HqTicket | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    const load = () =>
      api<HqTicket>('GET', `/api/tickets/${encodeURIComponent(id)}`).then(
        (t) => {
          if (!alive) return;
          if (t.status === 'transferred' && t.transferredTo) history.replaceState(null, '', `/t/${t.transferredTo.id}`);
          setTicket(t);
          setError(null);
        },
        (e: unknown) => {
          if (!alive) return;
          if (e instanceof ApiError && e.status === 410) {
            setTicket(null);
            setError('今日营业已结束，号票已失效 · The business day is over; this ticket is no longer valid');
            clearInterval(timer);
            return;
          }
          setError(e instanceof ApiError && e.status === 404 ? '没有这张号票 · No such ticket' : '暂时无法连接 · Cannot reach the bank right now');
        },
      );
    const timer = setInterval(load, POLL_MS);
    void load();
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);

  const counters = ticket?.counterId && ticket.counterName ? [{ id: ticket.counterId, name: ticket.counterName }] : [];
  return (
    <main class="ticket">
      <h1 class="visually-hidden">排队进度 · Queue position</h1>
      {error && <p role="alert">{error}</p>}
      {ticket && <TicketCard t={ticket} counters={counters} />}
    </main>
  );
}

render(<HqTicketPage />, document.getElementById('app')!);

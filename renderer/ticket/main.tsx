/**
 * The mobile ticket page behind the QR code (/t/:id): live position, wait range, "you are next",
 * "please go to counter N". Shows the number and the service only: no personal data. Follows the
 * stream when the phone can reach the branch LAN, and polls GET /api/tickets/:id either way. A
 * transferred ticket is followed to its new number, which the page names plainly.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../shared/api.js';
import { openStream } from '../shared/stream.js';
import { useFaultNotices } from '../shared/faults.js';
import '../shared/base.css';
import './ticket.css';
import './rating.css';
import { FaultNoticeView } from './fault-notice.js';
import { RateVisit } from './rate-visit.js';
import { TicketCard, type CounterInfo, type TicketView } from './status.js';

const POLL_MS = 10_000;
// A transfer gives the customer a new ticket: the page follows it, however many times it moves.
const MAX_HOPS = 10;
const firstId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');

function TicketPage() {
  const [ticket, setTicket] = useState<TicketView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [counters, setCounters] = useState<CounterInfo[]>([]);
  // Faults are reloaded when a counter changes (paused, resumed), not on every queue event.
  const [counterChanged, setCounterChanged] = useState(0);
  const faults = useFaultNotices(counterChanged);
  const [moved, setMoved] = useState<{ from: string; to: string } | null>(null);

  useEffect(() => {
    let alive = true;
    let id = firstId;
    let originalNumber: string | undefined;
    const load = async (): Promise<void> => {
      try {
        for (let hop = 0; ; hop++) {
          const t = await api<TicketView>('GET', `/api/tickets/${encodeURIComponent(id)}`);
          if (!alive) return;
          originalNumber ??= t.number;
          // A transferred ticket continues as the new one: follow it, and keep following it.
          if (t.status === 'transferred' && t.transferredTo && hop < MAX_HOPS) {
            id = t.transferredTo.id;
            history.replaceState(null, '', `/t/${encodeURIComponent(id)}`);
            continue;
          }
          if (t.number !== originalNumber) setMoved({ from: originalNumber, to: t.number });
          setTicket(t);
          setError(null);
          return;
        }
      } catch (e) {
        if (!alive) return;
        setError(
          e instanceof ApiError && e.status === 404
            ? '没有这张号票 · No such ticket'
            : e instanceof ApiError && e.status === 410
              ? '这张号票已过期，号票仅当天有效 · This ticket was for an earlier day; a ticket works on its own day only'
              : '暂时无法连接 · Cannot reach the branch right now',
        );
      }
    };
    void load();
    api<{ counters: CounterInfo[] }>('GET', '/api/config').then((c) => alive && setCounters(c.counters), () => undefined);
    const poll = setInterval(load, POLL_MS);
    // Any queue event may move this ticket up; reload on each (cheap, and no personal data flows).
    const stream = openStream({
      onEvent: (e) => {
        if (e.stream === 'queue') void load();
        if (e.type.startsWith('counter.')) setCounterChanged((n) => n + 1);
      },
    });
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
      {moved && (
        <p class="moved" role="status" data-testid="moved">
          您的号码已改为 <strong>{moved.to}</strong>（原号码 {moved.from}），请留意新号码的叫号
          <br />
          <span lang="en">
            Your number is now <strong>{moved.to}</strong> (it was {moved.from}); listen for the new number
          </span>
        </p>
      )}
      {ticket && <TicketCard t={ticket} counters={counters} notice={<FaultNoticeView t={ticket} faults={faults} />} done={<RateVisit ticketId={ticket.id} />} />}
    </main>
  );
}

render(<TicketPage />, document.getElementById('app')!);

/**
 * Counters as the lobby manager and supervisor see them: who works where, who is at each
 * counter. A supervisor can end what a teller left behind (the customer at the counter, an open
 * counter at the end of the day) without a terminal.
 */
import { useEffect, useState } from 'preact/hooks';
import { act, api } from '../shared/api.js';
import { errorLine } from '../shared/error-text.js';
import { both, has, type L, type Me } from './shared.js';

interface CounterRow {
  id: string;
  name: L;
  state: string;
  staffId?: string;
  staffName?: string;
  pauseReasonName?: L;
  currentTicket: { number: string; status: string } | null;
  servedToday: number;
}

const STATE: Record<string, L> = {
  serving: { zh: '有客户', en: 'With a customer' },
  idle: { zh: '空闲', en: 'Free' },
  paused: { zh: '暂停', en: 'Paused' },
  closed: { zh: '未开', en: 'Closed' },
};

export function CountersSection({ me, tick }: { me: Me; tick: number }) {
  const [rows, setRows] = useState<CounterRow[] | null>(null);
  const [note, setNote] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [again, setAgain] = useState(0);
  useEffect(() => {
    api<{ counters: CounterRow[] }>('GET', '/api/dashboard').then(
      (d) => setRows(d.counters),
      (err) => setNote({ kind: 'error', text: errorLine(err) }),
    );
  }, [tick, again]);
  const supervisor = has(me, 'supervisor', 'admin');
  const run = async (c: CounterRow, action: string, what: L) => {
    try {
      await act('POST', `/api/counters/${encodeURIComponent(c.id)}/${action}`, { retries: 2 });
      setNote({ kind: 'ok', text: `${c.name.zh}: ${what.zh} · ${c.name.en}: ${what.en}` });
    } catch (err) {
      setNote({ kind: 'error', text: errorLine(err) });
    }
    setAgain((n) => n + 1);
  };
  return (
    <section aria-label="counters">
      {note && (
        <p class={`note ${note.kind}`} role={note.kind === 'error' ? 'alert' : 'status'}>
          {note.text}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>窗口 · Counter</th>
            <th>状态 · State</th>
            <th>柜员 · Teller</th>
            <th>当前客户 · Customer</th>
            <th>今日办结 · Served today</th>
            {supervisor && <th />}
          </tr>
        </thead>
        <tbody>
          {rows?.map((c) => (
            <tr key={c.id} data-counter={c.id}>
              <td>{both(c.name)}</td>
              <td>
                {both(STATE[c.state], c.state)}
                {c.pauseReasonName && ` (${both(c.pauseReasonName)})`}
              </td>
              <td>{c.staffId ? `${c.staffName ?? ''} (${c.staffId})` : '—'}</td>
              <td>{c.currentTicket?.number ?? '—'}</td>
              <td>{c.servedToday}</td>
              {supervisor && (
                <td class="actions">
                  {c.currentTicket?.status === 'serving' && (
                    <button type="button" onClick={() => void run(c, 'complete', { zh: '已办结', en: 'completed' })}>
                      办结 · Complete
                    </button>
                  )}
                  {c.currentTicket?.status === 'called' && (
                    <>
                      <button type="button" onClick={() => void run(c, 'no-show', { zh: '已过号', en: 'no-show' })}>
                        过号 · No-show
                      </button>
                      <button type="button" onClick={() => void run(c, 'put-back', { zh: '已放回队列', en: 'put back in line' })}>
                        放回队列 · Put back
                      </button>
                    </>
                  )}
                  {c.state !== 'closed' && !c.currentTicket && (
                    <button type="button" data-action="close-counter" onClick={() => void run(c, 'close', { zh: '已关闭', en: 'closed' })}>
                      关闭窗口 · Close counter
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

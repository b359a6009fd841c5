/**
 * Tickets in the back office: find a ticket by number and day (status, service, counter, teller,
 * times, why it was called, where it moved) and act on it: rejoin a no-show, cancel, reprint,
 * move to another service. Lobby staff also take a ticket here for a customer (any segment:
 * VIP, priority help, appointment).
 */
import { useEffect, useState } from 'preact/hooks';
import { act, api } from '../shared/api.js';
import { errorLine } from '../shared/error-text.js';
import { callReasonText } from '../teller/call-reason.js';
import type { CallReason } from '../../core/types.js';
import { both, has, localTime, STATUS, type BranchInfo, type L, type Me } from './shared.js';

interface Ref {
  id: string;
  number: string;
  serviceCode: string;
  status: string;
}

export interface StaffTicket {
  id: string;
  number: string;
  businessDay: string;
  serviceCode: string;
  serviceName?: L;
  segment: string;
  channel: string;
  status: string;
  counterId?: string;
  staffId?: string;
  staffName?: string;
  issuedAt: string;
  calledAt?: string;
  startedAt?: string;
  endedAt?: string;
  endReason?: string;
  ahead?: number;
  recalls: number;
  rejoins: number;
  callReason?: CallReason;
  transferredFrom?: Ref;
  transferredTo?: Ref;
}

type Note = { kind: 'ok' | 'error'; text: string } | null;

function TicketCard({
  t,
  info,
  me,
  onChanged,
  onFind,
}: {
  t: StaffTicket;
  info: BranchInfo;
  me: Me;
  /** After an action: the note to show, and the number to show next (a moved ticket's new one). */
  onChanged: (note: Note, show?: string) => void;
  onFind: (number: string) => void;
}) {
  const [moveTo, setMoveTo] = useState('');
  const tz = info.branch.timeZone;
  const segment = info.segments.find((s) => s.code === t.segment);
  const counter = info.counters.find((c) => c.id === t.counterId);
  const lobby = has(me, 'lobby', 'supervisor', 'admin');
  const run = async (what: L, method: string, path: string, body?: unknown) => {
    try {
      const r = await act<{ print?: { status: string; reason?: string }; ticket?: { number: string } }>(method, path, { body, retries: 2 });
      const printed = r?.print ? (r.print.status === 'printed' ? '，已打印 · printed' : `，未打印 · not printed: ${r.print.reason ?? r.print.status}`) : '';
      const next = r?.ticket && r.ticket.number !== t.number ? r.ticket.number : undefined;
      onChanged({ kind: 'ok', text: `${t.number}${next ? ` → ${next}` : ''}: ${what.zh}${printed} · ${what.en}` }, next);
    } catch (err) {
      onChanged({ kind: 'error', text: errorLine(err) });
    }
  };
  const id = encodeURIComponent(t.id);
  return (
    <article class="ticket-card" data-ticket={t.number} data-status={t.status}>
      <header>
        <span class="big-number">{t.number}</span>
        <span class={`status ${t.status}`} data-testid="ticket-status">
          {both(STATUS[t.status], t.status)}
        </span>
        <span>{both(t.serviceName, t.serviceCode)}</span>
        {segment && segment.code !== 'regular' && <span class="badge">{both(segment.name)}</span>}
      </header>
      <dl>
        <dt>取号 · Issued</dt>
        <dd>
          {localTime(t.issuedAt, tz, true)} ({t.channel})
        </dd>
        {t.ahead !== undefined && (
          <>
            <dt>前面 · Ahead</dt>
            <dd data-testid="ticket-ahead">{t.ahead}</dd>
          </>
        )}
        <dt>叫号 · Called</dt>
        <dd>
          {localTime(t.calledAt, tz)}
          {t.recalls > 0 && ` (重呼 ${t.recalls} 次 · recalled ${t.recalls}×)`}
        </dd>
        <dt>窗口 · Counter</dt>
        <dd>{counter ? both(counter.name) : (t.counterId ?? '—')}</dd>
        <dt>柜员 · Teller</dt>
        <dd data-testid="ticket-teller">{t.staffId ? `${t.staffName ?? ''} (${t.staffId})` : '—'}</dd>
        <dt>开始 · Started</dt>
        <dd>{localTime(t.startedAt, tz)}</dd>
        <dt>结束 · Ended</dt>
        <dd>
          {localTime(t.endedAt, tz)}
          {t.endReason && t.endReason !== t.status && ` (${t.endReason})`}
        </dd>
        {t.callReason && (
          <>
            <dt>叫号原因 · Why called</dt>
            <dd data-testid="ticket-reason">
              {callReasonText(t.callReason).zh}
              <br />
              {callReasonText(t.callReason).en}
            </dd>
          </>
        )}
        {t.rejoins > 0 && (
          <>
            <dt>重新排队 · Rejoined</dt>
            <dd>{t.rejoins}</dd>
          </>
        )}
        {t.transferredFrom && (
          <>
            <dt>转自 · Moved from</dt>
            <dd>
              <button type="button" class="link" onClick={() => onFind(t.transferredFrom!.number)}>
                {t.transferredFrom.number}
              </button>
            </dd>
          </>
        )}
        {t.transferredTo && (
          <>
            <dt>转至 · Moved to</dt>
            <dd>
              <button type="button" class="link" data-testid="moved-to" onClick={() => onFind(t.transferredTo!.number)}>
                {t.transferredTo.number} ({both(STATUS[t.transferredTo.status], t.transferredTo.status)})
              </button>
            </dd>
          </>
        )}
      </dl>
      <div class="actions">
        {t.status === 'no_show' && (
          <button type="button" data-action="rejoin" onClick={() => void run({ zh: '已重新排队（排在队尾）', en: 'back in the queue, at the end' }, 'POST', `/api/tickets/${id}/rejoin`)}>
            重新排队 · Rejoin the queue
          </button>
        )}
        {lobby && ['waiting', 'called', 'serving'].includes(t.status) && (
          <button type="button" data-action="reprint" onClick={() => void run({ zh: '补打', en: 'reprint' }, 'POST', `/api/tickets/${id}/print`)}>
            补打号票 · Reprint
          </button>
        )}
        {lobby && t.status === 'waiting' && (
          <>
            <button type="button" data-action="cancel" onClick={() => void run({ zh: '已取消', en: 'cancelled' }, 'POST', `/api/tickets/${id}/cancel`, { reason: 'cancelled_by_staff' })}>
              取消号票 · Cancel
            </button>
            <label>
              改办业务 · Move to{' '}
              <select value={moveTo} onChange={(e) => setMoveTo(e.currentTarget.value)} data-testid="move-to">
                <option value="">—</option>
                {info.services
                  .filter((s) => s.code !== t.serviceCode)
                  .map((s) => (
                    <option key={s.code} value={s.code}>
                      {s.code} {both(s.name)}
                    </option>
                  ))}
              </select>
            </label>
            <button type="button" data-action="move" disabled={!moveTo} onClick={() => void run({ zh: '已改为新业务（保留原等候时间）', en: 'moved, keeping its place in time' }, 'POST', `/api/tickets/${id}/move`, { serviceCode: moveTo })}>
              改办 · Move
            </button>
          </>
        )}
      </div>
    </article>
  );
}

function IssueTicket({ info, onIssued }: { info: BranchInfo; onIssued: (note: Note, number?: string) => void }) {
  const [service, setService] = useState(info.services[0]?.code ?? '');
  const [segment, setSegment] = useState('regular');
  const [print, setPrint] = useState(true);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await act<{ number: string; print?: { status: string; reason?: string } }>('POST', '/api/tickets', { body: { serviceCode: service, segment, channel: 'lobby', print }, retries: 3 });
      const printed = r.print ? (r.print.status === 'printed' ? '已打印 · printed' : `未打印 · not printed: ${r.print.reason ?? r.print.status}`) : '';
      onIssued({ kind: 'ok', text: `取号 ${r.number} · Ticket ${r.number} taken. ${printed}` }, r.number);
    } catch (err) {
      onIssued({ kind: 'error', text: errorLine(err) });
    }
  };
  return (
    <form class="row-form" onSubmit={submit} aria-label="issue a ticket">
      <h3>为客户取号 · Take a ticket for a customer</h3>
      <label>
        业务 · Service{' '}
        <select name="service" value={service} onChange={(e) => setService(e.currentTarget.value)}>
          {info.services.map((s) => (
            <option key={s.code} value={s.code}>
              {s.code} {both(s.name)}
            </option>
          ))}
        </select>
      </label>
      <label>
        客户类别 · Customer{' '}
        <select name="segment" value={segment} onChange={(e) => setSegment(e.currentTarget.value)}>
          {info.segments.map((s) => (
            <option key={s.code} value={s.code}>
              {both(s.name)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" checked={print} onChange={(e) => setPrint(e.currentTarget.checked)} /> 打印号票 · Print
      </label>
      <button type="submit">取号 · Take ticket</button>
    </form>
  );
}

export function TicketsSection({ info, me, day }: { info: BranchInfo; me: Me; day: string }) {
  const [number, setNumber] = useState('');
  const [date, setDate] = useState(day);
  const [found, setFound] = useState<StaffTicket[] | null>(null);
  const [note, setNote] = useState<Note>(null);

  const find = async (n = number, d = date) => {
    if (!n.trim()) return;
    try {
      setFound(await api<StaffTicket[]>('GET', `/api/tickets?number=${encodeURIComponent(n.trim())}&date=${encodeURIComponent(d)}`));
    } catch (err) {
      setFound(null);
      setNote({ kind: 'error', text: errorLine(err) });
    }
  };
  useEffect(() => setDate(day), [day]);

  const findNumber = (n: string) => {
    setNumber(n);
    void find(n, date);
  };

  return (
    <section aria-label="tickets">
      <form
        class="row-form"
        aria-label="find a ticket"
        onSubmit={(e) => {
          e.preventDefault();
          setNote(null);
          void find();
        }}
      >
        <h3>查找号票 · Find a ticket</h3>
        <label>
          号码 · Number <input name="number" value={number} onInput={(e) => setNumber(e.currentTarget.value)} placeholder="A001" required />
        </label>
        <label>
          日期 · Day <input name="date" type="date" value={date} onInput={(e) => setDate(e.currentTarget.value)} required />
        </label>
        <button type="submit">查找 · Find</button>
      </form>
      {note && (
        <p class={`note ${note.kind}`} role={note.kind === 'error' ? 'alert' : 'status'} data-testid="ticket-note">
          {note.text}
        </p>
      )}
      {found && found.length === 0 && (
        <p class="muted" data-testid="no-ticket">
          {date} 没有号码 {number.toUpperCase()} · No ticket {number.toUpperCase()} on {date}
        </p>
      )}
      {found?.map((t) => (
        <TicketCard
          key={t.id}
          t={t}
          info={info}
          me={me}
          onFind={findNumber}
          onChanged={(n, show) => {
            setNote(n);
            if (show) findNumber(show);
            else void find();
          }}
        />
      ))}
      {has(me, 'lobby', 'supervisor', 'admin') && (
        <IssueTicket
          info={info}
          onIssued={(n, issued) => {
            setNote(n);
            if (issued) findNumber(issued);
          }}
        />
      )}
    </section>
  );
}

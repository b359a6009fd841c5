/**
 * The follow-up list (/followups, 回访, the bank's rule 一(六)): the calls staff owe customers who
 * agreed to be called after a loan or a wealth product. Overdue first, then due, then upcoming;
 * each with the customer's masked card, how to address them and when they like to be called (if
 * they agreed to keep a file), the phone and what was served. Staff record each call (reached,
 * no answer, wrong number, declined); the lobby manager and supervisors see everyone's and may
 * reassign. A customer who asked not to be contacted is never offered for a call: the service
 * cancels their tasks, and the page shows no number and no call button for one still listed.
 */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import '../shared/base.css';
import '../dashboard/dashboard.css';
import './followups.css';
import { ApiError, api } from '../shared/api.js';
import { branchTime } from '../shared/branch-time.js';
import { errorLine } from '../shared/error-text.js';
import { Options } from '../shared/options.js';
import { SignedIn, type Me } from '../shared/signed-in.js';
import { ErrorNote, StaffHeader } from '../shared/staff-header.js';

type Timing = 'upcoming' | 'due' | 'overdue';
interface FollowUpView {
  id: string;
  ticketId: string;
  ticketNumber?: string;
  serviceCode: string;
  ownerId?: string;
  createdAt: string;
  dueAt: string;
  timing: Timing;
  phone?: string;
  maskedTail?: string;
  addressAs?: string;
  contactTime?: string;
  doNotContact: boolean;
  attempts: { at: string; by: string; outcome: string; note?: string }[];
}
interface Config {
  branch: { timeZone: string };
  services: { code: string; name: { zh: string; en: string } }[];
}

const TIMING: Record<Timing, string> = { overdue: '已逾期 · Overdue', due: '今日应回访 · Due', upcoming: '未到期 · Upcoming' };
const ORDER: Record<Timing, number> = { overdue: 0, due: 1, upcoming: 2 };
const OUTCOMES = [
  ['reached', '已联系上 · Reached'],
  ['no_answer', '无人接听 · No answer'],
  ['wrong_number', '号码错误 · Wrong number'],
  ['declined', '客户拒绝 · Declined'],
] as const;
const OUTCOME_TEXT: Record<string, string> = Object.fromEntries(OUTCOMES);
const TIMES: Record<string, string> = { morning: '上午 · mornings', afternoon: '下午 · afternoons', evening: '晚上 · evenings', any: '任何时间 · any time' };
const day = (iso: string, timeZone: string) => branchTime(iso, timeZone, { date: true });

function Task({ f, me, services, timeZone, onDone }: { f: FollowUpView; me: Me; services: Map<string, string>; timeZone: string; onDone: (text: string) => void }) {
  const [outcome, setOutcome] = useState('reached');
  const [note, setNote] = useState('');
  const [ownerId, setOwnerId] = useState('');
  const [error, setError] = useState('');
  const lead = me.roles.some((r) => r === 'lobby' || r === 'supervisor' || r === 'admin');
  const post = async (path: string, body: unknown, text: (r: { status: string; result?: string }) => string) => {
    setError('');
    try {
      onDone(text(await api<{ status: string; result?: string }>('POST', `/api/followups/${encodeURIComponent(f.id)}/${path}`, { body })));
    } catch (err) {
      setError(errorLine(err));
    }
  };
  const record = (e: Event) => {
    e.preventDefault();
    void post('attempt', { outcome, ...(note.trim() ? { note: note.trim() } : {}) }, (r) =>
      r.status === 'done' ? `${f.maskedTail ?? ''} 回访已完成 · Follow-up done: ${OUTCOME_TEXT[r.result ?? ''] ?? r.result}` : `${f.maskedTail ?? ''} 已记录，稍后再拨 · Recorded; call again later`,
    );
  };
  const assign = (e: Event) => {
    e.preventDefault();
    const to = ownerId.trim();
    void post('assign', { ownerId: to }, () => `已分配给 ${to} · Assigned to ${to}`);
  };
  const titleId = `fu-${f.id}`;
  return (
    <article class={`task ${f.timing}`} data-followup={f.id} data-timing={f.timing} aria-labelledby={titleId}>
      <h2 id={titleId}>
        <span class={`timing ${f.timing}`}>{TIMING[f.timing]}</span> {day(f.dueAt, timeZone)}
      </h2>
      <dl>
        <dt>客户 · Customer</dt>
        <dd>
          {f.addressAs ? `${f.addressAs} · ` : ''}
          {f.maskedTail ?? '—'}
        </dd>
        <dt>电话 · Phone</dt>
        <dd data-testid="phone">{f.doNotContact ? '—' : f.phone ? <a href={`tel:${f.phone.replace(/[^0-9+]/g, '')}`}>{f.phone}</a> : '—'}</dd>
        {f.contactTime && (
          <>
            <dt>方便时间 · Best time</dt>
            <dd>{TIMES[f.contactTime] ?? f.contactTime}</dd>
          </>
        )}
        <dt>业务 · Service</dt>
        <dd>
          {services.get(f.serviceCode) ?? f.serviceCode}
          {f.ticketNumber ? ` · ${f.ticketNumber}` : ''} · {day(f.createdAt, timeZone)}
        </dd>
        <dt>负责人 · Owner</dt>
        <dd>{f.ownerId ?? '未分配 · Unassigned'}</dd>
      </dl>
      {f.attempts.length > 0 && (
        <ol class="attempts">
          {f.attempts.map((a, i) => (
            <li key={i}>
              {day(a.at, timeZone)} {a.by}: {OUTCOME_TEXT[a.outcome] ?? a.outcome}
              {a.note ? ` — ${a.note}` : ''}
            </li>
          ))}
        </ol>
      )}
      {f.doNotContact ? (
        <p class="dnc">客户要求不再联系，请勿拨打 · The customer asked not to be contacted: do not call</p>
      ) : (
        <form class="call" aria-label={`record the call ${f.maskedTail ?? ''}`} onSubmit={record}>
          <label>
            结果 · Outcome
            <select name="outcome" value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)}>
              <Options list={OUTCOMES} />
            </select>
          </label>
          <label>
            备注（选填）· Note (optional)
            <input name="note" maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </label>
          <button type="submit" data-action="record">
            记录 · Record
          </button>
        </form>
      )}
      {lead && (
        <form class="assign" aria-label="reassign" onSubmit={assign}>
          <label>
            改派 · Reassign to
            <input name="ownerId" placeholder="工号 · Staff id" value={ownerId} onInput={(e) => setOwnerId(e.currentTarget.value)} />
          </label>
          <button type="submit">分配 · Assign</button>
        </form>
      )}
      <ErrorNote text={error} />
    </article>
  );
}

function FollowUps({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const [list, setList] = useState<FollowUpView[] | null>(null);
  const [services, setServices] = useState(new Map<string, string>());
  const [timeZone, setTimeZone] = useState<string | null>(null);
  const [show, setShow] = useState<'due' | 'all'>('due');
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const load = useCallback(async () => {
    try {
      setList(await api<FollowUpView[]>('GET', '/api/followups'));
      setError('');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) onSignOut();
      else setError(errorLine(e));
    }
  }, [onSignOut]);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    api<Config>('GET', '/api/config').then(
      (c) => {
        setServices(new Map(c.services.map((s) => [s.code, `${s.name.zh} · ${s.name.en}`])));
        setTimeZone(c.branch.timeZone);
      },
      (e: unknown) => setError(errorLine(e)),
    );
  }, []);
  const shown = (list ?? []).filter((f) => show === 'all' || f.timing !== 'upcoming').sort((a, b) => ORDER[a.timing] - ORDER[b.timing] || a.dueAt.localeCompare(b.dueAt));
  const count = (t: Timing) => (list ?? []).filter((f) => f.timing === t).length;
  return (
    <main class="dash followups" data-ready={list && timeZone ? '1' : undefined}>
      <StaffHeader title="客户回访 · Follow-up calls" me={me} onSignOut={onSignOut}>
        <a href="/teller">柜员叫号 · Teller console</a>
        <a href="/complaints">投诉与意见 · Complaints</a>
      </StaffHeader>
      <p class="summary" data-testid="summary">
        逾期 {count('overdue')} · 今日 {count('due')} · 未到期 {count('upcoming')} — Overdue {count('overdue')}, due {count('due')}, upcoming {count('upcoming')}
      </p>
      <label>
        显示 · Show{' '}
        <select name="show" value={show} onChange={(e) => setShow(e.currentTarget.value === 'all' ? 'all' : 'due')}>
          <option value="due">到期和逾期 · Due and overdue</option>
          <option value="all">全部未完成 · All open</option>
        </select>
      </label>
      {done && (
        <p class="done" role="status" data-testid="done">
          {done}
        </p>
      )}
      <ErrorNote text={error} />
      {list && shown.length === 0 && <p class="muted">没有需要回访的客户 · No follow-up calls to make</p>}
      <div class="tasks">
        {timeZone !== null &&
          shown.map((f) => (
          <Task
            key={f.id}
            f={f}
            me={me}
            services={services}
            timeZone={timeZone}
            onDone={(text) => {
              setDone(text);
              void load();
            }}
          />
        ))}
      </div>
    </main>
  );
}

render(<SignedIn title="客户回访 · Follow-up calls" note="柜员、大堂经理、主管 · Tellers, lobby managers and supervisors" page={(me, signOut) => <FollowUps me={me} onSignOut={signOut} />} />, document.getElementById('app')!);

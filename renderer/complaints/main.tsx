/**
 * The complaint book (/complaints, 投诉与意见登记, the bank's rule 一(五)): staff record a
 * complaint or opinion (with the customer's contact only if they agree), see the open ones with
 * their due dates (overdue first and marked), and move one to closure: assign (lobby manager,
 * supervisor), start, add a note, resolve saying whether and how the customer was told, close.
 * The lobby manager and supervisors see every complaint; a teller those they own or recorded.
 * The service decides who may do what; the page shows its answer when it refuses.
 */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import '../shared/base.css';
import '../dashboard/dashboard.css';
import './complaints.css';
import { ApiError, api } from '../shared/api.js';
import { Options } from '../shared/options.js';
import { SignedIn, type Me } from '../shared/signed-in.js';
import { ErrorNote, StaffHeader } from '../shared/staff-header.js';

interface Category {
  code: string;
  name: { zh: string; en: string };
  deadlineDays: number;
}
interface ComplaintView {
  id: string;
  ref: string;
  kind: 'complaint' | 'opinion';
  category: string;
  channel: string;
  description: string;
  status: 'open' | 'in_progress' | 'resolved' | 'closed';
  overdue: boolean;
  ticketNumber?: string;
  staffId?: string;
  ownerId?: string;
  recordedBy?: string;
  recordedAt: string;
  dueAt: string;
  contact?: { value: string; consent: { how: string; by?: string } };
  resolution?: { text: string; by: string; customerInformed: boolean; informedHow?: string };
  history: { at: string; by?: string; action: string; text?: string; ownerId?: string }[];
}

const STATUS: Record<ComplaintView['status'], string> = {
  open: '待处理 · Open',
  in_progress: '处理中 · In progress',
  resolved: '已解决 · Resolved',
  closed: '已关闭 · Closed',
};
const CHANNELS = [
  ['lobby', '大堂 · Lobby'],
  ['counter', '柜台 · Counter'],
  ['phone', '电话 · Phone'],
  ['written', '书面/意见簿 · Written'],
  ['mobile', '手机 · Mobile page'],
  ['other', '其他 · Other'],
] as const;
const INFORMED = [
  ['in_person', '当面 · In person'],
  ['phone', '电话 · Phone'],
  ['sms', '短信 · SMS'],
  ['letter', '书面 · Letter'],
  ['email', '邮件 · Email'],
] as const;
const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function useForm<T extends Record<string, string | boolean>>(initial: T) {
  const [v, setV] = useState(initial);
  const set = (k: keyof T) => (e: Event) => {
    const el = e.currentTarget as HTMLInputElement;
    setV((o) => ({ ...o, [k]: el.type === 'checkbox' ? el.checked : el.value }));
  };
  return { v, set, reset: () => setV(initial) };
}

function RecordForm({ categories, onDone }: { categories: Category[]; onDone: (c: ComplaintView) => void }) {
  const { v, set, reset } = useForm({ kind: 'complaint', category: categories[0]?.code ?? '', channel: 'lobby', description: '', ticketNumber: '', contact: '', consent: false });
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      if (v.contact.trim() && !v.consent) throw new Error('客户同意后才能记录联系方式 · Record a contact only with the customer’s consent');
      const body = {
        kind: v.kind,
        category: v.category || categories[0]?.code,
        channel: v.channel,
        description: v.description,
        ...(v.ticketNumber.trim() ? { ticketNumber: v.ticketNumber.trim().toUpperCase() } : {}),
        ...(v.contact.trim() ? { contact: { value: v.contact.trim(), consent: { how: 'verbal' } } } : {}),
      };
      onDone(await api<ComplaintView>('POST', '/api/complaints', { body }));
      reset();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="record" aria-label="record a complaint" onSubmit={(e) => void submit(e)}>
      <h2>登记 · Record</h2>
      <label>
        类型 · Kind
        <select name="kind" value={v.kind} onChange={set('kind')}>
          <option value="complaint">投诉 · Complaint</option>
          <option value="opinion">意见建议 · Opinion</option>
        </select>
      </label>
      <label>
        类别 · Category
        <select name="category" value={v.category} onChange={set('category')}>
          {categories.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name.zh} · {c.name.en} ({c.deadlineDays} d)
            </option>
          ))}
        </select>
      </label>
      <label>
        渠道 · Channel
        <select name="channel" value={v.channel} onChange={set('channel')}>
          <Options list={CHANNELS} />
        </select>
      </label>
      <label>
        号码（选填）· Ticket number (optional)
        <input name="ticketNumber" value={v.ticketNumber} onInput={set('ticketNumber')} placeholder="B012" />
      </label>
      <label class="wide">
        内容 · Description
        <textarea name="description" required maxLength={2000} value={v.description} onInput={set('description')} />
      </label>
      <label>
        联系方式（选填）· Contact (optional)
        <input name="contact" value={v.contact} onInput={set('contact')} />
      </label>
      <label class="check">
        <input type="checkbox" name="consent" checked={v.consent} onChange={set('consent')} />
        客户同意就此联系 · Customer agrees to be contacted about it
      </label>
      <ErrorNote text={error} />
      <button type="submit">登记 · Record</button>
    </form>
  );
}

function Detail({ c, me, onChanged }: { c: ComplaintView; me: Me; onChanged: (c: ComplaintView) => void }) {
  const { v, set, reset } = useForm({ ownerId: '', note: '', resolution: '', informed: true, informedHow: 'phone', reopen: '' });
  const [error, setError] = useState('');
  const act = async (action: string, body: unknown = {}) => {
    setError('');
    try {
      onChanged(await api<ComplaintView>('POST', `/api/complaints/${c.id}/${action}`, { body }));
      reset();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const lead = me.roles.some((r) => r === 'lobby' || r === 'supervisor' || r === 'admin');
  const active = c.status === 'open' || c.status === 'in_progress';
  return (
    <section class="detail" data-testid="detail" data-status={c.status}>
      <h2>
        {c.ref} · {STATUS[c.status]}
        {c.overdue && <span class="overdue"> 已超期 · Overdue</span>}
      </h2>
      <dl>
        <dt>类别 · Category</dt>
        <dd>
          {c.kind === 'opinion' ? '意见 · ' : ''}
          {c.category} · {c.channel}
        </dd>
        <dt>期限 · Due</dt>
        <dd>{day(c.dueAt)}</dd>
        {c.ticketNumber && (
          <>
            <dt>号码 · Ticket</dt>
            <dd>
              {c.ticketNumber}
              {c.staffId ? ` · ${c.staffId}` : ''}
            </dd>
          </>
        )}
        <dt>负责人 · Owner</dt>
        <dd data-testid="owner">{c.ownerId ?? '未分配 · Unassigned'}</dd>
        {c.contact && (
          <>
            <dt>联系方式 · Contact</dt>
            <dd>
              {c.contact.value} <small>({c.contact.consent.how})</small>
            </dd>
          </>
        )}
      </dl>
      <p class="description">{c.description}</p>
      {c.resolution && (
        <p class="resolution" data-testid="resolution">
          处理结果 · Resolution: {c.resolution.text} — {c.resolution.customerInformed ? `已告知客户 · customer told (${c.resolution.informedHow ?? ''})` : '未告知客户 · customer not told'}
        </p>
      )}
      <ol class="history">
        {c.history.map((h, i) => (
          <li key={i}>
            {day(h.at)} {h.action} {h.by ?? '客户 · customer'}
            {h.ownerId ? ` → ${h.ownerId}` : ''}
            {h.text ? `: ${h.text}` : ''}
          </li>
        ))}
      </ol>
      <div class="actions">
        {lead && c.status !== 'closed' && (
          <span>
            <input name="ownerId" placeholder="工号 · Staff id" value={v.ownerId} onInput={set('ownerId')} />
            <button data-action="assign" onClick={() => void act('assign', { ownerId: v.ownerId.trim() })}>
              分配 · Assign
            </button>
          </span>
        )}
        {c.status === 'open' && (
          <button data-action="start" onClick={() => void act('start')}>
            开始处理 · Start
          </button>
        )}
        {c.status !== 'closed' && (
          <span>
            <input name="note" placeholder="备注 · Note" value={v.note} onInput={set('note')} />
            <button data-action="note" onClick={() => void act('note', { text: v.note })}>
              加备注 · Add note
            </button>
          </span>
        )}
        {active && (
          <span class="resolve">
            <input name="resolution" placeholder="处理结果 · Resolution" value={v.resolution} onInput={set('resolution')} />
            <label>
              <input type="checkbox" name="informed" checked={v.informed} onChange={set('informed')} /> 已告知客户 · Customer told
            </label>
            <select name="informedHow" value={v.informedHow} onChange={set('informedHow')}>
              <Options list={INFORMED} />
            </select>
            <button data-action="resolve" onClick={() => void act('resolve', { resolution: v.resolution, customerInformed: v.informed, ...(v.informed ? { informedHow: v.informedHow } : {}) })}>
              解决 · Resolve
            </button>
          </span>
        )}
        {c.status === 'resolved' && (
          <>
            <button data-action="close" onClick={() => void act('close')}>
              关闭 · Close
            </button>
            <span>
              <input name="reopen" placeholder="客户不满意的原因 · Why reopen" value={v.reopen} onInput={set('reopen')} />
              <button data-action="reopen" onClick={() => void act('reopen', { reason: v.reopen })}>
                重新处理 · Reopen
              </button>
            </span>
          </>
        )}
      </div>
      <ErrorNote text={error} />
    </section>
  );
}

function Book({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const [list, setList] = useState<ComplaintView[]>([]);
  const [categories, setCategories] = useState<Category[]>([]);
  // The complaint on the right, kept as the service last answered (a closed one stays shown).
  const [current, setCurrent] = useState<ComplaintView | null>(null);
  const [show, setShow] = useState<'active' | 'all'>('active');
  const [error, setError] = useState('');
  const load = useCallback(async () => {
    try {
      setList(await api<ComplaintView[]>('GET', `/api/complaints${show === 'active' ? '?status=open,in_progress,resolved' : ''}`));
      setError('');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) onSignOut();
      else setError(e instanceof Error ? e.message : String(e));
    }
  }, [show, onSignOut]);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    api<Category[]>('GET', '/api/complaints/categories').then(setCategories, () => undefined);
  }, []);
  const changed = (c: ComplaintView) => {
    setCurrent(c);
    void load();
  };
  const sorted = [...list].sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueAt.localeCompare(b.dueAt));
  return (
    <main class="dash complaints">
      <StaffHeader title="投诉与意见 · Complaints and opinions" me={me} onSignOut={onSignOut}>
        <a href="/followups">客户回访 · Follow-up calls</a>
      </StaffHeader>
      <ErrorNote text={error} />
      <div class="book">
        <section>
          <label>
            <select name="show" value={show} onChange={(e) => setShow(e.currentTarget.value === 'all' ? 'all' : 'active')}>
              <option value="active">未关闭 · Not closed</option>
              <option value="all">全部 · All</option>
            </select>
          </label>
          <table class="list">
            <thead>
              <tr>
                <th>编号 · Ref</th>
                <th>类别 · Category</th>
                <th>状态 · Status</th>
                <th>期限 · Due</th>
                <th>负责人 · Owner</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((c) => (
                <tr key={c.id} data-ref={c.ref} class={`${c.overdue ? 'overdue' : ''} ${c.id === current?.id ? 'selected' : ''}`} onClick={() => setCurrent(c)}>
                  <td>{c.ref}</td>
                  <td>{c.category}</td>
                  <td data-col="status">{STATUS[c.status]}</td>
                  <td>{day(c.dueAt)}</td>
                  <td>{c.ownerId ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {sorted.length === 0 && <p class="muted">没有记录 · Nothing here</p>}
        </section>
        {current ? <Detail c={current} me={me} onChanged={changed} /> : categories.length > 0 && <RecordForm categories={categories} onDone={changed} />}
      </div>
      {current && (
        <button class="new" onClick={() => setCurrent(null)}>
          新登记 · Record another
        </button>
      )}
    </main>
  );
}

render(<SignedIn title="投诉与意见 · Complaints" note="柜员、大堂经理、主管 · Tellers, lobby managers and supervisors" page={(me, signOut) => <Book me={me} onSignOut={signOut} />} />, document.getElementById('app')!);

/**
 * The customer panel of the teller console (客户档案, the bank's rule 一(六)): for the customer at
 * the counter, what their file allows the teller to see and do. A ticket taken without a card
 * read has no file (said plainly). With a card read the teller records what the customer agrees
 * to (keep a file, follow-up calls, product information; and how they said so) or that they do
 * not want to be contacted. Only with the history consent does the panel show anything personal:
 * how to address them, their needs, recent visits and colleagues' notes, and take a new note.
 * The service enforces all of this; the panel shows its answer when it refuses.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../shared/api.js';
import { branchTime } from '../shared/branch-time.js';
import { errorLine } from '../shared/error-text.js';
import { Options } from '../shared/options.js';
import { ErrorNote } from '../shared/staff-header.js';
import { NEEDS, PreferencesForm, TIMES, type Preferences } from './preferences-form.js';

type ConsentKind = 'history' | 'followUp' | 'marketing';
interface ConsentView {
  granted: boolean;
  at: string;
  how: string;
  by?: string;
}
interface CustomerView {
  customerId: string;
  maskedTail: string;
  preferences: Preferences;
  notes: { id: string; at: string; by: string; text: string }[];
  visits: number;
  recentVisits: { at: string; number?: string; serviceCode?: string }[];
  mayMarket: boolean;
  doNotContact: boolean;
}
export interface CounterCustomer {
  ticket: { id: string; number: string } | null;
  identified: boolean;
  consents: Record<ConsentKind, ConsentView | null> | null;
  doNotContact: boolean;
  customer: CustomerView | null;
}

const CONSENTS: { kind: ConsentKind; zh: string; en: string }[] = [
  { kind: 'history', zh: '保留档案（来访、偏好、备注）', en: 'Keep a file (visits, preferences, notes)' },
  { kind: 'followUp', zh: '业务回访', en: 'Follow-up calls' },
  { kind: 'marketing', zh: '产品信息', en: 'Product information' },
];
const HOW = [
  ['verbal', '口头 · Verbal'],
  ['paper_form', '书面签字 · Signed form'],
  ['other', '其他 · Other'],
] as const;
const HOW_TEXT: Record<string, string> = { ...Object.fromEntries(HOW), kiosk: '取号机 · Kiosk', mobile: '手机 · Phone' };
const when = (iso: string, timeZone: string) => branchTime(iso, timeZone, { date: true });

function ConsentForm({ view, how, setHow, onSaved, timeZone }: { view: CounterCustomer; how: string; setHow: (how: string) => void; onSaved: (text: string) => void; timeZone: string }) {
  const current = (k: ConsentKind) => view.consents?.[k]?.granted === true;
  const [want, setWant] = useState<Record<ConsentKind, boolean>>({ history: current('history'), followUp: current('followUp'), marketing: current('marketing') });
  const [phone, setPhone] = useState('');
  const [error, setError] = useState('');
  const changed = CONSENTS.filter((c) => want[c.kind] !== current(c.kind));
  const needsPhone = changed.some((c) => c.kind !== 'history' && want[c.kind]);
  const save = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (!changed.length) return setError('没有变化 · Nothing changed');
    try {
      const body = { ...Object.fromEntries(changed.map((c) => [c.kind, want[c.kind]])), how, ...(phone.trim() ? { phone: phone.trim() } : {}) };
      await api('POST', `/api/tickets/${encodeURIComponent(view.ticket!.id)}/customer/consent`, { body });
      onSaved('已记录客户的同意 · Consent recorded');
    } catch (err) {
      setError(errorLine(err));
    }
  };
  return (
    <form class="consent" data-testid="consent-form" aria-label="record consent" onSubmit={(e) => void save(e)}>
      <fieldset>
        <legend>客户同意 · Customer consent</legend>
        {CONSENTS.map((c) => {
          const v = view.consents?.[c.kind];
          return (
            <label key={c.kind} class="check">
              <input type="checkbox" name={c.kind} checked={want[c.kind]} onChange={(e) => setWant((w) => ({ ...w, [c.kind]: e.currentTarget.checked }))} />
              {c.zh} · {c.en}
              {v && (
                <small data-consent={c.kind}>
                  {v.granted ? '已同意 · given' : '已撤回 · withdrawn'} {when(v.at, timeZone)} ({HOW_TEXT[v.how] ?? v.how}
                  {v.by ? `, ${v.by}` : ''})
                </small>
              )}
            </label>
          );
        })}
        <label>
          方式 · How given
          <select name="how" value={how} onChange={(e) => setHow(e.currentTarget.value)}>
            <Options list={HOW} />
          </select>
        </label>
        {current('history') && !want.history && (
          <p class="warn" data-testid="history-withdrawn">
            撤回后将删除该客户的来访记录、偏好和备注 · Withdrawing deletes the customer’s visits, preferences and notes
          </p>
        )}
        {needsPhone && (
          <label>
            电话 · Phone
            <input name="phone" type="tel" autoComplete="off" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
          </label>
        )}
        <button type="submit">记录 · Record</button>
      </fieldset>
      <ErrorNote text={error} />
    </form>
  );
}

function History({ c, services, onSaved, timeZone }: { c: CustomerView; services: Map<string, string>; onSaved: (text: string) => void; timeZone: string }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const p = c.preferences;
  const addNote = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      await api('POST', `/api/customers/${encodeURIComponent(c.customerId)}/notes`, { body: { text: note } });
      setNote('');
      onSaved('备注已保存 · Note saved');
    } catch (err) {
      setError(errorLine(err));
    }
  };
  return (
    <div class="history" data-testid="customer-history">
      <dl>
        <dt>卡号 · Card</dt>
        <dd data-testid="masked-tail">{c.maskedTail}</dd>
        {p.addressAs && (
          <>
            <dt>称呼 · Address as</dt>
            <dd data-testid="address-as">{p.addressAs}</dd>
          </>
        )}
        {p.language && (
          <>
            <dt>语言 · Language</dt>
            <dd>{p.language === 'zh' ? '中文 · Chinese' : '英文 · English'}</dd>
          </>
        )}
        {p.needs && p.needs.length > 0 && (
          <>
            <dt>需要 · Needs</dt>
            <dd>{p.needs.map((n) => NEEDS[n] ?? n).join('，')}</dd>
          </>
        )}
        {p.contactTime && (
          <>
            <dt>联系时间 · Best time</dt>
            <dd>{TIMES[p.contactTime] ?? p.contactTime}</dd>
          </>
        )}
        <dt>产品信息 · Product information</dt>
        <dd data-testid="may-market">{c.mayMarket ? '可以介绍 · may be offered' : '不得介绍 · do not offer'}</dd>
      </dl>
      <PreferencesForm key={JSON.stringify(p)} customerId={c.customerId} prefs={p} onSaved={onSaved} />
      <h3>
        来访 · Visits <span data-testid="visit-count">{c.visits}</span>
      </h3>
      <ul class="visits">
        {c.recentVisits.map((v, i) => (
          <li key={i}>
            {when(v.at, timeZone)} {v.number ?? ''} {v.serviceCode ? (services.get(v.serviceCode) ?? v.serviceCode) : ''}
          </li>
        ))}
      </ul>
      <h3>备注 · Staff notes</h3>
      {c.notes.length === 0 ? (
        <p class="muted">暂无备注 · No notes</p>
      ) : (
        <ul class="notes" data-testid="notes">
          {c.notes.map((n) => (
            <li key={n.id}>
              <span>{n.text}</span> <small>
                {when(n.at, timeZone)} {n.by}
              </small>
            </li>
          ))}
        </ul>
      )}
      <form class="note" aria-label="add a note" onSubmit={(e) => void addNote(e)}>
        <label>
          新备注 · New note
          <input name="note" maxLength={1000} required value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
        <button type="submit">保存备注 · Save note</button>
      </form>
      <ErrorNote text={error} />
    </div>
  );
}

/** Reloaded when the ticket at the counter changes, and after every change made here. */
export function CustomerPanel({ counterId, ticketId, services, timeZone }: { counterId: string; ticketId: string | null; services: Map<string, string>; timeZone: string }) {
  const [view, setView] = useState<CounterCustomer | null>(null);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState('');
  const [reload, setReload] = useState(0);
  // How the customer said it, for consents and do-not-contact alike.
  const [how, setHow] = useState('verbal');
  useEffect(() => {
    setSaved('');
    setHow('verbal');
  }, [ticketId]);
  useEffect(() => {
    if (!ticketId) return setView(null);
    let alive = true;
    api<CounterCustomer>('GET', `/api/counters/${encodeURIComponent(counterId)}/customer`).then(
      (v) => {
        if (!alive) return;
        setView(v);
        setError('');
      },
      (err: unknown) => alive && setError(errorLine(err)),
    );
    return () => {
      alive = false;
    };
  }, [counterId, ticketId, reload]);
  const done = (text: string) => {
    setError('');
    setSaved(text);
    setReload((n) => n + 1);
  };
  const setDoNotContact = async (set: boolean) => {
    try {
      await api('POST', `/api/tickets/${encodeURIComponent(view!.ticket!.id)}/customer/do-not-contact`, { body: { set, how } });
      done(set ? '已记录：客户不愿被联系 · Recorded: do not contact' : '已取消“不联系” · Do-not-contact cleared');
    } catch (err) {
      setError(errorLine(err));
    }
  };
  if (!ticketId) return null;
  if (error && !view) {
    return (
      <section class="customer" aria-label="customer">
        <ErrorNote text={error} />
      </section>
    );
  }
  if (!view?.ticket || view.ticket.id !== ticketId) return null;
  return (
    <section class="customer" aria-labelledby="customer-title" data-testid="customer-panel" data-state={!view.identified ? 'anonymous' : view.customer ? 'history' : view.consents ? 'file' : 'none'}>
      <h2 id="customer-title">客户 · Customer</h2>
      {!view.identified ? (
        <p data-testid="customer-note">匿名取号，无客户档案（取号时未刷卡或身份证）· Anonymous ticket: no customer file (no card or ID was read at the kiosk)</p>
      ) : (
        <>
          {!view.customer && (
            <p data-testid="customer-note">
              {view.consents
                ? '客户未同意保留档案，不显示个人信息 · The customer has not agreed to keep a file: nothing personal is shown'
                : '客户尚无档案；如客户同意可在下方记录 · No customer file yet; record the customer’s consent below if they agree'}
            </p>
          )}
          {view.doNotContact && (
            <p class="dnc" data-testid="do-not-contact">
              客户要求不再联系：不回访、不介绍产品 · Do not contact: no follow-up calls, no product information
            </p>
          )}
          {view.customer && <History c={view.customer} services={services} onSaved={done} timeZone={timeZone} />}
          <ConsentForm key={`${view.ticket.id} ${JSON.stringify(view.consents)}`} view={view} how={how} setHow={setHow} onSaved={done} timeZone={timeZone} />
          <button type="button" data-testid="toggle-dnc" onClick={() => void setDoNotContact(!view.doNotContact)}>
            {view.doNotContact ? '取消“不联系” · Clear do-not-contact' : '客户不愿被联系 · Customer asks not to be contacted'}
          </button>
        </>
      )}
      {saved && (
        <p class="saved" role="status" data-testid="customer-saved">
          {saved}
        </p>
      )}
      <ErrorNote text={error} />
    </section>
  );
}

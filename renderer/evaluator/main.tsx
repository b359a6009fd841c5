/**
 * The counter tablet as evaluator (评价平板, /evaluator): faces the customer at one counter. When
 * that counter completes a service it asks "how was it?" (3 or 5 levels, reasons for a low one),
 * thanks the customer or apologises, and tells them where to send opinions and complaints (the
 * bank's rule 一(五)); it goes quiet again when the request times out.
 *
 * Binding: the tablet holds a counter tablet token, not a staff session. A supervisor signs in on
 * it once and binds it to its counter; the supervisor's session is then signed out again, and the
 * tablet can do nothing but read and answer that counter's rating requests (counter-tablets.ts).
 * The token is kept in this browser's local storage, so the tablet stays bound across restarts.
 */
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../shared/api.js';
import '../shared/base.css';
import { openStream } from '../shared/stream.js';
import { OpinionChannels, RatingForm, Thanks, type FeedbackSettingsView } from '../ticket/rate-visit.js';
import '../ticket/rating.css';
import './evaluator.css';

const TOKEN_KEY = 'branch-queue.counter-tablet';
const POLL_MS = 5_000;
const THANKS_MS = 10_000;

interface L {
  zh: string;
  en: string;
}

interface TabletState {
  tablet: { id: string; label: string; counterId: string };
  counter: { id: string; name: L };
  request: { seq: number; number: string; state: 'waiting' | 'rated' | 'expired' | 'ended'; expiresInSeconds: number } | null;
  settings: FeedbackSettingsView;
}

function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function storeToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage off: bound for this page only */
  }
}

function Bind({ note, onBound }: { note?: string; onBound: (token: string) => void }) {
  const [counters, setCounters] = useState<{ id: string; name: L }[]>([]);
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  const [counter, setCounter] = useState('');
  const [error, setError] = useState(note ?? '');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api<{ counters: { id: string; name: L }[] }>('GET', '/api/config', { token: null }).then(
      (c) => {
        setCounters(c.counters);
        setCounter((v) => v || (c.counters[0]?.id ?? ''));
      },
      () => setError('无法连接网点服务 · Cannot reach the branch service'),
    );
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    let staffToken: string | null = null;
    try {
      staffToken = (await api<{ token: string }>('POST', '/api/auth/login', { body: { staffId: staffId.trim(), pin }, token: null })).token;
      const bound = await api<{ token: string }>('POST', '/api/evaluator/tablets', { body: { counterId: counter }, token: staffToken });
      storeToken(bound.token);
      onBound(bound.token);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      // The supervisor's session does not stay on a tablet that faces customers.
      if (staffToken) void api('POST', '/api/auth/logout', { token: staffToken }).catch(() => undefined);
      setPin('');
      setBusy(false);
    }
  };
  return (
    <form class="bind" onSubmit={submit} aria-label="bind tablet">
      <h1>评价平板绑定 · Bind this tablet to a counter</h1>
      <p class="note">需要主管或管理员账号 · A supervisor or admin signs in once; the tablet then only takes ratings for its counter.</p>
      <label>
        窗口 · Counter
        <select name="counter" value={counter} onChange={(e) => setCounter(e.currentTarget.value)}>
          {counters.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name.zh} · {c.name.en}
            </option>
          ))}
        </select>
      </label>
      <label>
        工号 · Staff id
        <input name="staffId" autoComplete="off" value={staffId} onInput={(e) => setStaffId(e.currentTarget.value)} required />
      </label>
      <label>
        密码 · PIN
        <input name="pin" type="password" inputMode="numeric" autoComplete="off" value={pin} onInput={(e) => setPin(e.currentTarget.value)} required />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy || !counter}>
        绑定 · Bind
      </button>
    </form>
  );
}

function Evaluator({ token, onUnbound }: { token: string; onUnbound: (note: string) => void }) {
  const [state, setState] = useState<TabletState | null>(null);
  const [left, setLeft] = useState(0);
  const [busy, setBusy] = useState(false);
  // After an answer: the score given, or why none was taken (too late, or already rated elsewhere).
  const [done, setDone] = useState<{ seq: number; score?: number; refused?: 'late' | 'already' } | null>(null);
  const [offline, setOffline] = useState(false);
  const doneTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const load = useCallback(async () => {
    try {
      const s = await api<TabletState>('GET', '/api/evaluator/state', { token });
      setState(s);
      setLeft(s.request?.expiresInSeconds ?? 0);
      setOffline(false);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        storeToken(null);
        onUnbound(err.message);
      } else setOffline(true);
    }
  }, [token, onUnbound]);

  useEffect(() => {
    void load();
    const poll = setInterval(() => void load(), POLL_MS);
    const tick = setInterval(() => setLeft((n) => Math.max(0, n - 1)), 1000);
    const stream = openStream({
      onEvent: (e) => {
        if (/^(ticket\.completed|ticket\.started|feedback\.rated|counter\.closed)$/.test(e.type)) void load();
      },
    });
    return () => {
      clearInterval(poll);
      clearInterval(tick);
      stream.close();
      clearTimeout(doneTimer.current);
    };
  }, [load]);

  const finish = (d: NonNullable<typeof done>) => {
    setDone(d);
    clearTimeout(doneTimer.current);
    doneTimer.current = setTimeout(() => setDone(null), THANKS_MS);
  };

  const submit = async (score: number, reasons: string[]) => {
    const seq = state?.request?.seq;
    if (seq === undefined) return;
    setBusy(true);
    try {
      await api('POST', '/api/evaluator/rating', { body: { request: seq, score, reasons }, token });
      finish({ seq, score });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        storeToken(null);
        onUnbound(err.message);
      } else finish({ seq, refused: err instanceof ApiError && err.code === 'ALREADY_RATED' ? 'already' : 'late' });
    } finally {
      setBusy(false);
      void load();
    }
  };

  if (!state) return <p class="center">{offline ? '无法连接网点服务，正在重试… · Cannot reach the branch service, retrying…' : '正在加载 · Loading…'}</p>;
  const r = state.request;
  const asking = r?.state === 'waiting' && left > 0 && done?.seq !== r.seq;
  return (
    <main class="evaluator" data-counter={state.counter.id}>
      <header>
        <span>
          {state.counter.name.zh} · {state.counter.name.en}
        </span>
        {offline && <span class="offline">网络中断 · Offline</span>}
      </header>
      {done ? (
        <section class="done" data-testid="done">
          {done.score !== undefined ? (
            <Thanks score={done.score} settings={state.settings} />
          ) : done.refused === 'already' ? (
            <p class="thanks" data-testid="thanks">
              本次服务已评价，谢谢您 · This service has already been rated. Thank you.
            </p>
          ) : (
            <p class="thanks low" data-testid="thanks">
              评价时间已过，谢谢您 · The rating time has passed. Thank you.
            </p>
          )}
          <OpinionChannels settings={state.settings} />
        </section>
      ) : asking ? (
        <section class="ask" data-testid="ask">
          <p class="number">{r.number}</p>
          <h1>请您对本次服务进行评价 · Please rate our service</h1>
          <RatingForm key={r.seq} settings={state.settings} busy={busy} submit={(s, rs) => void submit(s, rs)} />
          <p class="left" data-testid="left">
            {left} 秒 · {left} s
          </p>
        </section>
      ) : (
        <section class="idle" data-testid="idle">
          <h1>欢迎光临 · Welcome</h1>
          <OpinionChannels settings={state.settings} />
        </section>
      )}
    </main>
  );
}

function App() {
  const [token, setToken] = useState<string | null>(storedToken);
  const [note, setNote] = useState<string | undefined>();
  const unbound = useCallback((why: string) => {
    setNote(why);
    setToken(null);
  }, []);
  return token ? <Evaluator token={token} onUnbound={unbound} /> : <Bind note={note} onBound={setToken} />;
}

render(<App />, document.getElementById('app')!);

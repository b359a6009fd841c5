/** Sign-in with staff id and PIN, then the choice of counter (only those the staff may open). */
import { useState } from 'preact/hooks';
import { act } from '../shared/api.js';
import { errorLine } from '../shared/error-text.js';
import { SignIn } from '../shared/sign-in.js';

export interface Me {
  staffId: string;
  name: string;
  roles: string[];
  counters: string[];
  counter: string | null;
}

export interface CounterDef {
  id: string;
  name: { zh: string; en: string };
}

export function Login({ onDone }: { onDone: () => void }) {
  return <SignIn title="柜员登录 · Teller sign-in" formClass="card login" buttonClass="primary" onDone={onDone} />;
}

export function allowedCounters(me: Me, counters: CounterDef[]): CounterDef[] {
  if (me.roles.includes('supervisor') || me.roles.includes('admin')) return counters;
  if (!me.roles.includes('teller')) return [];
  return me.counters.length ? counters.filter((c) => me.counters.includes(c.id)) : counters;
}

export function PickCounter({ me, counters, onOpened, onSignOut }: { me: Me; counters: CounterDef[]; onOpened: () => void; onSignOut: () => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const allowed = allowedCounters(me, counters);
  const open = async (id: string) => {
    setBusy(true);
    setError('');
    try {
      await act('POST', `/api/counters/${encodeURIComponent(id)}/open`);
      onOpened();
    } catch (err) {
      setError(errorLine(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="card pick">
      <h1>
        {me.name} · 选择窗口 · Choose your counter
      </h1>
      {allowed.length === 0 && <p class="error">此账号不能在窗口办理 · This account may not work at a counter.</p>}
      <div class="counters" data-testid="counter-choices">
        {allowed.map((c) => (
          <button key={c.id} data-counter={c.id} class="primary" disabled={busy} onClick={() => void open(c.id)}>
            {c.name.zh}
            <small>{c.name.en}</small>
          </button>
        ))}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button onClick={onSignOut}>退出 · Sign out</button>
    </div>
  );
}

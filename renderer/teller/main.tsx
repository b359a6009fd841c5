/**
 * The teller console (/teller, 1366×768 and up): sign in with staff id and PIN, open a counter
 * the staff member is allowed at, then call and serve. The session token lives in this tab only;
 * a reload goes straight back to the counter and recovers its current ticket.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '../shared/base.css';
import './teller.css';
import { ApiError, api, getToken, setToken } from '../shared/api.js';
import { CounterConsole, type Config } from './console.js';
import { Login, PickCounter, type Me } from './login.js';

type View = { kind: 'loading' } | { kind: 'login' } | { kind: 'pick'; me: Me; config: Config } | { kind: 'console'; me: Me; config: Config } | { kind: 'error'; text: string };

function Teller() {
  const [view, setView] = useState<View>({ kind: 'loading' });

  const load = async () => {
    if (!getToken()) return setView({ kind: 'login' });
    for (let attempt = 0; ; attempt++) {
      try {
        const [me, config] = await Promise.all([api<Me>('GET', '/api/auth/me'), api<Config>('GET', '/api/config')]);
        return setView(me.counter ? { kind: 'console', me, config } : { kind: 'pick', me, config });
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          setToken(null);
          return setView({ kind: 'login' });
        }
        if (!(err instanceof ApiError) || err.status !== 0) return setView({ kind: 'error', text: String((err as Error).message) });
        setView({ kind: 'error', text: '无法连接网点服务，正在重试… · Cannot reach the branch service, retrying…' });
        await new Promise((r) => setTimeout(r, Math.min(5000, 300 * 2 ** attempt)));
      }
    }
  };

  useEffect(() => {
    void load();
  }, []);

  const signedOut = () => {
    setToken(null);
    setView({ kind: 'login' });
  };

  switch (view.kind) {
    case 'loading':
      return <p class="center">正在加载 · Loading…</p>;
    case 'error':
      return (
        <p class="center error" data-testid="conn">
          {view.text}
        </p>
      );
    case 'login':
      return <Login onDone={() => void load()} />;
    case 'pick':
      return (
        <PickCounter
          me={view.me}
          counters={view.config.counters}
          onOpened={() => void load()}
          onSignOut={() => {
            void api('POST', '/api/auth/logout').catch(() => undefined);
            signedOut();
          }}
        />
      );
    case 'console':
      return <CounterConsole me={view.me} config={view.config} onSignedOut={signedOut} onUnauthorized={signedOut} />;
  }
}

render(<Teller />, document.getElementById('app')!);

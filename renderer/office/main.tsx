/**
 * The back office (/office), for staff by role, so a branch runs its day from the pages alone:
 *   号票 Tickets    find a ticket by number and day, act on it, take a ticket for a customer (lobby+)
 *   窗口 Counters   who works where; a supervisor ends what a teller left behind
 *   员工 Staff      accounts: create, roles and counters, PIN reset, unlock, deactivate (supervisor, admin)
 *   配置 Settings   the branch configuration, applied without a restart (supervisor, admin)
 *   设备 Devices    plain names, state, and what to do about it
 * The section is in the address (#tickets …), so a link or a reload keeps it.
 */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import '../shared/base.css';
import './office.css';
import { ApiError, api, getToken, setToken } from '../shared/api.js';
import { errorLine } from '../shared/error-text.js';
import { SignIn } from '../shared/sign-in.js';
import { openStream } from '../shared/stream.js';
import { ConfigSection } from './config-form.js';
import { CountersSection } from './counters.js';
import { DevicesSection } from './devices.js';
import { has, type BranchInfo, type L, type Me } from './shared.js';
import { StaffSection } from './staff.js';
import { TicketsSection } from './tickets.js';

type Tab = 'tickets' | 'counters' | 'staff' | 'config' | 'devices';

const TABS: { id: Tab; name: L; roles: string[] }[] = [
  { id: 'tickets', name: { zh: '号票', en: 'Tickets' }, roles: ['teller', 'lobby', 'supervisor', 'admin'] },
  { id: 'counters', name: { zh: '窗口', en: 'Counters' }, roles: ['lobby', 'supervisor', 'admin'] },
  { id: 'staff', name: { zh: '员工', en: 'Staff' }, roles: ['supervisor', 'admin'] },
  { id: 'config', name: { zh: '配置', en: 'Settings' }, roles: ['supervisor', 'admin'] },
  { id: 'devices', name: { zh: '设备', en: 'Devices' }, roles: ['lobby', 'supervisor', 'admin'] },
];

const tabFromHash = (): Tab => {
  const h = location.hash.slice(1);
  return TABS.some((t) => t.id === h) ? (h as Tab) : 'tickets';
};

function Office({ onSignOut }: { onSignOut: () => void }) {
  const [me, setMe] = useState<Me | null>(null);
  const [info, setInfo] = useState<BranchInfo | null>(null);
  const [day, setDay] = useState('');
  const [tab, setTab] = useState<Tab>(tabFromHash);
  const [error, setError] = useState('');
  // Bumped by events on the stream: sections that show live state reload.
  const [tick, setTick] = useState(0);

  const loadInfo = useCallback(() => {
    Promise.all([api<Me>('GET', '/api/auth/me'), api<BranchInfo>('GET', '/api/config'), api<{ businessDay: string }>('GET', '/api/health')]).then(
      ([m, c, h]) => {
        setMe(m);
        setInfo(c);
        setDay(h.businessDay);
      },
      (err) => {
        if (err instanceof ApiError && err.status === 401) onSignOut();
        else setError(errorLine(err));
      },
    );
  }, [onSignOut]);

  useEffect(() => {
    loadInfo();
    const onHash = () => setTab(tabFromHash());
    window.addEventListener('hashchange', onHash);
    const stream = openStream({ onEvent: (e) => /^(counter|device|ticket\.(called|completed|no_show|returned))/.test(e.type) && setTick((n) => n + 1) });
    return () => {
      window.removeEventListener('hashchange', onHash);
      stream.close();
    };
  }, [loadInfo]);

  if (error) return <p class="note error">{error}</p>;
  if (!me || !info) return <p class="muted">加载中 · Loading…</p>;
  const tabs = TABS.filter((t) => has(me, ...t.roles));
  const shown = tabs.some((t) => t.id === tab) ? tab : 'tickets';

  return (
    <div class="office" data-ready="1">
      <header>
        <h1>
          后台 · Back office <small>{info.branch.name.zh}</small>
        </h1>
        <span>
          {me.name} ({me.staffId})
        </span>
        <a href="/dashboard">看板 · Dashboard</a>
        {has(me, 'supervisor', 'admin') && <a href="/reports">报表 · Reports</a>}
        <button
          type="button"
          onClick={() => {
            void api('POST', '/api/auth/logout').catch(() => undefined);
            setToken(null);
            onSignOut();
          }}
        >
          退出 · Sign out
        </button>
      </header>
      <nav aria-label="sections">
        {tabs.map((t) => (
          <a key={t.id} href={`#${t.id}`} class={t.id === shown ? 'on' : ''} aria-current={t.id === shown ? 'page' : undefined} data-tab={t.id}>
            {t.name.zh} · {t.name.en}
          </a>
        ))}
      </nav>
      <main>
        {shown === 'tickets' && <TicketsSection info={info} me={me} day={day} />}
        {shown === 'counters' && <CountersSection me={me} tick={tick} />}
        {shown === 'staff' && <StaffSection info={info} me={me} />}
        {shown === 'config' && <ConfigSection info={info} onApplied={loadInfo} />}
        {shown === 'devices' && <DevicesSection info={info} tick={tick} />}
      </main>
    </div>
  );
}

function App() {
  const [signedIn, setSignedIn] = useState(!!getToken());
  const signOut = useCallback(() => setSignedIn(false), []);
  if (!signedIn) return <SignIn title="后台 · Back office" note="员工账号登录；可用的功能按角色而定 · Sign in with your staff account; what you can do depends on your role" onDone={() => setSignedIn(true)} />;
  return <Office onSignOut={signOut} />;
}

render(<App />, document.getElementById('app')!);

/**
 * The live dashboard (/dashboard) for the lobby manager and supervisor: queues per service with
 * their target status, counters, today's arrivals and served per 15 minutes against the same
 * weekday's average, devices, alerts (with acknowledge), staffing advice and the wait
 * estimator's accuracy. Data: GET /api/dashboard, refreshed on every event from /api/stream.
 */
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import '../shared/base.css';
import './dashboard.css';
import { ApiError, act, api, getToken, setToken } from '../shared/api.js';
import { openStream, type StreamState } from '../shared/stream.js';
import { TimelineChart, type Bucket } from './chart.js';
import { SignIn } from '../shared/sign-in.js';

type L = { zh: string; en: string };

interface Snapshot {
  businessDay: string;
  at: string;
  lastEventId: number;
  services: { code: string; name: L; waiting: number; longestWaitSeconds: number; targetWaitMinutes: number; overTarget: boolean; issuedToday: number }[];
  counters: { id: string; name: L; state: string; pauseReason?: string; staffId?: string; currentTicket: { number: string } | null; servedToday: number }[];
  timeline: Bucket[];
  devices: { id: string; kind: string; state: string; detail?: string; since: string }[];
  alerts: { id: string; key: string; severity: string; message: L; raisedAt: string; active: boolean }[];
  accuracy: { tickets: number; insideRange: number | null; meanRangeWidth: number | null; maeEstimator: number | null; maeBaseline: number | null };
  staffing: { serviceCode: string; action: string; text: L; serviceLevelNow: number; serviceLevelPlusOne: number; arrivalsPerHour: number; meanServiceMinutes: number; servers: number }[];
}

const ROLES_NOTE = '需要大堂经理、主管或管理员账号 · Needs a lobby, supervisor or admin account';
// Waits grow with no event at all: the snapshot is refreshed this often besides.
const TICK_MS = 15_000;

function mmss(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function waitClass(s: Snapshot['services'][number]): string {
  if (s.waiting === 0) return 'ok';
  if (s.overTarget) return 'bad';
  return s.longestWaitSeconds > 0.75 * s.targetWaitMinutes * 60 ? 'warn' : 'ok';
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

function Dashboard({ onSignOut }: { onSignOut: () => void }) {
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [error, setError] = useState('');
  const [stream, setStream] = useState<StreamState>('connecting');
  const inFlight = useRef(false);
  const again = useRef(false);

  const load = useCallback(async () => {
    // One request at a time; events that arrive meanwhile ask for one more afterwards.
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    try {
      do {
        again.current = false;
        setSnap(await api<Snapshot>('GET', '/api/dashboard'));
        setError('');
      } while (again.current);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) onSignOut();
      else setError(e instanceof Error ? e.message : String(e));
    } finally {
      inFlight.current = false;
    }
  }, [onSignOut]);

  useEffect(() => {
    void load();
    const s = openStream({ onEvent: () => void load(), onState: setStream });
    const tick = setInterval(() => void load(), TICK_MS);
    return () => {
      s.close();
      clearInterval(tick);
    };
  }, [load]);

  const ack = async (id: string) => {
    try {
      await act('POST', `/api/alerts/${id}/ack`);
      await load();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  if (!snap) return <p class="loading">加载中 · Loading…</p>;
  return (
    <main class="dash" data-ready="1">
      <header>
        <h1>网点看板 · Branch dashboard</h1>
        <span class={`conn ${stream}`} data-testid="stream-state">
          {stream === 'online' ? '实时 · Live' : stream === 'connecting' ? '连接中 · Connecting' : '离线 · Offline'}
        </span>
        <span class="muted">
          {snap.businessDay} · {new Date(snap.at).toLocaleTimeString()}
        </span>
        <a href="/reports">报表 · Reports</a>
        <button
          type="button"
          onClick={() => {
            setToken(null);
            onSignOut();
          }}
        >
          退出 · Sign out
        </button>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}

      <section class="alerts" aria-label="alerts">
        <h2>提醒 · Alerts</h2>
        {snap.alerts.length === 0 && <p class="muted" data-testid="no-alerts">没有待处理的提醒 · No open alerts</p>}
        <ul>
          {snap.alerts.map((a) => (
            <li key={a.id} class={`alert ${a.severity} ${a.active ? '' : 'cleared'}`} data-alert-key={a.key}>
              <span>
                {a.message.zh} · {a.message.en}
                {!a.active && ' (已恢复 · resolved)'}
              </span>
              <button type="button" onClick={() => void ack(a.id)} data-testid={`ack-${a.key}`}>
                确认 · Acknowledge
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section aria-label="services">
        <h2>排队 · Queues</h2>
        <table>
          <thead>
            <tr>
              <th>业务 · Service</th>
              <th>等候 · Waiting</th>
              <th>最长等候 · Longest</th>
              <th>目标 · Target</th>
              <th>今日取号 · Issued</th>
            </tr>
          </thead>
          <tbody>
            {snap.services.map((s) => (
              <tr key={s.code} class={waitClass(s)} data-service={s.code}>
                <td>
                  {s.code} {s.name.zh} · {s.name.en}
                </td>
                <td data-testid={`waiting-${s.code}`}>{s.waiting}</td>
                <td data-testid={`longest-${s.code}`}>{mmss(s.longestWaitSeconds)}</td>
                <td>{s.targetWaitMinutes} min</td>
                <td data-testid={`issued-${s.code}`}>{s.issuedToday}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-label="counters">
        <h2>窗口 · Counters</h2>
        <div class="counters">
          {snap.counters.map((c) => (
            <div key={c.id} class={`counter ${c.state}`} data-counter={c.id}>
              <strong>{c.name.zh}</strong>
              <span data-testid={`counter-state-${c.id}`}>{c.state}</span>
              {c.pauseReason && <span>({c.pauseReason})</span>}
              <span data-testid={`counter-ticket-${c.id}`}>{c.currentTicket?.number ?? '—'}</span>
              <span>
                今日 · served <b data-testid={`counter-served-${c.id}`}>{c.servedToday}</b>
              </span>
            </div>
          ))}
        </div>
      </section>

      <section aria-label="today">
        <h2>今日客流 · Today per 15 min</h2>
        <p class="legend">
          <span class="sw arrivals" /> 到达 arrivals <span class="sw served" /> 办结 served <span class="sw avg" /> 同星期平均 same weekday average
        </p>
        <TimelineChart buckets={snap.timeline} />
      </section>

      <section aria-label="staffing">
        <h2>人手建议 · Staffing advice</h2>
        <ul class="staffing">
          {snap.staffing
            .filter((s) => s.action !== 'no_demand')
            .map((s) => (
              <li key={s.serviceCode} class={s.action} data-staffing={s.serviceCode}>
                {s.text.zh}
                <br />
                <span class="muted">{s.text.en}</span>
              </li>
            ))}
        </ul>
      </section>

      <section aria-label="estimator">
        <h2>等候时间预估准确度 · Wait estimate accuracy today</h2>
        <p data-testid="accuracy">
          {snap.accuracy.tickets} 张已叫号 · tickets called: 落在区间内 inside the printed range <b>{pct(snap.accuracy.insideRange)}</b>, 平均区间宽度 mean width{' '}
          {snap.accuracy.meanRangeWidth ?? '—'} min, 平均误差 mean error {snap.accuracy.maeEstimator ?? '—'} min (基线 baseline {snap.accuracy.maeBaseline ?? '—'} min)
        </p>
      </section>

      <section aria-label="devices">
        <h2>设备 · Devices</h2>
        <ul class="devices">
          {snap.devices.map((d) => (
            <li key={d.id} class={d.state} data-device={d.id}>
              {d.id} ({d.kind}): <b>{d.state}</b> {d.detail ?? ''}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}

function App() {
  const [signedIn, setSignedIn] = useState(!!getToken());
  const signOut = useCallback(() => setSignedIn(false), []);
  if (!signedIn) return <SignIn title="网点看板 · Branch dashboard" note={ROLES_NOTE} onDone={() => setSignedIn(true)} />;
  return <Dashboard onSignOut={signOut} />;
}

render(<App />, document.getElementById('app')!);

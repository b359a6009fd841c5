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
import { deviceHelp, deviceName, deviceStateText } from '../../common/device-text.js';
import { errorLine } from '../shared/error-text.js';
import { branchTime } from '../shared/branch-time.js';

type L = { zh: string; en: string };

interface Snapshot {
  businessDay: string;
  at: string;
  timeZone: string;
  lastEventId: number;
  services: { code: string; name: L; waiting: number; longestWaitSeconds: number; targetWaitMinutes: number; overTarget: boolean; issuedToday: number }[];
  counters: {
    id: string;
    name: L;
    state: string;
    pauseReason?: string;
    pauseReasonName?: L;
    staffId?: string;
    staffName?: string;
    currentTicket: { number: string } | null;
    servedToday: number;
  }[];
  timeline: Bucket[];
  devices: { id: string; kind: string; state: string; detail?: string; since: string }[];
  alerts: { id: string; key: string; severity: string; message: L; raisedAt: string; clearedAt?: string; active: boolean }[];
  accuracy: { tickets: number; insideRange: number | null; meanRangeWidth: number | null; maeEstimator: number | null; maeBaseline: number | null };
  staffing: { serviceCode: string; action: string; text: L; serviceLevelNow: number; serviceLevelPlusOne: number; arrivalsPerHour: number; meanServiceMinutes: number; servers: number }[];
}

const COUNTER_STATE: Record<string, L> = {
  serving: { zh: '办理中', en: 'Serving' },
  idle: { zh: '空闲', en: 'Free' },
  paused: { zh: '暂停', en: 'Paused' },
  closed: { zh: '未开', en: 'Closed' },
};

/** "10:05" in the branch's time zone. */
const clock = (iso: string, timeZone: string): string => branchTime(iso, timeZone);

/** How long since `iso`, judged on the service's clock (the snapshot's time). */
function forHowLong(iso: string, now: string): L {
  const m = Math.max(0, Math.floor((Date.parse(now) - Date.parse(iso)) / 60_000));
  if (m < 60) return { zh: `${m} 分钟`, en: `${m} min` };
  return { zh: `${Math.floor(m / 60)} 小时 ${m % 60} 分钟`, en: `${Math.floor(m / 60)} h ${m % 60} min` };
}

/** GET /api/sync/status: what the page needs of it. */
type SyncStatus =
  | { configured: false; at: string }
  | {
      configured: true;
      at: string;
      hq: string;
      enrolled: boolean;
      branch: string | null;
      enrollError: string | null;
      lastSuccessAt: string | null;
      lastError: string | null;
      backlog: number;
      lagSeconds: number;
    };

/** Upload progress changes without branch events: polled on its own, cheaply (no database query). */
const SYNC_POLL_MS = 5_000;

function ago(iso: string, now: string): L {
  const s = Math.max(0, Math.floor((Date.parse(now) - Date.parse(iso)) / 1000));
  if (s < 60) return { zh: `${s} 秒前`, en: `${s} s ago` };
  const d = forHowLong(iso, now);
  return { zh: `${d.zh}前`, en: `${d.en} ago` };
}

function lagText(seconds: number): L {
  if (seconds < 60) return { zh: `${seconds} 秒`, en: `${seconds} s` };
  const m = Math.floor(seconds / 60);
  if (m < 60) return { zh: `${m} 分钟`, en: `${m} min` };
  return { zh: `${Math.floor(m / 60)} 小时 ${m % 60} 分钟`, en: `${Math.floor(m / 60)} h ${m % 60} min` };
}

function syncState(s: Extract<SyncStatus, { configured: true }>): { key: string; text: L } {
  if (!s.enrolled) return { key: 'enrolling', text: { zh: '尚未注册，正在重试', en: 'Not enrolled yet, retrying' } };
  if (s.lastError) return { key: 'offline', text: { zh: '连不上总行，数据保存在本地，恢复后自动补传', en: 'Cannot reach head office; events are kept here and sent once it is back' } };
  if (!s.lastSuccessAt) return { key: 'connecting', text: { zh: '连接中', en: 'Connecting' } };
  return { key: 'online', text: { zh: '已连接', en: 'Connected' } };
}

/** The head-office upload: is this branch's record reaching head office, and how far behind is it. */
function SyncPanel({ sync }: { sync: SyncStatus | null }) {
  if (!sync) return null;
  if (!sync.configured) {
    return (
      <section class="sync" aria-label="head office sync">
        <h2>总行同步 · Head office sync</h2>
        <p class="muted" data-testid="sync-state" data-state="not_configured">
          未配置总行，本网点独立运行 · Head office not configured; this branch runs on its own
        </p>
      </section>
    );
  }
  const st = syncState(sync);
  const error = sync.lastError ?? sync.enrollError;
  return (
    <section class={`sync ${st.key}`} aria-label="head office sync">
      <h2>总行同步 · Head office sync</h2>
      <p>
        <b data-testid="sync-state" data-state={st.key}>
          {st.text.zh} · {st.text.en}
        </b>
        <span class="muted">
          {' '}
          {sync.hq}
          {sync.branch ? ` · ${sync.branch}` : ''}
        </span>
      </p>
      <dl>
        <dt>上次成功上传 · Last successful upload</dt>
        <dd data-testid="sync-last-success">{sync.lastSuccessAt ? `${ago(sync.lastSuccessAt, sync.at).zh} · ${ago(sync.lastSuccessAt, sync.at).en}` : '尚无 · Never'}</dd>
        <dt>待上传事件 · Events not yet at head office</dt>
        <dd data-testid="sync-backlog">{sync.backlog}</dd>
        <dt>滞后 · Lag</dt>
        <dd data-testid="sync-lag">
          {lagText(sync.lagSeconds).zh} · {lagText(sync.lagSeconds).en}
        </dd>
      </dl>
      {error && <p class="muted" data-testid="sync-error">{error}</p>}
    </section>
  );
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
  const [roles, setRoles] = useState<string[]>([]);
  const [error, setError] = useState('');
  const [stream, setStream] = useState<StreamState>('connecting');
  const [sync, setSync] = useState<SyncStatus | null>(null);
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
      else setError(errorLine(e));
    } finally {
      inFlight.current = false;
    }
  }, [onSignOut]);

  useEffect(() => {
    void load();
    api<{ roles: string[] }>('GET', '/api/auth/me').then((me) => setRoles(me.roles), () => undefined);
    const s = openStream({ onEvent: () => void load(), onState: setStream });
    const tick = setInterval(() => void load(), TICK_MS);
    // A failed poll keeps the last answer; the dashboard's own error line covers a lost service.
    const pollSync = () => api<SyncStatus>('GET', '/api/sync/status').then(setSync, () => undefined);
    void pollSync();
    const syncTick = setInterval(() => void pollSync(), SYNC_POLL_MS);
    return () => {
      s.close();
      clearInterval(tick);
      clearInterval(syncTick);
    };
  }, [load]);

  const ack = async (id: string) => {
    try {
      await act('POST', `/api/alerts/${id}/ack`);
      await load();
    } catch (e) {
      setError(errorLine(e));
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
          {snap.businessDay} · {branchTime(snap.at, snap.timeZone, { seconds: true })}
        </span>
        {/* Only for those who may open them: a lobby manager is not sent to a page that refuses them. */}
        {(roles.includes('supervisor') || roles.includes('admin')) && (
          <a href="/reports" data-testid="reports-link">
            报表 · Reports
          </a>
        )}
        <a href="/complaints">投诉 · Complaints</a>
        <a href="/followups">回访 · Follow-ups</a>
        <a href="/office">后台 · Back office</a>
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
            <li key={a.id} class={`alert ${a.severity} ${a.active ? '' : 'cleared'}`} data-alert-key={a.key} data-severity={a.severity}>
              <span class="alert-time" data-testid={`alert-time-${a.key}`}>
                {clock(a.raisedAt, snap.timeZone)}
                <small>
                  {a.active
                    ? `已持续 ${forHowLong(a.raisedAt, snap.at).zh} · for ${forHowLong(a.raisedAt, snap.at).en}`
                    : `${clock(a.clearedAt ?? snap.at, snap.timeZone)} 已恢复 · resolved`}
                </small>
              </span>
              <span>
                {a.message.zh}
                <br />
                <span class="muted">{a.message.en}</span>
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
              <span data-testid={`counter-state-${c.id}`} data-state={c.state}>
                {COUNTER_STATE[c.state]?.zh ?? c.state} · {COUNTER_STATE[c.state]?.en ?? c.state}
              </span>
              {c.pauseReason && (
                <span data-testid={`counter-pause-${c.id}`}>
                  （{c.pauseReasonName ? `${c.pauseReasonName.zh} · ${c.pauseReasonName.en}` : c.pauseReason}）
                </span>
              )}
              {c.staffName && (
                <span data-testid={`counter-staff-${c.id}`}>
                  {c.staffName} ({c.staffId})
                </span>
              )}
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
        <h2>号票上的预计等候时间准不准 · Are the waits on the tickets right?</h2>
        <p data-testid="accuracy">
          {snap.accuracy.tickets === 0 || snap.accuracy.insideRange === null ? (
            <>今天还没有叫号，暂无结果 · No customer called yet today</>
          ) : (
            <>
              今天已叫号的 {snap.accuracy.tickets} 位客户中，<b>{pct(snap.accuracy.insideRange)}</b> 的实际等候时间在号票印的范围内（目标约 80%）。
              <br />
              Of the {snap.accuracy.tickets} customers called today, <b>{pct(snap.accuracy.insideRange)}</b> waited a time inside the range printed on their ticket (the aim is about 80%).
            </>
          )}
        </p>
        <details class="muted">
          <summary>技术细节 · Details for IT</summary>
          平均范围宽度 mean range width {snap.accuracy.meanRangeWidth ?? '—'} min; 平均误差 mean error {snap.accuracy.maeEstimator ?? '—'} min; 简单排队公式的误差 queue-length baseline error{' '}
          {snap.accuracy.maeBaseline ?? '—'} min
        </details>
      </section>

      <section aria-label="devices">
        <h2>设备 · Devices</h2>
        <ul class="devices">
          {snap.devices.map((d) => {
            const name = deviceName(d.kind, d.id);
            const state = deviceStateText(d.state);
            const help = deviceHelp(d.state);
            return (
              <li key={d.id} class={d.state} data-device={d.id}>
                {name.zh} · {name.en}: <b data-testid={`device-state-${d.id}`}>{state.zh} · {state.en}</b>
                {help && (
                  <span class="muted">
                    {' '}
                    — {help.zh} {help.en}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <SyncPanel sync={sync} />
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

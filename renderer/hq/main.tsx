/**
 * Head office's page (/ on the head-office server): every branch with its load now, waits
 * against target, devices in trouble, last sync and backlog, and alarms; a drill-down per
 * branch; day/week/month reports across branches, by region or by service, with CSV. Signed in
 * with an operator token (npm run hq -- operator-token); refreshed every few seconds.
 */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, getToken, setToken } from '../shared/api.js';
import { branchTime, branchToday } from '../shared/branch-time.js';
import '../shared/base.css';
import './hq.css';

type L = { zh: string; en: string };

interface Device {
  id: string;
  kind: string;
  state: string;
  detail?: string;
  since: string;
}

interface BranchRow {
  id: string;
  region: string;
  name: L | null;
  online: boolean;
  liveAt: string | null;
  lastSyncAt: string | null;
  businessDay: string | null;
  waiting: number | null;
  issuedToday: number;
  openCounters: number | null;
  overTarget: string[];
  worstWait: { code: string; longestWaitSeconds: number; targetWaitMinutes: number; ratio: number } | null;
  devicesInTrouble: Device[];
  alerts: number;
  backlog: number | null;
  oldestUnsentAt: string | null;
  configApplied: number | null;
  configReport: { version: number; status: string; problems: string[] } | null;
  alarms: { id: number; kind: string; raisedAt: string }[];
}

interface BranchDetail extends BranchRow {
  timeZone: string | null;
  services: { code: string; name: L | null; waiting: number; longestWaitSeconds: number; targetWaitMinutes: number; issuedToday: number }[];
  counters: { id: string; name: L | null; state: string; servedToday: number }[];
  devices: Device[];
  activeAlerts: { key: string; severity: string; message: L; raisedAt: string }[];
  streams: { stream: string; head: number; updatedAt: string }[];
  configs: { version: number; createdAt: string; status: string; problems: string[] | null }[];
}

interface ReportRow {
  group: string;
  key: string;
  name: string;
  branches: number;
  tickets: number;
  served: number;
  noShowRate: number | null;
  waitP50Minutes: number | null;
  waitP90Minutes: number | null;
  serviceMeanMinutes: number | null;
  withinTarget: number | null;
}

const REFRESH_MS = 5_000;
/** Head office reads times on its own clock: its branches may sit in several time zones. */
const OFFICE_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

function ago(iso: string | null): string {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} 秒前 · ${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} 分钟前 · ${Math.floor(s / 60)} min ago`;
  return branchTime(iso, OFFICE_ZONE, { date: true });
}

function mmss(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
const num = (x: number | null) => (x === null ? '—' : String(x));

function SignIn({ onToken }: { onToken: (t: string) => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await api('GET', '/api/branches', { token: text.trim() });
      setToken(text.trim());
      onToken(text.trim());
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <form class="signin" onSubmit={submit}>
      <h1>总行运营 · Head office</h1>
      <label>
        运营令牌 · Operator token
        <input type="password" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} autoComplete="off" data-testid="token" />
      </label>
      <button type="submit">登录 · Sign in</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

function Branches({ rows, onOpen }: { rows: BranchRow[]; onOpen: (id: string) => void }) {
  return (
    <table class="branches" data-testid="branches">
      <thead>
        <tr>
          <th>网点 · Branch</th>
          <th>地区 · Region</th>
          <th>状态 · Link</th>
          <th>等候 · Waiting</th>
          <th>最长等候/目标 · Longest wait / target</th>
          <th>开放窗口 · Open counters</th>
          <th>今日取号 · Issued today</th>
          <th>设备故障 · Devices in trouble</th>
          <th>最近同步 · Last sync</th>
          <th>待上传 · Backlog</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((b) => (
          <tr key={b.id} data-branch={b.id} class={b.alarms.length || b.devicesInTrouble.length || b.overTarget.length ? 'attention' : ''}>
            <td>
              <button class="link" onClick={() => onOpen(b.id)}>
                {b.id}
              </button>
              {b.name && <div class="sub">{b.name.zh} · {b.name.en}</div>}
              {b.alarms.map((a) => (
                <div class="alarm" key={a.id} data-testid="alarm">
                  ⚠ {a.kind === 'sequence_reset' || a.kind === 'sequence_conflict' ? '数据库疑似从旧备份恢复 · Database restored from an old backup?' : a.kind}
                </div>
              ))}
            </td>
            <td>{b.region || '—'}</td>
            <td class={b.online ? 'ok' : 'bad'}>{b.online ? '在线 · online' : '失联 · no contact'}</td>
            <td data-testid="waiting">{num(b.waiting)}</td>
            <td class={b.worstWait && b.worstWait.ratio > 1 ? 'bad' : 'ok'}>
              {b.worstWait ? `${b.worstWait.code} ${mmss(b.worstWait.longestWaitSeconds)} / ${b.worstWait.targetWaitMinutes}:00` : '—'}
            </td>
            <td>{num(b.openCounters)}</td>
            <td>{b.issuedToday}</td>
            <td data-testid="devices">
              {b.devicesInTrouble.length === 0
                ? '—'
                : b.devicesInTrouble.map((d) => (
                    <div key={d.id} class="bad">
                      {d.id}: {d.state}
                      {d.detail ? ` (${d.detail})` : ''}
                    </div>
                  ))}
            </td>
            <td>{ago(b.lastSyncAt)}</td>
            <td class={(b.backlog ?? 0) > 0 ? 'warn' : ''}>{num(b.backlog)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Detail({ id, token, onBack }: { id: string; token: string; onBack: () => void }) {
  const [d, setD] = useState<BranchDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    const load = () =>
      api<BranchDetail>('GET', `/api/branches/${encodeURIComponent(id)}`, { token }).then(
        (x) => alive && setD(x),
        (e: unknown) => alive && setError(e instanceof ApiError ? e.message : String(e)),
      );
    void load();
    const t = setInterval(load, REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [id, token]);
  return (
    <section class="detail" data-testid="detail">
      <button onClick={onBack}>← 全部网点 · All branches</button>
      {error && <p role="alert">{error}</p>}
      {d && (
        <>
          <h2>
            {d.id} {d.name ? `${d.name.zh} · ${d.name.en}` : ''} <span class={d.online ? 'ok' : 'bad'}>{d.online ? '在线 · online' : '失联 · no contact'}</span>
          </h2>
          <p class="sub">
            营业日 · Business day {d.businessDay ?? '—'} · 最近同步 · last sync {ago(d.lastSyncAt)} · 待上传 · backlog {num(d.backlog)} · 配置 · configuration v{d.configApplied ?? '—'}
            {d.configReport?.status === 'refused' && <span class="bad"> · v{d.configReport.version} 被拒 · refused: {d.configReport.problems.join('; ')}</span>}
          </p>
          <h3>业务 · Services</h3>
          <table>
            <thead>
              <tr>
                <th>业务 · Service</th>
                <th>等候 · Waiting</th>
                <th>最长等候 · Longest</th>
                <th>目标 · Target</th>
                <th>今日 · Today</th>
              </tr>
            </thead>
            <tbody>
              {d.services.map((s) => (
                <tr key={s.code} class={s.waiting > 0 && s.longestWaitSeconds > s.targetWaitMinutes * 60 ? 'attention' : ''}>
                  <td>
                    {s.code} {s.name ? `${s.name.zh} · ${s.name.en}` : ''}
                  </td>
                  <td>{s.waiting}</td>
                  <td>{mmss(s.longestWaitSeconds)}</td>
                  <td>{s.targetWaitMinutes} min</td>
                  <td>{s.issuedToday}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>窗口 · Counters</h3>
          <ul class="chips">
            {d.counters.map((c) => (
              <li key={c.id} class={c.state}>
                {c.name ? c.name.zh : c.id}: {c.state} ({c.servedToday})
              </li>
            ))}
          </ul>
          <h3>设备 · Devices</h3>
          <ul class="chips">
            {d.devices.map((x) => (
              <li key={x.id} class={x.state === 'online' ? 'ok' : 'bad'}>
                {x.id} ({x.kind}): {x.state}
                {x.detail ? ` — ${x.detail}` : ''}
              </li>
            ))}
          </ul>
          <h3>告警 · Alerts</h3>
          {d.activeAlerts.length === 0 ? <p>—</p> : (
            <ul>
              {d.activeAlerts.map((a) => (
                <li key={a.key} class={a.severity === 'critical' ? 'bad' : 'warn'}>
                  {a.message.zh} · {a.message.en}
                </li>
              ))}
            </ul>
          )}
          <h3>同步 · Streams</h3>
          <p class="sub">{d.streams.map((s) => `${s.stream} ${s.head}`).join(' · ') || '—'}</p>
        </>
      )}
    </section>
  );
}

function Reports({ token }: { token: string }) {
  const [period, setPeriod] = useState<'day' | 'week' | 'month'>('day');
  const [by, setBy] = useState<'branch' | 'region' | 'service'>('branch');
  const [date, setDate] = useState(() => branchToday(OFFICE_ZONE));
  const [report, setReport] = useState<{ from: string; to: string; rows: ReportRow[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = `period=${period}&by=${by}&date=${date}`;
  useEffect(() => {
    api<{ from: string; to: string; rows: ReportRow[] }>('GET', `/api/reports?${query}`, { token }).then(setReport, (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [query, token]);
  const csv = async () => {
    const res = await fetch(`/api/reports?${query}&format=csv`, { headers: { authorization: `Bearer ${token}` } });
    const blob = await res.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `hq-report-${by}-${period}-${report?.from ?? date}.csv`;
    a.click();
    URL.revokeObjectURL(a.href);
  };
  return (
    <section class="reports">
      <h2>报表 · Reports</h2>
      <div class="controls">
        <select value={period} onChange={(e) => setPeriod((e.target as HTMLSelectElement).value as typeof period)}>
          <option value="day">日 · Day</option>
          <option value="week">周 · Week</option>
          <option value="month">月 · Month</option>
        </select>
        <select value={by} onChange={(e) => setBy((e.target as HTMLSelectElement).value as typeof by)}>
          <option value="branch">按网点 · By branch</option>
          <option value="region">按地区 · By region</option>
          <option value="service">按业务 · By service</option>
        </select>
        <input type="date" value={date} onChange={(e) => setDate((e.target as HTMLInputElement).value)} />
        <button onClick={() => void csv()}>CSV</button>
      </div>
      {error && <p role="alert">{error}</p>}
      {report && (
        <table data-testid="report">
          <thead>
            <tr>
              <th>{report.from} – {report.to}</th>
              <th>网点数 · Branches</th>
              <th>取号 · Tickets</th>
              <th>办结 · Served</th>
              <th>过号率 · No-show</th>
              <th>等候 p50 · Wait p50</th>
              <th>等候 p90 · Wait p90</th>
              <th>达标率 · Within target</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((r) => (
              <tr key={r.key}>
                <td>{r.name}</td>
                <td>{r.branches}</td>
                <td>{r.tickets}</td>
                <td>{r.served}</td>
                <td>{pct(r.noShowRate)}</td>
                <td>{num(r.waitP50Minutes)}</td>
                <td>{num(r.waitP90Minutes)}</td>
                <td>{pct(r.withinTarget)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function HqPage() {
  const [token, setTok] = useState<string | null>(getToken());
  const [rows, setRows] = useState<BranchRow[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    if (!token) return;
    api<{ branches: BranchRow[] }>('GET', '/api/branches', { token }).then(
      (r) => {
        setRows(r.branches);
        setError(null);
      },
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 401) {
          setToken(null);
          setTok(null);
        }
        setError(e instanceof ApiError ? e.message : String(e));
      },
    );
  }, [token]);
  useEffect(() => {
    load();
    const t = setInterval(load, REFRESH_MS);
    return () => clearInterval(t);
  }, [load]);

  if (!token) return <SignIn onToken={setTok} />;
  const attention = (rows ?? []).filter((b) => !b.online || b.devicesInTrouble.length || b.overTarget.length || b.alarms.length).length;
  return (
    <main class="hq">
      <header>
        <h1>总行运营 · Head office</h1>
        <p class="sub">
          {rows ? `${rows.length} 个网点 · branches, ${attention} 需关注 · need attention` : '…'}
        </p>
      </header>
      {error && <p role="alert">{error}</p>}
      {open ? <Detail id={open} token={token} onBack={() => setOpen(null)} /> : rows && <Branches rows={rows} onOpen={setOpen} />}
      <Reports token={token} />
    </main>
  );
}

render(<HqPage />, document.getElementById('app')!);

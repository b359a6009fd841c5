/**
 * Reports (/reports, supervisors): a day, week or month per service, counter and teller, with a
 * chart of waits per service, CSV export (fetched with the staff token, saved as a file) and a
 * print-friendly layout (print CSS hides the controls).
 */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import '../shared/base.css';
import '../dashboard/dashboard.css';
import './reports.css';
import { ApiError, api, getToken, setToken } from '../shared/api.js';
import { branchTime } from '../shared/branch-time.js';
import { errorLine } from '../shared/error-text.js';
import { PeriodPicker, saveCsv, usePeriod } from '../shared/period-picker.js';
import { SignIn } from '../shared/sign-in.js';
import type { Report, ReportRow } from '../../server/insights/reports.js';

// The answer's shape is the server's own type (a type-only import: no server code is bundled).
type Row = ReportRow;

const GROUPS: [Row['group'], string][] = [
  ['service', '按业务 · By service'],
  ['counter', '按窗口 · By counter'],
  ['teller', '按柜员 · By teller'],
];

const num = (x: number | null) => (x === null ? '—' : String(x));
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

function WaitChart({ rows }: { rows: Row[] }) {
  const max = Math.max(1, ...rows.map((r) => r.waitP90Minutes ?? 0));
  const barH = 18;
  const W = 640;
  const left = 170;
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${rows.length * (barH * 2 + 8) + 10}`} role="img" aria-label="waits per service">
      {rows.map((r, i) => {
        const y = 5 + i * (barH * 2 + 8);
        const w = (v: number | null) => ((v ?? 0) / max) * (W - left - 60);
        return (
          <g key={r.key}>
            <text x={0} y={y + barH} class="axis">
              {r.name}
            </text>
            <rect class="bar-served" x={left} y={y} width={w(r.waitP50Minutes)} height={barH} />
            <text x={left + w(r.waitP50Minutes) + 4} y={y + barH - 4} class="axis">
              p50 {num(r.waitP50Minutes)}
            </text>
            <rect class="bar-arrivals" x={left} y={y + barH} width={w(r.waitP90Minutes)} height={barH} />
            <text x={left + w(r.waitP90Minutes) + 4} y={y + 2 * barH - 4} class="axis">
              p90 {num(r.waitP90Minutes)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function Reports({ onSignOut }: { onSignOut: () => void }) {
  const choice = usePeriod();
  const { period, query } = choice;
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState('');
  // Signed in with an account that may not see reports (a lobby manager from the dashboard).
  const [forbidden, setForbidden] = useState(false);

  const load = useCallback(async () => {
    try {
      setReport(await api<Report>('GET', `/api/reports?${query}`));
      setError('');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) onSignOut();
      else if (e instanceof ApiError && e.status === 403) setForbidden(true);
      else setError(errorLine(e));
    }
  }, [query, onSignOut]);
  useEffect(() => void load(), [load]);

  const downloadCsv = async () => {
    const failed = await saveCsv(`/api/reports?${query}&format=csv`, `report-${report?.branch ?? 'branch'}-${period}-${report?.from ?? ''}.csv`);
    if (failed) setError(`未能导出 CSV（${failed}）· CSV export failed (${failed})`);
  };

  if (forbidden) {
    return (
      <main class="dash reports">
        <section class="card" role="alert" data-testid="reports-forbidden">
          <h1>报表 · Reports</h1>
          <p>
            报表需要主管或管理员账号，当前账号不能查看。
            <br />
            Reports need a supervisor or admin account; this account cannot open them.
          </p>
          <button
            type="button"
            data-testid="sign-in-again"
            onClick={() => {
              setToken(null);
              onSignOut();
            }}
          >
            换一个账号登录 · Sign in as someone else
          </button>{' '}
          <a href="/dashboard">返回看板 · Back to the dashboard</a>
        </section>
      </main>
    );
  }

  return (
    <main class="dash reports">
      <header>
        <h1>报表 · Reports</h1>
        <a href="/dashboard" class="no-print">
          看板 · Dashboard
        </a>
      </header>
      <PeriodPicker choice={choice} onCsv={() => void downloadCsv()}>
        <button type="button" onClick={() => window.print()}>
          打印 · Print
        </button>
      </PeriodPicker>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {report && (
        <>
          <p>
            {report.branch} · {report.from} – {report.to}
          </p>
          <h2>等候时间 · Waits per service (min)</h2>
          <WaitChart rows={report.rows.filter((r) => r.group === 'service')} />
          {GROUPS.map(([g, title]) => (
            <section key={g}>
              <h2>{title}</h2>
              <table data-group={g}>
                <thead>
                  <tr>
                    <th />
                    <th>号票 Tickets</th>
                    <th>办结 Served</th>
                    <th>过号率 No-show</th>
                    <th>等候 p50</th>
                    <th>等候 p90</th>
                    <th>办理均时 Service mean</th>
                    <th>达标 Within target</th>
                    <th>满意度 Satisfaction</th>
                  </tr>
                </thead>
                <tbody>
                  {report.rows
                    .filter((r) => r.group === g)
                    .map((r) => (
                      <tr key={r.key} data-key={r.key}>
                        <td>{r.name}</td>
                        <td>{r.tickets}</td>
                        <td>{r.served}</td>
                        <td>{pct(r.noShowRate)}</td>
                        <td>{num(r.waitP50Minutes)}</td>
                        <td>{num(r.waitP90Minutes)}</td>
                        <td>{num(r.serviceMeanMinutes)}</td>
                        <td>{pct(r.withinTarget)}</td>
                        <td>
                          {num(r.satisfaction)}
                          {r.ratings > 0 && <small> ({r.ratings})</small>}
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </section>
          ))}
          <section>
            <h2>系统故障中断 · Service interrupted by system faults</h2>
            {report.interruptions.length === 0 ? (
              <p class="muted">无 · None</p>
            ) : (
              <table data-group="interruptions">
                <thead>
                  <tr>
                    <th>窗口 Counter</th>
                    <th>柜员 Teller</th>
                    <th>开始 From</th>
                    <th>结束 To</th>
                    <th>分钟 Minutes</th>
                    <th>中断的号票 Interrupted ticket</th>
                  </tr>
                </thead>
                <tbody>
                  {report.interruptions.map((i) => (
                    <tr key={`${i.counterId}-${i.from}`} data-counter={i.counterId}>
                      <td>{i.counterId}</td>
                      <td>{i.staffId ?? '—'}</td>
                      <td>{branchTime(i.from, report.timeZone, { date: true, seconds: true })}</td>
                      <td>{i.to ? branchTime(i.to, report.timeZone, { date: true, seconds: true }) : '进行中 · ongoing'}</td>
                      <td>{i.minutes}</td>
                      <td>{i.ticketNumber ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </main>
  );
}

function App() {
  const [signedIn, setSignedIn] = useState(!!getToken());
  const signOut = useCallback(() => setSignedIn(false), []);
  if (!signedIn) return <SignIn title="报表 · Reports" note="需要主管或管理员账号 · Needs a supervisor or admin account" onDone={() => setSignedIn(true)} />;
  return <Reports onSignOut={signOut} />;
}

render(<App />, document.getElementById('app')!);

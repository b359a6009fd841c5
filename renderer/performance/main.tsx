/**
 * Staff performance (/performance, the bank's rule 二(二): performance built on customer
 * satisfaction). Supervisors see every teller for a day, week or month, grouped by service mix
 * (tellers are only compared with tellers serving the same services), with charts and a CSV
 * export; a teller signed in here sees only their own figures.
 */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import '../shared/base.css';
import '../dashboard/dashboard.css';
import './performance.css';
import { ApiError, api } from '../shared/api.js';
import { PeriodPicker, saveCsv, usePeriod } from '../shared/period-picker.js';
import { SignedIn, type Me } from '../shared/signed-in.js';
import { StaffHeader } from '../shared/staff-header.js';
import type { PerformanceRow } from '../../server/feedback/performance.js';

interface Config {
  services: { code: string; name: { zh: string; en: string } }[];
}

const num = (x: number | null, digits = 2) => (x === null ? '—' : x.toFixed(digits));

const REASON_NAMES: Record<string, string> = {
  priority: '优先客户 · priority customer',
  aged: '超时补位 · waited past target',
  fairness: '公平上限 · fairness cap',
  fifo: '顺序 · in order',
  primary: '主办业务 · primary service',
  secondary: '辅办业务 · secondary service',
};
const reasonName = (key: string) =>
  key
    .split('/')
    .map((p) => REASON_NAMES[p] ?? p)
    .join(' / ');

/** Horizontal bars of one figure per teller, for one service-mix group. */
function Bars({ rows, value, max, label, mark }: { rows: PerformanceRow[]; value: (r: PerformanceRow) => number | null; max: number; label: (r: PerformanceRow) => string; mark?: number }) {
  const W = 560;
  const left = 150;
  const barH = 20;
  const scale = (v: number) => (Math.max(0, v) / Math.max(max, 1e-9)) * (W - left - 90);
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${rows.length * (barH + 6) + 8}`} role="img">
      {rows.map((r, i) => {
        const y = 4 + i * (barH + 6);
        const v = value(r);
        return (
          <g key={r.staffId} data-staff={r.staffId}>
            <text x={0} y={y + barH - 5} class="axis">
              {r.name}
            </text>
            {v !== null && <rect class="bar-served" x={left} y={y} width={scale(v)} height={barH} />}
            <text x={left + (v === null ? 0 : scale(v)) + 4} y={y + barH - 5} class="axis">
              {label(r)}
            </text>
          </g>
        );
      })}
      {mark !== undefined && <line class="mark" x1={left + scale(mark)} x2={left + scale(mark)} y1={0} y2={rows.length * (barH + 6) + 8} />}
    </svg>
  );
}

function Group({ title, rows }: { title: string; rows: PerformanceRow[] }) {
  return (
    <section class="mix-group" data-group={title}>
      <h2>{title}</h2>
      <div class="charts">
        <figure>
          <figcaption>办结 · Served</figcaption>
          <Bars rows={rows} value={(r) => r.served} max={Math.max(...rows.map((r) => r.served))} label={(r) => String(r.served)} />
        </figure>
        <figure>
          <figcaption>满意度（5 分制）· Satisfaction (of 5)</figcaption>
          <Bars rows={rows} value={(r) => r.satisfaction.score} max={5} label={(r) => `${num(r.satisfaction.score)} (${r.satisfaction.ratings})`} />
        </figure>
        <figure>
          <figcaption>办理时长指数（1.00 = 同类业务平均）· Service time vs the branch for the same services</figcaption>
          <Bars rows={rows} value={(r) => r.serviceTimeIndex} max={Math.max(1.5, ...rows.map((r) => r.serviceTimeIndex ?? 0))} label={(r) => num(r.serviceTimeIndex)} mark={1} />
        </figure>
      </div>
      <Table rows={rows} />
    </section>
  );
}

function Table({ rows }: { rows: PerformanceRow[] }) {
  return (
    <table class="perf">
      <thead>
        <tr>
          <th>柜员 Teller</th>
          <th>办结 Served</th>
          <th>办理均时 Service (min)</th>
          <th>同类平均 Expected</th>
          <th>客户等候 Wait (min)</th>
          <th>满意度 Score</th>
          <th>评价数 Ratings</th>
          <th>投诉 Complaints</th>
          <th>叫号 Calls</th>
          <th>非顺序叫号 Out of order</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.staffId} data-staff={r.staffId}>
            <td>
              {r.name} <small>{r.staffId}</small>
            </td>
            <td data-col="served">{r.served}</td>
            <td data-col="meanServiceMinutes">{num(r.meanServiceMinutes)}</td>
            <td>{num(r.expectedServiceMinutes)}</td>
            <td data-col="meanWaitMinutes">{num(r.meanWaitMinutes)}</td>
            <td data-col="score">{num(r.satisfaction.score)}</td>
            <td data-col="ratings">{r.satisfaction.ratings}</td>
            <td data-col="complaints">{r.complaints}</td>
            <td>{r.calls}</td>
            <td data-col="outOfOrderCalls" title={Object.entries(r.outOfOrderReasons).map(([k, n]) => `${reasonName(k)}: ${n}`).join('\n')}>
              {r.outOfOrderCalls}
              {r.outOfOrderCalls > 0 && (
                <ul class="reasons">
                  {Object.entries(r.outOfOrderReasons).map(([k, n]) => (
                    <li key={k}>
                      {reasonName(k)}: {n}
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Mine({ row }: { row: PerformanceRow }) {
  return (
    <section class="mine" data-testid="mine">
      <h2>
        {row.name} ({row.staffId})
      </h2>
      <dl>
        <dt>办结 · Served</dt>
        <dd data-col="served">{row.served}</dd>
        <dt>办理均时 · Mean service</dt>
        <dd>{num(row.meanServiceMinutes)} min</dd>
        <dt>同类业务平均 · Branch mean for the same services</dt>
        <dd>{num(row.expectedServiceMinutes)} min</dd>
        <dt>客户平均等候 · Your customers' mean wait</dt>
        <dd>{num(row.meanWaitMinutes)} min</dd>
        <dt>满意度 · Satisfaction</dt>
        <dd data-col="score">
          {num(row.satisfaction.score)} / 5 ({row.satisfaction.ratings} 条评价 · ratings)
        </dd>
        <dt>评分分布 · Scores 1–5</dt>
        <dd>{row.scoreCounts.join(' · ')}</dd>
        <dt>投诉 · Complaints</dt>
        <dd>{row.complaints}</dd>
        <dt>非顺序叫号 · Out-of-order calls</dt>
        <dd>
          {row.outOfOrderCalls}
          {Object.entries(row.outOfOrderReasons).map(([k, n]) => ` · ${reasonName(k)}: ${n}`)}
        </dd>
      </dl>
    </section>
  );
}

function Performance({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const choice = usePeriod();
  const { period, query } = choice;
  const [rows, setRows] = useState<PerformanceRow[] | null>(null);
  const [services, setServices] = useState<Config['services']>([]);
  const [error, setError] = useState('');
  const all = me.roles.includes('supervisor') || me.roles.includes('admin');

  const load = useCallback(async () => {
    try {
      setRows(await api<PerformanceRow[]>('GET', `/api/performance?${query}`));
      setError('');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) onSignOut();
      else setError(e instanceof Error ? e.message : String(e));
    }
  }, [query, onSignOut]);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    api<Config>('GET', '/api/config').then((c) => setServices(c.services), () => undefined);
  }, []);

  const downloadCsv = async () => {
    const failed = await saveCsv(`/api/performance?${query}&format=csv`, `performance-${period}-${rows?.[0]?.from ?? ''}.csv`);
    if (failed) setError(`CSV: ${failed}`);
  };

  const groupTitle = (key: string) =>
    key === ''
      ? '本期未办理业务 · Served nobody this period'
      : key
          .split('+')
          .map((code) => services.find((s) => s.code === code)?.name.zh ?? code)
          .join(' + ') + ` · ${key}`;
  const groups = new Map<string, PerformanceRow[]>();
  for (const r of rows ?? []) groups.set(r.mixGroup, [...(groups.get(r.mixGroup) ?? []), r]);

  return (
    <main class="dash performance">
      <StaffHeader title={all ? '柜员绩效 · Staff performance' : '我的绩效 · My performance'} me={me} onSignOut={onSignOut} />
      <PeriodPicker choice={choice} onCsv={() => void downloadCsv()} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {rows && rows[0] && (
        <p class="muted">
          {rows[0].from} – {rows[0].to}
          {all && ' · 只在同一业务组合内比较 · Compare tellers only within a service mix'}
        </p>
      )}
      {rows && !all && rows[0] && <Mine row={rows[0]} />}
      {rows && all && [...groups.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b))).map(([key, rs]) => <Group key={key} title={groupTitle(key)} rows={rs} />)}
    </main>
  );
}

render(<SignedIn title="绩效 · Performance" note="主管看全部柜员，柜员只看本人 · Supervisors see every teller; tellers see their own figures" page={(me, signOut) => <Performance me={me} onSignOut={signOut} />} />, document.getElementById('app')!);

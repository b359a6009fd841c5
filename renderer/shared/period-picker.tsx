/**
 * The period picker of the staff report pages (/reports, /performance): day, week or month
 * around a date, the query string the service's report endpoints take, and the CSV export
 * (fetched with the staff token, since a plain link would not carry it, and saved as a file).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { getToken } from './api.js';

export interface PeriodChoice {
  period: string;
  setPeriod(period: string): void;
  date: string;
  setDate(date: string): void;
  /** `period=…[&date=…]` for the report endpoints. */
  query: string;
}

export function usePeriod(): PeriodChoice {
  const [period, setPeriod] = useState('day');
  const [date, setDate] = useState('');
  return { period, setPeriod, date, setDate, query: `period=${period}${date ? `&date=${date}` : ''}` };
}

/** Downloads `url` as CSV with the staff token and saves it as `fileName`; the HTTP status when it failed. */
export async function saveCsv(url: string, fileName: string): Promise<number | undefined> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${getToken() ?? ''}` } });
  if (!res.ok) return res.status;
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return undefined;
}

/** The controls: period, date, Export CSV, then the page's own buttons (e.g. Print). Hidden when printing. */
export function PeriodPicker({ choice, onCsv, children }: { choice: PeriodChoice; onCsv: () => void; children?: ComponentChildren }) {
  return (
    <form class="controls no-print" onSubmit={(e) => e.preventDefault()}>
      <label>
        周期 · Period{' '}
        <select value={choice.period} onChange={(e) => choice.setPeriod(e.currentTarget.value)} name="period">
          <option value="day">日 · Day</option>
          <option value="week">周 · Week</option>
          <option value="month">月 · Month</option>
        </select>
      </label>
      <label>
        日期 · Date <input type="date" name="date" value={choice.date} onInput={(e) => choice.setDate(e.currentTarget.value)} />
      </label>
      <button type="button" onClick={onCsv}>
        导出 CSV · Export CSV
      </button>
      {children}
    </form>
  );
}

/**
 * Times on staff pages in the branch's own time zone. A staff PC's clock zone is whatever its
 * image was built with (often UTC at a bank's IT desk), so no page formats a time with the
 * browser's zone: a visit at 09:12 in the branch reads 09:12 on every screen.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string, withDate: boolean, withSeconds: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withDate}|${withSeconds}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('zh-CN', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      ...(withSeconds ? { second: '2-digit' } : {}),
      hourCycle: 'h23',
      ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
    });
    formats.set(key, f);
  }
  return f;
}

export interface TimeOptions {
  /** "2026/03/25 09:12" rather than "09:12". */
  date?: boolean;
  /** "09:12:05" rather than "09:12". */
  seconds?: boolean;
}

/** A moment (ISO text or epoch ms) as the branch's wall clock showed it; "—" when there is none. */
export function branchTime(at: string | number | undefined | null, timeZone: string, options: TimeOptions = {}): string {
  if (at === undefined || at === null || at === '') return '—';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '—';
  return format(timeZone, options.date ?? false, options.seconds ?? false).format(d);
}

/** Today's date in the branch's time zone, YYYY-MM-DD. */
export function branchToday(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

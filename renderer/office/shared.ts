/** What the back office's sections share: the branch's configuration as pages see it, words, times. */
import { branchTime } from '../shared/branch-time.js';

export interface L {
  zh: string;
  en: string;
}

export interface BranchInfo {
  branch: { id: string; name: L; timeZone: string };
  services: { code: string; prefix: string; name: L }[];
  counters: { id: string; name: L; services: { code: string; level: string }[] }[];
  segments: { code: string; name: L; priority: boolean }[];
  pauseReasons: { code: string; name: L }[];
}

export interface Me {
  staffId: string;
  name: string;
  roles: string[];
}

export const has = (me: Me, ...roles: string[]) => me.roles.some((r) => roles.includes(r));

export const STATUS: Record<string, L> = {
  waiting: { zh: '等候中', en: 'Waiting' },
  called: { zh: '已叫号', en: 'Called' },
  serving: { zh: '办理中', en: 'Being served' },
  done: { zh: '已办结', en: 'Served' },
  no_show: { zh: '过号', en: 'Missed (no-show)' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  transferred: { zh: '已转移', en: 'Transferred' },
};

export const ROLES: Record<string, L> = {
  teller: { zh: '柜员', en: 'Teller' },
  lobby: { zh: '大堂经理', en: 'Lobby manager' },
  supervisor: { zh: '网点主管', en: 'Supervisor' },
  admin: { zh: '管理员', en: 'Admin' },
};

export const both = (l: L | undefined, fallback = '') => (l ? `${l.zh} · ${l.en}` : fallback);

/** "09:12:05" (or with the date, for another day) in the branch's time zone. */
export function localTime(iso: string | undefined, timeZone: string, withDate = false): string {
  return branchTime(iso, timeZone, { date: withDate, seconds: true });
}

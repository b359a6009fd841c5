/**
 * Staffing advice per service (GET /api/staffing and the dashboard): the last hour's arrival
 * rate, the learned mean service time and the open counters that serve the service (primary or
 * secondary), through Erlang C. It never asks for another counter while nobody waits for the
 * service or a counter that serves it stands idle, and every figure it quotes is labelled.
 */
import { adviseStaffing, type StaffingAdvice } from '../../core/staffing.js';
import type { Localized } from '../../core/types.js';
import type { TicketFact } from '../../db/insights-store.js';
import type { BranchService } from '../branch-service.js';

/** The share to serve within the target wait. */
export const SERVICE_LEVEL_GOAL = 0.9;
const WINDOW_MINUTES = 60;

export type StaffingView = StaffingAdvice & { name: Localized; text: Localized; waiting: number; idleCounters: number };

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function staffingAdvice(service: BranchService, facts: TicketFact[], now: number, goal = SERVICE_LEVEL_GOAL): StaffingView[] {
  const config = service.queueConfig;
  const from = now - WINDOW_MINUTES * 60_000;
  return config.services
    .filter((s) => s.enabled)
    .map((s) => {
      const arrivals = facts.filter((f) => f.serviceCode === s.code && !f.transferredFrom && f.issuedAt > from && f.issuedAt <= now).length;
      // Every counter that serves it counts: secondary counters take its customers too (reserve duty).
      const serving = config.counters.filter((c) => c.services.some((x) => x.code === s.code));
      const open = serving.filter((c) => service.counterState(c.id).status !== 'closed');
      const idle = open.filter((c) => {
        const st = service.counterState(c.id);
        return st.status === 'open' && !st.currentTicketId;
      });
      const level = (c: (typeof serving)[number]) => (c.services.find((x) => x.code === s.code)?.level === 'primary' ? 0 : 1);
      const closed = serving
        .filter((c) => service.counterState(c.id).status === 'closed')
        .sort((a, b) => level(a) - level(b))
        .map((c) => c.id);
      const waiting = service.waitingCount(s.code);
      const advice = adviseStaffing({
        serviceCode: s.code,
        arrivalsPerHour: (arrivals * 60) / WINDOW_MINUTES,
        meanServiceMinutes: service.meanServiceMinutes(s.code),
        servers: open.length,
        targetWaitMinutes: s.targetWaitMinutes,
        goal,
        closedCounters: closed,
      });
      // Never "open another counter" while nobody waits for it or a counter that serves it stands idle.
      const settled = advice.action === 'open_counter' && (waiting === 0 || idle.length > 0) ? { ...advice, action: 'ok' as const, counterToOpen: undefined } : advice;
      const counterName = (id: string | undefined) => config.counters.find((c) => c.id === id)?.name;
      return { ...settled, waiting, idleCounters: idle.length, name: s.name, text: adviceText(settled, s.name, waiting, counterName(settled.counterToOpen)) };
    });
}

function figures(a: StaffingAdvice, waiting: number): Localized {
  return {
    zh: `最近一小时到达 ${a.arrivalsPerHour} 人，平均办理 ${a.meanServiceMinutes} 分钟，开放窗口 ${a.servers} 个，正在等候 ${waiting} 人`,
    en: `${a.arrivalsPerHour} arrivals in the last hour, ${a.meanServiceMinutes} min average service, ${a.servers} counter${a.servers === 1 ? '' : 's'} open, ${waiting} waiting`,
  };
}

function adviceText(a: StaffingAdvice, name: Localized, waiting: number, counter: Localized | undefined): Localized {
  const f = figures(a, waiting);
  switch (a.action) {
    case 'open_counter': {
      const which = counter ? { zh: `（可开 ${counter.zh}）`, en: ` (${counter.en} could open)` } : { zh: '', en: '' };
      return {
        zh: `建议增开一个办理${name.zh}的窗口${which.zh}：按现在的客流，预计只有 ${pct(a.serviceLevelNow)} 的客户能在 ${a.targetWaitMinutes} 分钟内办理，增开后约 ${pct(a.serviceLevelPlusOne)}（目标 ${pct(a.goal)}）。${f.zh}`,
        en: `Open one more counter for ${name.en}${which.en}: at this pace only ${pct(a.serviceLevelNow)} would be served within ${a.targetWaitMinutes} min, about ${pct(a.serviceLevelPlusOne)} with one more (goal ${pct(a.goal)}). ${f.en}`,
      };
    }
    case 'could_close':
      return {
        zh: `${name.zh}：少开一个窗口仍可达到目标（预计 ${pct(a.serviceLevelNow)} 在 ${a.targetWaitMinutes} 分钟内）。${f.zh}`,
        en: `${name.en}: one counter fewer would still meet the goal (${pct(a.serviceLevelNow)} within ${a.targetWaitMinutes} min). ${f.en}`,
      };
    case 'no_demand':
      return { zh: `${name.zh}：最近一小时没有新客户`, en: `${name.en}: no new customers in the last hour` };
    default:
      return {
        zh: `${name.zh}：人手足够。${f.zh}`,
        en: `${name.en}: staffing is enough. ${f.en}`,
      };
  }
}

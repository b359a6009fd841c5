/**
 * Staffing advice per service (GET /api/staffing and the dashboard): the last hour's arrival
 * rate, the learned mean service time and the open primary counters, through Erlang C.
 */
import { adviseStaffing, type StaffingAdvice } from '../../core/staffing.js';
import type { Localized } from '../../core/types.js';
import type { TicketFact } from '../../db/insights-store.js';
import type { BranchService } from '../branch-service.js';

/** The share to serve within the target wait. */
export const SERVICE_LEVEL_GOAL = 0.9;
const WINDOW_MINUTES = 60;

export type StaffingView = StaffingAdvice & { name: Localized; text: Localized };

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function staffingAdvice(service: BranchService, facts: TicketFact[], now: number, goal = SERVICE_LEVEL_GOAL): StaffingView[] {
  const config = service.queueConfig;
  const from = now - WINDOW_MINUTES * 60_000;
  return config.services
    .filter((s) => s.enabled)
    .map((s) => {
      const arrivals = facts.filter((f) => f.serviceCode === s.code && !f.transferredFrom && f.issuedAt > from && f.issuedAt <= now).length;
      const primaryCounters = config.counters.filter((c) => c.services.some((x) => x.code === s.code && x.level === 'primary'));
      const open = primaryCounters.filter((c) => service.counterState(c.id).status !== 'closed');
      const closed = primaryCounters.filter((c) => service.counterState(c.id).status === 'closed').map((c) => c.id);
      const advice = adviseStaffing({
        serviceCode: s.code,
        arrivalsPerHour: (arrivals * 60) / WINDOW_MINUTES,
        meanServiceMinutes: service.meanServiceMinutes(s.code),
        servers: open.length,
        targetWaitMinutes: s.targetWaitMinutes,
        goal,
        closedCounters: closed,
      });
      return { ...advice, name: s.name, text: adviceText(advice, s.name) };
    });
}

function adviceText(a: StaffingAdvice, name: Localized): Localized {
  const figures = `${a.arrivalsPerHour}/h, ${a.meanServiceMinutes} min, ${a.servers}`;
  switch (a.action) {
    case 'open_counter': {
      const which = a.counterToOpen ? ` (${a.counterToOpen})` : '';
      return {
        zh: `建议增开一个${name.zh}窗口${which}，以便 ${pct(a.goal)} 的客户在 ${a.targetWaitMinutes} 分钟内办理：现在预计 ${pct(a.serviceLevelNow)}，增开后 ${pct(a.serviceLevelPlusOne)}（${figures}）`,
        en: `Open one more ${name.en} counter${which} to serve ${pct(a.goal)} within ${a.targetWaitMinutes} minutes: predicted ${pct(a.serviceLevelNow)} now, ${pct(a.serviceLevelPlusOne)} with one more (${figures})`,
      };
    }
    case 'could_close':
      return {
        zh: `${name.zh}：少开一个窗口仍可达到目标（现在 ${pct(a.serviceLevelNow)}）`,
        en: `${name.en}: one counter fewer would still meet the goal (now ${pct(a.serviceLevelNow)})`,
      };
    case 'no_demand':
      return { zh: `${name.zh}：最近一小时无客户`, en: `${name.en}: no customers in the last hour` };
    default:
      return {
        zh: `${name.zh}：人手足够（预计 ${pct(a.serviceLevelNow)} 在 ${a.targetWaitMinutes} 分钟内）`,
        en: `${name.en}: staffing is enough (predicted ${pct(a.serviceLevelNow)} within ${a.targetWaitMinutes} min)`,
      };
  }
}

/** A one-service branch for checking the simulator against queueing theory (M/M/c). */
import type { QueueConfig } from '../../core/types.js';
import { parseProfile, type SimProfile } from '../../sim/profile.js';

const ALL_DAY = [{ open: '00:00', close: '24:00' }];

export function mmcConfig(counters: number): QueueConfig {
  return {
    branch: { id: 'mmc', name: { zh: '测试', en: 'M/M/c' }, timeZone: 'Asia/Shanghai', dayStartsAt: '00:00', hours: { weekly: Array.from({ length: 7 }, () => ALL_DAY), closedDates: [] } },
    // Numbers up to 999999: a long simulated day issues far more tickets than a real one.
    services: [{ code: 'A', prefix: 'A', name: { zh: '现金', en: 'Cash' }, range: { from: 1, to: 999_999 }, targetWaitMinutes: 1, typicalServiceMinutes: 0.05, selfService: [], enabled: true }],
    counters: Array.from({ length: counters }, (_, i) => ({ id: String(i + 1), name: { zh: `${i + 1}`, en: `${i + 1}` }, services: [{ code: 'A', level: 'primary' as const }] })),
    segments: [{ code: 'regular', name: { zh: '普通', en: 'Regular' }, priority: false }],
    rules: { tiers: 'reserve', fairnessCap: 3, ageing: false, maxRecalls: 2, maxRejoins: 1, autoCompleteOnNext: true, pauseReasons: [{ code: 'break', name: { zh: '休息', en: 'Break' } }] },
    roster: [],
  };
}

/** Poisson arrivals at `perHour`, exponential service with mean `meanMinutes`, c counters all day. */
export function mmcProfile(counters: number, perHour: number, meanMinutes: number): SimProfile {
  return parseProfile({
    name: `M/M/${counters}`,
    config: 'inline',
    date: '2026-03-02',
    seed: 1,
    open: '00:00',
    close: '23:00',
    arrivals: { perHour: { A: perHour }, shape: {}, paydays: [], paydayFactor: 1, segments: { regular: 1 }, segmentsByService: {} },
    serviceTimes: { A: { dist: 'exponential', meanMinutes } },
    behaviour: { noShow: 0, noShowPerMinuteOfWait: 0, walkSeconds: 0, recallSeconds: 30 },
    counters: Object.fromEntries(Array.from({ length: counters }, (_, i) => [String(i + 1), { open: '00:00', close: '23:59', breaks: [] }])),
  }, 'M/M/c profile');
}

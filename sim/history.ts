/**
 * The branch's own history before a simulated day, as its database would hold it: for each of
 * the profile's `historyDays` before the first simulated day, the customers of that day
 * (arrivals from the profile, on that weekday) and how long their services took (drawn from the
 * profile). Only what the estimator learns across days is made — arrivals by weekday and hour,
 * service times by hour — so a fortnight of history costs next to nothing. It is drawn from
 * its own random stream: the simulated days are the same with or without it.
 */
import { BranchHistory, type BranchHistoryState } from '../core/branch-history.js';
import { addDays } from '../common/local-time.js';
import type { QueueConfig } from '../core/types.js';
import type { SimProfile } from './profile.js';
import { Random } from './random.js';
import { arrivalsOf, drawServiceMinutes, serviceFactorAt } from './arrivals.js';
import { branchOpensOn } from './staffing.js';

export function syntheticHistory(profile: SimProfile, config: QueueConfig, seed: number, firstDay: string, days: number): BranchHistoryState | undefined {
  if (days <= 0) return undefined;
  const rng = Random.stream(seed, 'history');
  const priority = new Set(config.segments.filter((s) => s.priority).map((s) => s.code));
  const history = new BranchHistory(config.branch.timeZone);
  for (let d = days; d >= 1; d--) {
    const date = addDays(firstDay, -d);
    if (!branchOpensOn(config, date)) continue;
    for (const a of arrivalsOf(profile, config, date, rng)) {
      history.arrival(a.service, priority.has(a.segment), date, a.at);
      const spec = profile.serviceTimes[a.service];
      if (!spec) continue;
      // Service starts are spread over the day like the arrivals; the hour is what counts.
      history.served(a.service, date, a.at, drawServiceMinutes(spec, rng) * serviceFactorAt(profile, a.at, config.branch.timeZone));
    }
    history.closeDay();
  }
  return history.toState();
}

/**
 * `npm run simulate -- [--profile FILE] [--seed N] [--days N] [--storage file|memory|none]
 *  [--db FILE] [--durable] [--json]`: runs a simulated business day through the real engine and
 * database and prints waits, no-shows, utilisation and the wait estimator's accuracy.
 * `npm run simulate -- --profiles DIR [--seeds 1-10] [--tiers reserve|strict] [--warmup-days N] [--json]`:
 * every profile in DIR over those seeds, one line of service-quality figures per profile
 * (sim/evaluate.ts); `--tiers` replaces every branch's calling policy, `--warmup-days` every
 * profile's warm-up (0: the estimator's calibration starts cold, as on a branch's first day).
 */
import { parseArgs } from 'node:util';
import { DomainError } from '../common/errors.js';
import { allBarsHold, evaluateProfile, formatEvaluation, loadProfiles, parseSeeds, withTiers } from './evaluate.js';
import { loadProfile, SAMPLE_PROFILE_PATH } from './profile.js';
import { simulate, type SimStorage } from './simulator.js';
import { summarise, type SimSummary, type WaitStats } from './summary.js';

function table(title: string, rows: Record<string, WaitStats>): string {
  const head = `${title.padEnd(12)} ${'tickets'.padStart(7)} ${'mean'.padStart(6)} ${'p50'.padStart(6)} ${'p90'.padStart(6)} ${'max'.padStart(6)} ${'≤target'.padStart(8)} ${'no-show'.padStart(8)}`;
  const lines = Object.entries(rows).map(
    ([k, s]) =>
      `${k.padEnd(12)} ${String(s.tickets).padStart(7)} ${s.meanWait.toFixed(1).padStart(6)} ${s.p50Wait.toFixed(1).padStart(6)} ${s.p90Wait.toFixed(1).padStart(6)} ${s.maxWait.toFixed(1).padStart(6)} ${`${(s.withinTarget * 100).toFixed(0)}%`.padStart(8)} ${String(s.noShows).padStart(8)}`,
  );
  return [head, ...lines].join('\n');
}

export function formatSummary(s: SimSummary): string {
  const e = s.estimator;
  return [
    `${s.profile} — seed ${s.seed}, ${s.days.join(', ')}: ${s.customers} customers`,
    '',
    'Waits in minutes (issue to first call)',
    table('service', s.byService),
    '',
    table('segment', s.bySegment),
    '',
    'Counters',
    ...s.counters.map((c) => `  ${c.id.padEnd(4)} served ${String(c.served).padStart(4)}  utilisation ${(c.utilisation * 100).toFixed(0).padStart(3)}%  open ${c.openMinutes.toFixed(0)} min  paused ${c.pausedMinutes.toFixed(0)} min`),
    '',
    `Wait estimate over ${e.tickets} tickets`,
    `  inside the printed range: ${(e.insideRange * 100).toFixed(1)}%   mean range width ${e.meanRangeWidth.toFixed(1)} min   interval score ${e.intervalScore.toFixed(1)}`,
    `  mean absolute error: estimator ${e.maeEstimator.toFixed(2)} min, queue length (n+1)/(s·μ) ${e.maeBaseline.toFixed(2)} min, delay history ${e.maeDelayBaseline.toFixed(2)} min`,
    `  with someone ahead:  estimator ${e.maeEstimatorQueued.toFixed(2)} min, baseline ${e.maeBaselineQueued.toFixed(2)} min`,
    '',
    `${s.commands} engine commands (warm-up days included) in ${(s.elapsedMs / 1000).toFixed(2)} s`,
  ].join('\n');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: SAMPLE_PROFILE_PATH },
      profiles: { type: 'string' },
      seed: { type: 'string' },
      seeds: { type: 'string', default: '1-10' },
      tiers: { type: 'string' },
      'warmup-days': { type: 'string' },
      days: { type: 'string', default: '1' },
      storage: { type: 'string', default: 'file' },
      db: { type: 'string' },
      durable: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (!['file', 'memory', 'none'].includes(values.storage)) throw new Error('--storage is file, memory or none');
  if (values.profiles !== undefined) {
    const seeds = parseSeeds(values.seeds);
    // Engine alone unless asked: many days, and the database adds nothing to these figures.
    const storage = process.argv.some((a) => a.startsWith('--storage')) ? (values.storage as SimStorage) : 'none';
    const tiers = values.tiers;
    if (tiers !== undefined && tiers !== 'reserve' && tiers !== 'strict') throw new DomainError('BAD_ARGUMENTS', `--tiers "${tiers}": reserve or strict`);
    const warmupText = values['warmup-days'];
    const warmupDays = warmupText !== undefined ? Number(warmupText) : undefined;
    if (warmupDays !== undefined && !(Number.isInteger(warmupDays) && warmupDays >= 0 && warmupDays <= 60)) {
      throw new DomainError('BAD_ARGUMENTS', `--warmup-days "${warmupText}": a whole number of days, 0 to 60`);
    }
    const loaded = loadProfiles(values.profiles);
    const cases = tiers !== undefined ? withTiers(loaded, tiers) : loaded;
    const started = performance.now();
    const rows = cases.map((c) => evaluateProfile(c, seeds, { storage, warmupDays }));
    if (values.json) console.log(JSON.stringify(rows, null, 2));
    else {
      const options = [tiers !== undefined ? `calling rules: ${tiers}` : '', warmupDays !== undefined ? `warm-up days: ${warmupDays}` : ''].filter(Boolean).join(', ');
      console.log(`${rows.length} profiles × seeds ${values.seeds}${options ? ` (${options})` : ''} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
      console.log(formatEvaluation(rows));
      console.log(`\n${allBarsHold(rows) ? 'All bars hold.' : 'Some bars are missed (marked !).'}`);
    }
    return;
  }
  const { profile, config } = loadProfile(values.profile);
  const result = simulate({
    profile,
    config,
    seed: values.seed !== undefined ? Number(values.seed) : undefined,
    days: Number(values.days),
    storage: values.storage as SimStorage,
    dbPath: values.db,
    durable: values.durable,
  });
  const summary = summarise(result, config);
  console.log(values.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
}

try {
  main();
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}

/**
 * The service-quality bars on every branch-day profile in sim/profiles/, over the seeds the
 * estimator and the calling rules were developed on (1–10). The same bars on seeds never used
 * while tuning are in bars-heldout.test.ts. Figures: `npm run simulate -- --profiles sim/profiles --seeds 1-10`.
 */
import { describe, test } from 'vitest';
import { evaluateProfile, loadProfiles, parseSeeds } from '../../sim/evaluate.js';
import { assertBars, PROFILES_DIR } from '../support/bars.js';

const SEEDS = parseSeeds('1-10');

describe('service-quality bars, seeds 1–10', () => {
  for (const c of loadProfiles(PROFILES_DIR)) {
    test(`${c.id}: coverage, width, error against both baselines, no starved line, no VIP left`, () => {
      assertBars(evaluateProfile(c, SEEDS));
    });
  }
});

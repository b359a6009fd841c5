/**
 * The service-quality bars on every branch-day profile, on seeds the estimator and the calling
 * rules were never adjusted on (1001–1012): the ranges must hold on days nobody tuned them to.
 */
import { describe, test } from 'vitest';
import { evaluateProfile, loadProfiles, parseSeeds } from '../../sim/evaluate.js';
import { assertBars, PROFILES_DIR } from '../support/bars.js';

const HELD_OUT = parseSeeds('1001-1012');

describe('service-quality bars, held-out seeds 1001–1012', () => {
  for (const c of loadProfiles(PROFILES_DIR)) {
    test(`${c.id}: coverage, width, error against both baselines, no starved line, no VIP left`, () => {
      assertBars(evaluateProfile(c, HELD_OUT));
    });
  }
});

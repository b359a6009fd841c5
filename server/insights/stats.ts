/** Small statistics shared by the dashboard and the reports. */
export { quantile } from '../../core/wait-calibration.js';
import { accuracyTotals } from '../../core/estimate-accuracy.js';

export const MINUTE = 60_000;

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Estimator accuracy over tickets whose wait is known (first call, no rejoin). */
export interface Accuracy {
  tickets: number;
  insideRange: number | null;
  meanRangeWidth: number | null;
  maeEstimator: number | null;
  maeBaseline: number | null;
}

export function accuracyOf(rows: { issuedAt: number; calledAt: number | null; rejoins: number; estMin: number | null; estMax: number | null; estExpected: number | null; estBaseline: number | null }[]): Accuracy {
  const t = accuracyTotals(
    rows.flatMap((r) =>
      r.calledAt === null || r.rejoins > 0 || r.estMin === null || r.estMax === null
        ? []
        : [{ waitMinutes: (r.calledAt - r.issuedAt) / MINUTE, minMinutes: r.estMin, maxMinutes: r.estMax, expectedMinutes: r.estExpected, baselineMinutes: r.estBaseline }],
    ),
  );
  const n = t.tickets;
  return {
    tickets: n,
    insideRange: n ? round(t.inside / n, 3) : null,
    meanRangeWidth: n ? round(t.widthSum / n, 1) : null,
    maeEstimator: t.points ? round(t.errorEstimator / t.points) : null,
    maeBaseline: t.points ? round(t.errorBaseline / t.points) : null,
  };
}

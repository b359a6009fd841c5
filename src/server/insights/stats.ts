/** Small statistics shared by the dashboard and the reports. */
export { quantile } from '../../core/wait-calibration.js';

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
  let n = 0;
  let inside = 0;
  let width = 0;
  let e = 0;
  let b = 0;
  let points = 0;
  for (const r of rows) {
    if (r.calledAt === null || r.rejoins > 0 || r.estMin === null || r.estMax === null) continue;
    const w = (r.calledAt - r.issuedAt) / MINUTE;
    n++;
    if (w >= r.estMin && w <= r.estMax) inside++;
    width += r.estMax - r.estMin;
    if (r.estExpected !== null && r.estBaseline !== null) {
      points++;
      e += Math.abs(r.estExpected - w);
      b += Math.abs(r.estBaseline - w);
    }
  }
  return {
    tickets: n,
    insideRange: n ? round(inside / n, 3) : null,
    meanRangeWidth: n ? round(width / n, 1) : null,
    maeEstimator: points ? round(e / points) : null,
    maeBaseline: points ? round(b / points) : null,
  };
}

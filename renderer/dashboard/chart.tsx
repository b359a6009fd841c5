/**
 * A small SVG chart of today's arrivals and served customers per 15 minutes (bars) against the
 * same weekday's average (lines). Drawn by hand: a few dozen bars do not need a chart library.
 */
export interface Bucket {
  start: string;
  arrivals: number;
  served: number;
  avgArrivals: number | null;
  avgServed: number | null;
}

const W = 720;
const H = 220;
const PAD = { l: 34, r: 8, t: 10, b: 28 };

export function TimelineChart({ buckets }: { buckets: Bucket[] }) {
  if (buckets.length === 0) return <p class="muted">今天还没有数据 · No data yet today</p>;
  const max = Math.max(1, ...buckets.flatMap((b) => [b.arrivals, b.served, b.avgArrivals ?? 0, b.avgServed ?? 0]));
  const plotW = W - PAD.l - PAD.r;
  const plotH = H - PAD.t - PAD.b;
  const step = plotW / buckets.length;
  const y = (v: number) => PAD.t + plotH - (v / max) * plotH;
  const barW = Math.max(1, step / 2 - 1);
  const line = (pick: (b: Bucket) => number | null) =>
    buckets
      .map((b, i) => (pick(b) === null ? null : `${PAD.l + i * step + step / 2},${y(pick(b)!)}`))
      .filter(Boolean)
      .join(' ');
  const ticks = [0, Math.round(max / 2), max];
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="arrivals and served per 15 minutes">
      {ticks.map((t) => (
        <g key={t}>
          <line x1={PAD.l} x2={W - PAD.r} y1={y(t)} y2={y(t)} class="grid" />
          <text x={PAD.l - 4} y={y(t) + 4} text-anchor="end" class="axis">
            {t}
          </text>
        </g>
      ))}
      {buckets.map((b, i) => (
        <g key={b.start}>
          <rect class="bar-arrivals" x={PAD.l + i * step + 1} y={y(b.arrivals)} width={barW} height={PAD.t + plotH - y(b.arrivals)}>
            <title>{`${b.start} 到达 arrivals ${b.arrivals}`}</title>
          </rect>
          <rect class="bar-served" x={PAD.l + i * step + 1 + barW} y={y(b.served)} width={barW} height={PAD.t + plotH - y(b.served)}>
            <title>{`${b.start} 办结 served ${b.served}`}</title>
          </rect>
          {i % 4 === 0 && (
            <text x={PAD.l + i * step} y={H - 8} class="axis">
              {b.start}
            </text>
          )}
        </g>
      ))}
      <polyline class="avg-arrivals" points={line((b) => b.avgArrivals)} fill="none" />
      <polyline class="avg-served" points={line((b) => b.avgServed)} fill="none" />
    </svg>
  );
}

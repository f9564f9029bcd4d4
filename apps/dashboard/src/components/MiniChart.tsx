// A small inline-SVG chart of a series over time (bars for counts, dots and lines for values with gaps).
export interface ChartPoint {
  /** Start of the bucket (unix seconds): the x axis. */
  x: number;
  /** null: no samples in the bucket (drawn as a gap, not as zero). */
  y: number | null;
  /** What a pointer hover shows for this point. */
  title: string;
  /** Drawn in the failure color (a failed probe, a bucket with failures). */
  bad?: boolean;
}

const W = 240;
const H = 56;
const PAD = 3;

/** Heights scaled to the largest value (or `max`), so small series still show their shape. */
export function scaleY(points: readonly { y: number | null }[], max?: number): (y: number) => number {
  const top = max ?? Math.max(0, ...points.map((p) => p.y ?? 0));
  return (y) => (top > 0 ? H - PAD - (y / top) * (H - 2 * PAD) : H - PAD);
}

export function MiniChart({
  points,
  kind,
  max,
  label,
  testId,
}: {
  points: readonly ChartPoint[];
  kind: "bars" | "dots";
  max?: number;
  label: string;
  testId?: string;
}) {
  const n = points.length;
  const y = scaleY(points, max);
  const step = n > 0 ? (W - 2 * PAD) / n : 0;
  const cx = (i: number) => PAD + step * (i + 0.5);
  // Consecutive non-empty buckets are joined; an empty bucket breaks the line.
  const runs: string[] = [];
  let run: string[] = [];
  points.forEach((p, i) => {
    if (p.y == null) {
      if (run.length > 1) runs.push(run.join(" "));
      run = [];
    } else run.push(`${cx(i).toFixed(1)},${y(p.y).toFixed(1)}`);
  });
  if (run.length > 1) runs.push(run.join(" "));
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid={testId}>
      <title>{label}</title>
      <line x1={0} x2={W} y1={H - PAD + 0.5} y2={H - PAD + 0.5} className="chart-axis" />
      {kind === "bars"
        ? points.map((p, i) => {
            if (p.y == null) return null;
            // A failure without a value (no answer) still shows as a stub.
            const top = p.bad ? Math.min(y(p.y), H - PAD - 4) : y(p.y);
            return (
              <rect
                key={i}
                x={PAD + step * i + step * 0.12}
                width={Math.max(1, step * 0.76)}
                y={top}
                height={H - PAD - top}
                className={p.bad ? "chart-bar chart-bad" : "chart-bar"}
              >
                <title>{p.title}</title>
              </rect>
            );
          })
        : null}
      {kind === "dots" ? runs.map((r, i) => <polyline key={i} points={r} className="chart-line" />) : null}
      {kind === "dots"
        ? points.map((p, i) =>
            p.y == null ? null : (
              <circle key={i} cx={cx(i)} cy={y(p.y)} r={2.2} className={p.bad ? "chart-dot chart-bad" : "chart-dot"}>
                <title>{p.title}</title>
              </circle>
            ),
          )
        : null}
    </svg>
  );
}

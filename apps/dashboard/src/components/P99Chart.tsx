// One metric around a go-live, as inline SVG: each snapshot's p99 as a dot, the sample-weighted p99 of each
// side as a line across its window, and the go-live as a vertical rule.
import { formatMs, formatTime } from "../format.js";
import type { Outputs } from "../trpc.js";

type Snapshot = Outputs["deploys"]["correlations"]["perf"]["before"][number];
type Windows = NonNullable<Outputs["deploys"]["correlations"]["windows"]>;

const W = 320;
const H = 90;
const PAD = 6;

export function P99Chart({
  metric,
  windows,
  before,
  after,
  p99Before,
  p99After,
  verdict,
}: {
  metric: string;
  windows: Windows;
  before: readonly Snapshot[];
  after: readonly Snapshot[];
  p99Before: number | null;
  p99After: number | null;
  verdict: string;
}) {
  const t0 = windows.before.from;
  const t1 = Math.max(windows.after.to, t0 + 1);
  const top = Math.max(1, p99Before ?? 0, p99After ?? 0, ...before.map((s) => s.p99), ...after.map((s) => s.p99)) * 1.1;
  const x = (t: number) => PAD + ((t - t0) / (t1 - t0)) * (W - 2 * PAD);
  const y = (v: number) => H - PAD - (v / top) * (H - 2 * PAD);
  const live = x(windows.after.from);
  const label = `${metric}: p99 ${formatMs(p99Before)} before, ${formatMs(p99After)} after (${verdict.replace("_", " ")})`;
  return (
    <svg className="chart p99-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid="p99-chart" data-metric={metric}>
      <title>{label}</title>
      <rect x={PAD} y={PAD} width={Math.max(0, live - PAD)} height={H - 2 * PAD} className="chart-before-bg" />
      <line x1={PAD} x2={W - PAD} y1={H - PAD + 0.5} y2={H - PAD + 0.5} className="chart-axis" />
      <line x1={live} x2={live} y1={2} y2={H - 2} className="chart-golive">
        <title>go-live {formatTime(windows.after.from)}</title>
      </line>
      {p99Before != null ? (
        <line x1={x(windows.before.from)} x2={live} y1={y(p99Before)} y2={y(p99Before)} className="chart-mean chart-mean-before" />
      ) : null}
      {p99After != null ? (
        <line x1={live} x2={x(windows.after.to)} y1={y(p99After)} y2={y(p99After)} className={`chart-mean verdict-line-${verdict}`} />
      ) : null}
      {[...before, ...after].map((s) => (
        <circle
          key={s.id}
          cx={x(s.windowStart)}
          cy={y(s.p99)}
          r={2.4}
          className={s.windowStart < windows.after.from ? "chart-dot chart-dot-before" : "chart-dot"}
        >
          <title>
            {formatTime(s.windowStart)} · p99 {formatMs(s.p99)} · {s.samples} samples
          </title>
        </circle>
      ))}
    </svg>
  );
}

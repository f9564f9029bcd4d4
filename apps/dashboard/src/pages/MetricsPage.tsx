// Metrics of one environment over a range: the four DORA figures with their bands, and phase timings.
import { skipToken, useQuery } from "@tanstack/react-query";
import { DoraFigures } from "../components/DoraFigures.js";
import { ErrorNotice } from "../components/ErrorNotice.js";
import { LiveIndicator } from "../components/LiveIndicator.js";
import { PhaseTimings } from "../components/PhaseTimings.js";
import { formatDay } from "../format.js";
import { href } from "../route.js";
import { useTRPC } from "../trpc.js";

const RANGES = { "7d": 7, "30d": 30, "90d": 90, "365d": 365 } as const;
type Range = keyof typeof RANGES;
const REFRESH_MS = 30_000;

/** The range's bounds: `to` is the end of the current minute, so the query key holds still for a minute. */
export function rangeBounds(range: Range, nowMs: number): { from: number; to: number } {
  const to = Math.floor(nowMs / 60_000) * 60 + 60;
  return { from: to - RANGES[range] * 86_400, to };
}

export function MetricsPage(props: { environment?: string; range?: string; bucket?: string }) {
  const trpc = useTRPC();
  const environments = useQuery(trpc.environments.list.queryOptions());
  const names = environments.data?.map((e) => e.name) ?? [];
  const environment = props.environment ?? (names.includes("production") ? "production" : names[0]);
  const range: Range = props.range && props.range in RANGES ? (props.range as Range) : "30d";
  const bucket: "day" | "week" =
    props.bucket === "week" || props.bucket === "day" ? props.bucket : range === "365d" || range === "90d" ? "week" : "day";
  const { from, to } = rangeBounds(range, Date.now());
  const input = environment ? { environment, from, to, bucket } : skipToken;
  const dora = useQuery(trpc.metrics.dora.queryOptions(input, { refetchInterval: REFRESH_MS }));
  const phases = useQuery(trpc.metrics.phases.queryOptions(input, { refetchInterval: REFRESH_MS }));

  const go = (next: { environment?: string; range?: string; bucket?: string }) => {
    window.location.hash = href.metrics(next.environment ?? environment, {
      range: next.range ?? range,
      bucket: next.bucket ?? (next.range ? undefined : bucket),
    });
  };

  if (environments.isPending) return <p className="muted">Loading environments…</p>;
  if (!environments.data)
    return <ErrorNotice error={environments.error} what="Loading environments" onRetry={() => void environments.refetch()} />;
  if (!environment) {
    return (
      <section className="panel">
        <h1>Metrics</h1>
        <p className="muted">No environments yet: metrics appear once deploys arrive.</p>
      </section>
    );
  }
  return (
    <>
      <nav className="crumbs">
        <a href={href.overview()}>Environments</a> / <a href={href.timeline(environment)}>{environment}</a> / <span>metrics</span>
      </nav>
      <div className="page-head">
        <h1>Metrics · {environment}</h1>
        <LiveIndicator query={dora} />
      </div>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Environment
          <select name="environment" value={environment} onChange={(e) => go({ environment: e.target.value })}>
            {(names.includes(environment) ? names : [environment, ...names]).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Range
          <select name="range" value={range} onChange={(e) => go({ range: e.target.value })}>
            {Object.keys(RANGES).map((r) => (
              <option key={r} value={r}>
                last {RANGES[r as Range]} days
              </option>
            ))}
          </select>
        </label>
        <label>
          Per
          <select name="bucket" value={bucket} onChange={(e) => go({ bucket: e.target.value })}>
            <option value="day">day</option>
            <option value="week">week</option>
          </select>
        </label>
        <span className="muted small">
          {formatDay(from)} – {formatDay(to)} (UTC buckets)
        </span>
      </form>
      {dora.error ? <ErrorNotice error={dora.error} what="Loading DORA metrics" onRetry={() => void dora.refetch()} /> : null}
      {dora.data ? <DoraFigures dora={dora.data} /> : dora.isPending ? <p className="muted">Computing DORA metrics…</p> : null}
      {phases.error ? <ErrorNotice error={phases.error} what="Loading phase timings" /> : null}
      {phases.data ? <PhaseTimings phases={phases.data} /> : null}
    </>
  );
}

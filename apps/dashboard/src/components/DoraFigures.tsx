// The four DORA metrics of an environment: each a figure, what it counts (the README's definition, DORA's
// own words as its title), a small chart per bucket, and its performance band with the bands' thresholds.
import type { ReactNode } from "react";
import { DORA_BANDS as BANDS, DORA_BAND_THRESHOLDS as BAND_THRESHOLDS } from "@cuitty/core";
import { formatDay, formatPercent, formatSpan, formatTime } from "../format.js";
import type { Outputs } from "../trpc.js";
import { type ChartPoint, MiniChart } from "./MiniChart.js";

type Dora = Outputs["metrics"]["dora"];
type BandKey = keyof Dora["bands"];

export function perDay(n: number): string {
  if (n >= 1) return `${n.toFixed(n >= 10 ? 0 : 1)} a day`;
  if (n * 7 >= 1) return `${(n * 7).toFixed(1)} a week`;
  return `${(n * 30).toFixed(1)} a month`;
}

const t = BAND_THRESHOLDS;
/** Thresholds read as round spans: 1 h, 1 d, 7 d. */
const round = (s: number) => (s % 86_400 === 0 ? `${s / 86_400} d` : s % 3600 === 0 ? `${s / 3600} h` : formatSpan(s));
/** What each band means, per metric, from the same thresholds the server bands with. */
const BAND_CONTEXT: Record<BandKey, [string, string, string, string]> = {
  deploymentFrequency: [`≥ ${t.deploysPerDay[0]} a day`, `≥ 1 a week`, `≥ 1 a month`, "less often"],
  leadTime: [`< ${round(t.leadTimeSeconds[0])}`, `< ${round(t.leadTimeSeconds[1])}`, `< ${round(t.leadTimeSeconds[2])}`, "longer"],
  changeFailureRate: [
    `≤ ${formatPercent(t.changeFailureRate[0])}`,
    `≤ ${formatPercent(t.changeFailureRate[1])}`,
    `≤ ${formatPercent(t.changeFailureRate[2])}`,
    "more",
  ],
  timeToRestore: [
    `< ${round(t.timeToRestoreSeconds[0])}`,
    `< ${round(t.timeToRestoreSeconds[1])}`,
    `< ${round(t.timeToRestoreSeconds[2])}`,
    "longer",
  ],
};

/** What each figure counts (short; the README's DORA section has the full rules) and DORA's words for it. */
const DORA_DEFINITIONS: Record<BandKey, { counts: string; dora: string }> = {
  deploymentFrequency: {
    counts: "Deploys that went live in this environment in the range, per day.",
    dora: "how often an organization successfully releases to production",
  },
  leadTime: {
    counts: "Per commit shipped: commit time → its first go-live here; median over commits (the head commit when a deploy lists none).",
    dora: "the amount of time it takes a commit to get into production",
  },
  changeFailureRate: {
    counts:
      "Deploys that went live in the range and were later rolled back, marked bad or failed health checks ÷ deploys that went live. Runs that failed before going live are not counted.",
    dora: "the percentage of changes to production or released to users that result in degraded service",
  },
  timeToRestore: {
    counts:
      "An outage runs from a failed change going live (its first failing probe, for failed health checks) to a rollback to a healthy deploy or a healthy go-live, whichever is first. Overlaps are one; counted where they end; open ones whenever they began.",
    dora: "how long it generally takes to restore service when a service incident or a defect that impacts users occurs",
  },
};

function Figure({
  metric,
  title,
  value,
  detail,
  band,
  chart,
}: {
  metric: BandKey;
  title: string;
  value: string;
  detail: ReactNode;
  band: string | null;
  chart: ReactNode;
}) {
  return (
    <article className="panel figure" data-testid={`dora-${metric}`} data-band={band ?? "none"}>
      <h2>
        {title} {band ? <span className={`badge band-${band}`}>{band}</span> : <span className="badge health-unknown">no data</span>}
      </h2>
      <div className="figure-value" data-testid="dora-value">
        {value}
      </div>
      <div className="small muted">{detail}</div>
      <p className="small definition" data-testid="dora-definition" title={`DORA: “${DORA_DEFINITIONS[metric].dora}”`}>
        {DORA_DEFINITIONS[metric].counts}
      </p>
      {chart}
      <ol className="bands small" aria-label="Performance bands">
        {BANDS.map((b, i) => (
          <li key={b} className={b === band ? `band-${b} band-current` : undefined}>
            <strong>{b}</strong> {BAND_CONTEXT[metric][i]}
          </li>
        ))}
      </ol>
    </article>
  );
}

export function DoraFigures({ dora }: { dora: Dora }) {
  const when = (start: number) => (dora.bucket === "week" ? `week of ${formatDay(start)}` : formatDay(start));
  const f = dora.deploymentFrequency;
  const lt = dora.leadTime;
  const cfr = dora.changeFailureRate;
  const ttr = dora.timeToRestore;
  const span = (s: { start: number; medianSeconds: number | null; samples: number }): ChartPoint => ({
    x: s.start,
    y: s.medianSeconds,
    title: `${when(s.start)}: ${s.samples ? `median ${formatSpan(s.medianSeconds)} (${s.samples})` : "none"}`,
  });
  return (
    <div className="figures" data-testid="dora">
      <Figure
        metric="deploymentFrequency"
        title="Deployment frequency"
        value={perDay(f.perDay)}
        detail={`${f.count} deploy${f.count === 1 ? "" : "s"} went live`}
        band={dora.bands.deploymentFrequency}
        chart={
          <MiniChart
            kind="bars"
            label={`Deploys that went live per ${dora.bucket}`}
            points={f.series.map((s) => ({ x: s.start, y: s.count, title: `${when(s.start)}: ${s.count} live` }))}
          />
        }
      />
      <Figure
        metric="leadTime"
        title="Lead time for changes"
        value={formatSpan(lt.medianSeconds)}
        detail={
          lt.samples
            ? `median commit → live; p90 ${formatSpan(lt.p90Seconds)}; ${lt.samples} commit${lt.samples === 1 ? "" : "s"}`
            : "no commits with a commit time (commits or committedAt)"
        }
        band={dora.bands.leadTime}
        chart={<MiniChart kind="dots" label={`Median lead time per ${dora.bucket}`} points={lt.series.map(span)} />}
      />
      <Figure
        metric="changeFailureRate"
        title="Change failure rate"
        value={formatPercent(cfr.rate, cfr.rate != null && !Number.isInteger(Math.round(cfr.rate * 1000) / 10) ? 1 : 0)}
        detail={
          <>
            {`${cfr.failures} of ${cfr.total} deploys that went live were rolled back, marked bad or failed health checks`}
            <span data-testid="failed-runs">
              {` · ${cfr.failedRuns} run${cfr.failedRuns === 1 ? "" : "s"} failed before going live (not counted)`}
            </span>
          </>
        }
        band={dora.bands.changeFailureRate}
        chart={
          <MiniChart
            kind="bars"
            max={1}
            label={`Change failure rate per ${dora.bucket}`}
            points={cfr.series.map((s) => ({
              x: s.start,
              y: s.rate,
              bad: s.failures > 0,
              title: `${when(s.start)}: ${s.total ? `${s.failures} of ${s.total} (${formatPercent(s.rate)})` : "none went live"}${s.failedRuns ? `; ${s.failedRuns} failed runs` : ""}`,
            }))}
          />
        }
      />
      <Figure
        metric="timeToRestore"
        title="Time to restore"
        value={formatSpan(ttr.medianSeconds)}
        detail={
          <>
            {ttr.samples ? `median outage; p90 ${formatSpan(ttr.p90Seconds)}; ${ttr.samples} restored` : "no outage ended in this range"}
            {ttr.openSince !== null ? (
              <span className="failure" data-testid="open-outage">
                {" "}
                · an outage is open since {formatTime(ttr.openSince)}
              </span>
            ) : null}
          </>
        }
        band={dora.bands.timeToRestore}
        chart={<MiniChart kind="dots" label={`Median time to restore per ${dora.bucket}`} points={ttr.series.map(span)} />}
      />
    </div>
  );
}

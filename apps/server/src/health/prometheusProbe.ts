// The Prometheus condition of a health probe (Argo Rollouts-style analysis): an error-ratio query evaluated
// at each probe, failing above the environment's threshold. Prometheus not answering fails the probe too.
import { renderPromQL, seriesName } from "@cuitty/core";
import { type ClaimedSeries, type Database, type ProbeResult, type PrometheusSettings, prometheusSettings } from "@cuitty/db";
import type { OutboundFetch } from "../outboundFetch.js";
import { promQuery } from "../prometheus/prometheusQuery.js";
import { shownUrl } from "../prometheus/prometheusRegression.js";
import { probe } from "./probe.js";

export type PrometheusCondition = PrometheusSettings & { errorQuery: string };

/** The series' Prometheus condition, or null when its environment has no URL or no error query. */
export async function prometheusConditionOf(
  db: Database,
  s: Pick<ClaimedSeries, "projectId" | "envId">,
): Promise<PrometheusCondition | null> {
  const settings = await prometheusSettings(db, s.projectId, s.envId);
  return settings?.errorQuery ? { ...settings, errorQuery: settings.errorQuery } : null;
}

/**
 * Evaluates the condition now. `$window` is the probe interval; an empty answer (no series matched, e.g. no
 * errors yet) or NaN (no requests) is a ratio of 0; with several series the highest ratio is judged.
 */
async function checkCondition(
  c: PrometheusCondition,
  s: Pick<ClaimedSeries, "environment" | "intervalSeconds" | "timeoutMs">,
  stopSignal: AbortSignal,
  nowMs: () => number,
  outbound?: OutboundFetch,
): Promise<{ ok: boolean; error: string | null }> {
  const promql = renderPromQL(c.errorQuery, { environment: s.environment, windowSeconds: s.intervalSeconds });
  const answer = await promQuery(c, promql, nowMs() / 1000, { timeoutMs: s.timeoutMs, signal: stopSignal, fetch: outbound });
  if (!answer.ok) return { ok: false, error: `prometheus inconclusive (${shownUrl(c.url)}): ${answer.reason}` };
  let worst: { value: number; name: string } | null = null;
  for (const sample of answer.samples) {
    if (Number.isNaN(sample.value)) continue;
    if (!worst || sample.value > worst.value) worst = { value: sample.value, name: seriesName(sample.labels) };
  }
  if (!worst || worst.value <= c.errorMax) return { ok: true, error: null };
  const where = worst.name === "*" ? "" : ` (${worst.name})`;
  return { ok: false, error: `prometheus error ratio ${Number(worst.value.toPrecision(4))} above ${c.errorMax}${where}` };
}

/** One probe of a series: the health URL (if any) and the Prometheus condition (if any), both must pass. */
export async function healthProbe(
  s: ClaimedSeries,
  condition: PrometheusCondition | null,
  stopSignal: AbortSignal,
  nowMs: () => number,
  outbound?: OutboundFetch,
): Promise<ProbeResult> {
  const startedMs = nowMs();
  const started = performance.now();
  const [http, prom] = await Promise.all([
    s.healthUrl ? probe(s.healthUrl, s, stopSignal, nowMs, outbound) : null,
    condition ? checkCondition(condition, s, stopSignal, nowMs, outbound) : null,
  ]);
  if (!prom) return http!;
  const errors = [http?.error, prom.error].filter((e): e is string => Boolean(e));
  return {
    ok: (http?.ok ?? true) && prom.ok,
    statusCode: http?.statusCode ?? null,
    latencyMs: http?.latencyMs ?? Math.round(performance.now() - started),
    error: errors.length ? errors.join("; ") : null,
    startedMs: http?.startedMs ?? startedMs,
  };
}

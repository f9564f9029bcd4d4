// The Prometheus source of an environment (regression and health): default queries, their template
// variables, and the shape of an instant-query answer. Pure: the server does the HTTP.
import { z } from "zod";

/**
 * p99 per route over `$window`, in seconds, from the OpenTelemetry HTTP server histogram. Each series of
 * the answer is one metric; the labels left after aggregation (here `http_route`) name it.
 */
export const DEFAULT_PROMETHEUS_LATENCY_QUERY =
  'histogram_quantile(0.99, sum by (le, http_route) (increase(http_server_request_duration_seconds_bucket{deployment_environment="$environment"}[$window])))';

/** Requests per route over `$window`; grouped by the same labels as the latency query, so series pair up. */
export const DEFAULT_PROMETHEUS_COUNT_QUERY =
  'sum by (http_route) (increase(http_server_request_duration_seconds_count{deployment_environment="$environment"}[$window]))';

/** How long one instant query may take (headers and body) before it counts as Prometheus being down. */
export const PROMETHEUS_TIMEOUT_MS = 5000;

/** Default highest error ratio the health condition accepts. */
export const DEFAULT_PROMETHEUS_ERROR_MAX = 0.05;

/**
 * Fills a query template: `$environment` (the environment's name, escaped for a PromQL string) and
 * `$window` (a duration in whole seconds, e.g. `3600s`; at least 1s).
 */
export function renderPromQL(template: string, vars: { environment: string; windowSeconds: number }): string {
  const env = vars.environment.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  const window = `${Math.max(1, Math.round(vars.windowSeconds))}s`;
  return template.replace(/\$environment\b/g, env).replace(/\$window\b/g, window);
}

/** One series of an instant vector: its labels and value (`NaN`, `+Inf` as Prometheus writes them). */
const vectorSample = z.object({
  metric: z.record(z.string(), z.string()),
  value: z.tuple([z.number(), z.string()]),
});
const scalarValue = z.tuple([z.number(), z.string()]);

/** `GET /api/v1/query` answers. Only vectors and scalars are results a condition can use. */
export const prometheusQueryAnswer = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("success"),
    data: z.discriminatedUnion("resultType", [
      z.object({ resultType: z.literal("vector"), result: z.array(vectorSample) }),
      z.object({ resultType: z.literal("scalar"), result: scalarValue }),
      z.object({ resultType: z.literal("matrix"), result: z.unknown() }),
      z.object({ resultType: z.literal("string"), result: z.unknown() }),
    ]),
  }),
  z.object({ status: z.literal("error"), errorType: z.string().optional(), error: z.string().optional() }),
]);

export interface PromSample {
  /** The series' labels, `__name__` removed. */
  labels: Record<string, string>;
  value: number;
}

/**
 * The name of the metric a series stands for: the value of its only label (`/api/orders`), or
 * `label=value` pairs sorted and joined by `,` when it has several, or `*` when it has none.
 */
export function seriesName(labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return "*";
  if (entries.length === 1) return entries[0]![1];
  return entries.map(([k, v]) => `${k}=${v}`).join(",");
}

/** An answer turned into samples, or the reason it cannot be used (an error, a matrix, a string). */
export function samplesOf(body: unknown): { ok: true; samples: PromSample[] } | { ok: false; reason: string } {
  const parsed = prometheusQueryAnswer.safeParse(body);
  if (!parsed.success) return { ok: false, reason: "answer is not a Prometheus query result" };
  const answer = parsed.data;
  if (answer.status === "error")
    return { ok: false, reason: `${answer.errorType ?? "error"}: ${answer.error ?? "no message"}`.slice(0, 300) };
  const data = answer.data;
  if (data.resultType === "scalar") return { ok: true, samples: [{ labels: {}, value: Number(data.result[1]) }] };
  if (data.resultType !== "vector") return { ok: false, reason: `the query answers a ${data.resultType}, not an instant vector` };
  return {
    ok: true,
    samples: data.result.map(({ metric: { __name__: _, ...labels }, value }) => ({ labels, value: Number(value[1]) })),
  };
}

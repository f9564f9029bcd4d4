import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROMETHEUS_COUNT_QUERY, DEFAULT_PROMETHEUS_LATENCY_QUERY, renderPromQL, samplesOf, seriesName } from "./prometheus.js";

describe("Prometheus query templates and answers", () => {
  it("fills $environment escaped for a PromQL string and $window in whole seconds, at least 1s", () => {
    expect(renderPromQL('x{env="$environment"}[$window] $windowed', { environment: 'pro"d\\1', windowSeconds: 1799.6 })).toBe(
      'x{env="pro\\"d\\\\1"}[1800s] $windowed',
    );
    expect(renderPromQL("[$window]", { environment: "p", windowSeconds: 0 })).toBe("[1s]");
  });

  it("names a series by its only label, by sorted label pairs, or * without labels", () => {
    expect(seriesName({ http_route: "/api/orders" })).toBe("/api/orders");
    expect(seriesName({ route: "/a", method: "GET" })).toBe("method=GET,route=/a");
    expect(seriesName({})).toBe("*");
  });

  it("reads vectors and scalars, drops __name__, and gives a reason for errors, matrices and other JSON", () => {
    const vector = {
      status: "success",
      data: { resultType: "vector", result: [{ metric: { __name__: "up", job: "a" }, value: [1, "NaN"] }] },
    };
    const v = samplesOf(vector);
    expect(v.ok && v.samples[0]!.labels).toEqual({ job: "a" });
    expect(v.ok && Number.isNaN(v.samples[0]!.value)).toBe(true);
    expect(samplesOf({ status: "success", data: { resultType: "scalar", result: [1, "0.25"] } })).toEqual({
      ok: true,
      samples: [{ labels: {}, value: 0.25 }],
    });
    expect(samplesOf({ status: "error", errorType: "bad_data", error: "parse error" })).toEqual({
      ok: false,
      reason: "bad_data: parse error",
    });
    expect(samplesOf({ status: "success", data: { resultType: "matrix", result: [] } })).toEqual({
      ok: false,
      reason: "the query answers a matrix, not an instant vector",
    });
    expect(samplesOf({ hello: 1 })).toEqual({ ok: false, reason: "answer is not a Prometheus query result" });
  });

  it("documents the default queries in the README exactly as the server uses them", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    expect(readme).toContain(`latency: ${DEFAULT_PROMETHEUS_LATENCY_QUERY}\n`);
    expect(readme).toContain(`count:   ${DEFAULT_PROMETHEUS_COUNT_QUERY}\n`);
  });
});

// The dashboard's pure helpers: rollback arrow layout, routes, links.
import { describe, expect, it } from "vitest";
import { commitUrl, formatDuration, safeUrl } from "../src/format.js";
import { href, parseRoute } from "../src/route.js";
import { layoutRollbackLinks, segmentsForRow } from "../src/rollbackLinks.js";

const d = (id: number, status = "live", rollbackTargetId: number | null = null) => ({ id, status, rollbackTargetId });

describe("rollback arrows", () => {
  it("link a rolled-back deploy down to its target, through the rows between", () => {
    const items = [d(5, "rolled_back", 2), d(4, "failed"), d(3), d(2), d(1)];
    const links = layoutRollbackLinks(items);
    expect(links).toEqual([{ from: 0, to: 3, lane: 0 }]);
    expect([0, 1, 2, 3, 4].map((r) => segmentsForRow(links, r, 1)[0])).toEqual(["start", "mid", "mid", "end", null]);
  });

  it("give overlapping rollbacks separate lanes and reuse a lane once it is free", () => {
    const items = [d(6, "rolled_back", 3), d(5, "rolled_back", 4), d(4), d(3), d(2, "rolled_back", 1), d(1)];
    expect(layoutRollbackLinks(items)).toEqual([
      { from: 0, to: 3, lane: 0 },
      { from: 1, to: 2, lane: 1 },
      { from: 4, to: 5, lane: 0 },
    ]);
  });

  it("draw nothing when the target is not on the loaded pages", () => {
    expect(layoutRollbackLinks([d(9, "rolled_back", 1), d(8)])).toEqual([]);
  });
});

describe("routes", () => {
  it("round-trip an environment with a slash and its filters", () => {
    const link = href.timeline("eu/prod", { status: "failed", branch: "release/1.2" });
    expect(parseRoute(link)).toEqual({ page: "timeline", environment: "eu/prod", status: "failed", branch: "release/1.2" });
  });

  it("read the overview, a deploy and anything else", () => {
    expect(parseRoute("")).toEqual({ page: "overview" });
    expect(parseRoute("#/deploys/42")).toEqual({ page: "deploy", id: 42 });
    expect(parseRoute("#/deploys/x").page).toBe("notFound");
  });
});

describe("links and formats", () => {
  it("link a commit to GitHub only when the logs are on GitHub", () => {
    expect(commitUrl("abc123", "https://github.com/acme/api/actions/runs/1")).toBe("https://github.com/acme/api/commit/abc123");
    expect(commitUrl("abc123", "https://ci.example.com/build/1")).toBeNull();
    expect(commitUrl(null, "https://github.com/acme/api")).toBeNull();
  });

  it("render only http(s) links from stored URLs", () => {
    expect(safeUrl("javascript:alert(1)")).toBeNull();
    expect(safeUrl("https://x.example")).toBe("https://x.example");
  });

  it("say durations in units people read", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(95)).toBe("1 min 35 s");
    expect(formatDuration(3700)).toBe("1 h 1 min");
  });
});

describe("the issue 6 and 7 helpers", () => {
  it("put each refused field's own sentence next to it, and the whole message where the server gave none", async () => {
    const { TRPCClientError } = await import("@trpc/client");
    const { fieldErrors } = await import("../src/fieldErrors.js");
    const error = new TRPCClientError("healthUrl: Invalid URL; healthChecks: Too small: expected number to be >=1", {
      result: {
        error: {
          data: {
            cuittyCode: "VALIDATION_FAILED",
            fields: ["healthUrl", "healthChecks", "other"],
            issues: [
              { path: "healthUrl", message: "Invalid URL", code: "invalid_format" },
              { path: "healthChecks", message: "Too small: expected number to be >=1", code: "too_small" },
            ],
          },
        },
      } as never,
    });
    expect(fieldErrors(error)).toEqual({
      healthUrl: "Invalid URL",
      healthChecks: "Too small: expected number to be >=1",
      other: "healthUrl: Invalid URL; healthChecks: Too small: expected number to be >=1",
    });
    expect(fieldErrors(new Error("boom"))).toEqual({});
  });

  it("route the metrics and settings pages with their parameters", () => {
    expect(parseRoute("#/metrics/prod/eu?range=90d&bucket=week")).toEqual({
      page: "metrics",
      environment: "prod/eu",
      range: "90d",
      bucket: "week",
    });
    expect(parseRoute("#/metrics")).toEqual({ page: "metrics", environment: undefined, range: undefined, bucket: undefined });
    expect(parseRoute(href.metrics("prod/eu", { range: "7d" }))).toMatchObject({ environment: "prod/eu", range: "7d" });
    expect(parseRoute(href.settings("staging"))).toEqual({ page: "settings", environment: "staging" });
  });

  it("route the organisation view with its filters", () => {
    expect(parseRoute("#/org")).toEqual({ page: "org", environment: undefined, search: undefined });
    expect(parseRoute(href.org({ environment: "prod/eu", search: "pay ments" }))).toEqual({
      page: "org",
      environment: "prod/eu",
      search: "pay ments",
    });
  });

  it("end a metrics range at the end of the current minute, so its query key holds still within the minute", async () => {
    const { rangeBounds } = await import("../src/pages/MetricsPage.js");
    const a = rangeBounds("7d", Date.UTC(2026, 0, 10, 12, 30, 5));
    const b = rangeBounds("7d", Date.UTC(2026, 0, 10, 12, 30, 59));
    expect(a).toEqual(b);
    expect(a.to).toBe(Date.UTC(2026, 0, 10, 12, 31, 0) / 1000);
    expect(a.to - a.from).toBe(7 * 86_400);
  });

  it("scale chart heights to the largest value and leave empty buckets at the axis", async () => {
    const { scaleY } = await import("../src/components/MiniChart.js");
    const y = scaleY([{ y: 2 }, { y: null }, { y: 4 }]);
    expect(y(4)).toBe(3);
    expect(y(0)).toBe(53);
    expect(scaleY([{ y: null }])(0)).toBe(53);
  });

  it("write long spans in days and latency in ms or s", async () => {
    const { formatSpan, formatMs } = await import("../src/format.js");
    expect(formatSpan(3600)).toBe("1 h 0 min");
    expect(formatSpan(2 * 86_400 + 3 * 3600 + 12)).toBe("2 d 3 h");
    expect(formatMs(87.4)).toBe("87 ms");
    expect(formatMs(1234)).toBe("1.23 s");
  });
});

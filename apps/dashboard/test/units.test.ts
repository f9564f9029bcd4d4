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

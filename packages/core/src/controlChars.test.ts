import { describe, expect, it } from "vitest";
import { hookAddSchema, markBadSchema } from "./hooks.js";
import { auditEntrySchema, deployEventSchema, environmentUpdateSchema, perfSnapshotSchema, zodFieldPaths } from "./schemas.js";

const event = { type: "deploy", deploy: "gamma-pr-42", status: "live", environment: "production" } as const;

function refusedPaths(result: { success: boolean; error?: unknown }): string[] {
  expect(result.success).toBe(false);
  return zodFieldPaths(result.error as Parameters<typeof zodFieldPaths>[0]);
}

describe("control characters in wire inputs", () => {
  it("refuses NUL and other control characters in keys, names and refs, naming each field", () => {
    const paths = refusedPaths(
      deployEventSchema.safeParse({
        ...event,
        id: "evt\u0001",
        deploy: "gamma\u0000-pr-42",
        branch: "ma\u0000in",
        version: "v1\n",
        triggeredBy: "octo\u007fcat",
      }),
    );
    expect(paths.sort()).toEqual(["branch", "deploy", "id", "triggeredBy", "version"]);
  });

  it("allows tabs and newlines in a reason but refuses NUL there", () => {
    expect(deployEventSchema.safeParse({ ...event, status: "failed", reason: "line 1\n\tline 2\r\n" }).success).toBe(true);
    expect(refusedPaths(deployEventSchema.safeParse({ ...event, status: "failed", reason: "x\u0000y" }))).toEqual(["reason"]);
    expect(refusedPaths(markBadSchema.safeParse({ id: 1, reason: "bad\u0000" }))).toEqual(["reason"]);
  });

  it("refuses control characters in audit, perf, environment and hook inputs", () => {
    const audit = { environment: "production", actor: "alice", action: "flag.update" };
    expect(refusedPaths(auditEntrySchema.safeParse({ ...audit, actor: "al\u0000ice" }))).toEqual(["actor"]);
    expect(refusedPaths(auditEntrySchema.safeParse({ ...audit, action: "a\u001b[31m" }))).toEqual(["action"]);
    expect(refusedPaths(auditEntrySchema.safeParse({ ...audit, target: "t\n" }))).toEqual(["target"]);
    const perf = { environment: "production", metric: "GET /\u0000", p99: 1, samples: 1, windowStart: 1, windowEnd: 2 };
    expect(refusedPaths(perfSnapshotSchema.safeParse(perf))).toEqual(["metric"]);
    expect(refusedPaths(environmentUpdateSchema.safeParse({ environment: "prod\u0000" }))).toEqual(["environment"]);
    expect(refusedPaths(environmentUpdateSchema.safeParse({ environment: "p", rollbackGithubRef: "main\u0000" }))).toEqual([
      "rollbackGithubRef",
    ]);
    expect(refusedPaths(hookAddSchema.safeParse({ url: "http://127.0.0.1/", secret: "0123456789abcdef\u0000" }))).toEqual(["secret"]);
  });
});

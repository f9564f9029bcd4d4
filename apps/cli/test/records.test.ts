// `cuitty audit record` and `cuitty perf record`: one item from flags or a --file batch, read back through the deploy's correlations.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "@cuitty/server/testing";
import { cleanEnv, connection, emptyDir, query, runCli } from "./helpers.js";

let server: TestServer;
const now = () => Math.floor(Date.now() / 1000);

/** A deploy that went live ten minutes ago in its own environment, so its correlations hold only one test's data. */
async function liveDeploy(environment: string, commitSha?: string): Promise<number> {
  const res = await server.request("deploys.emit", {
    input: { type: "deploy", deploy: `${environment}-1`, status: "live", environment, commitSha, occurredAt: now() - 600 },
    key: server.keys.ingest,
  });
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  return res.body.result.data.deploy.id;
}

function writeJson(value: unknown): string {
  const file = join(emptyDir(), "batch.json");
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
  return file;
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const ingest = () => cleanEnv(connection(server, "ingest"));

describe("cuitty audit record", () => {
  it("records one entry from flags, linked to its deploy", async () => {
    const deployId = await liveDeploy("audit-one", "abc1234");
    const result = await runCli(
      [
        "audit",
        "record",
        "--env",
        "audit-one",
        "--actor",
        "alice",
        "--action",
        "flag.enable",
        "--target",
        "new-checkout",
        "--deploy-id",
        String(deployId),
        "--metadata",
        '{"percent":10}',
        "--json",
      ],
      { env: ingest() },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ accepted: 1, duplicates: 0, batches: 1 });
    const { audit } = await query(server, "deploys.correlations", { id: deployId });
    expect(audit).toEqual([
      expect.objectContaining({ actor: "alice", action: "flag.enable", target: "new-checkout", deployId, metadata: { percent: 10 } }),
    ]);

    const human = await runCli(
      ["audit", "record", "--env", "audit-one", "--actor", "bob", "--action", "db.migrate", "--commit", "ABC1234"],
      { env: ingest() },
    );
    expect(human.code).toBe(0);
    expect(human.stderr).toContain("Recorded 1 audit entry.");
    // Linked by commit this time (the deploy's commit is abc1234).
    expect((await query(server, "deploys.correlations", { id: deployId })).audit.map((a) => a.action)).toEqual([
      "flag.enable",
      "db.migrate",
    ]);
  });

  it("records a --file batch of 1,200 entries in 3 calls, and a rerun of entries with ids records nothing twice", async () => {
    const deployId = await liveDeploy("audit-batch");
    const entries = Array.from({ length: 1200 }, (_, i) => ({
      id: `batch-${i}`,
      environment: "audit-batch",
      actor: "ci",
      action: `step.${i}`,
      deployId,
      occurredAt: now() - 300,
    }));
    const file = writeJson(entries);
    const first = await runCli(["audit", "record", "--file", file, "--json"], { env: ingest() });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ accepted: 1200, duplicates: 0, batches: 3 });
    const again = await runCli(["audit", "record", "--file", file], { env: ingest() });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("Recorded 0 audit entries in 3 batches; 1200 already recorded (same id), not recorded again.");
    const { audit } = await query(server, "deploys.correlations", { id: deployId });
    expect(audit).toHaveLength(1000); // the correlation answer's cap
    expect(new Set(audit.map((a) => a.id)).size).toBe(1000);
  });

  it("accepts a file in the procedure's own input shape, { entries: [...] }", async () => {
    const deployId = await liveDeploy("audit-stdin");
    const file = writeJson({ entries: [{ environment: "audit-stdin", actor: "carol", action: "cache.flush", deployId }] });
    const result = await runCli(["audit", "record", "--file", file, "--json"], { env: ingest() });
    expect(JSON.parse(result.stdout)).toMatchObject({ accepted: 1 });
    expect((await query(server, "deploys.correlations", { id: deployId })).audit.map((a) => a.actor)).toEqual(["carol"]);
  });

  it("names the missing flags, with E_USAGE and no call to the server", async () => {
    const result = await runCli(["audit", "record", "--env", "production"], { env: cleanEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing --actor, --action");
    expect(result.stderr).toContain("[E_USAGE]");
    expect(result.stderr).toContain("fix:");
  });

  it("refuses a file that is not JSON, not an array, or holds an invalid entry, sending nothing", async () => {
    const env = ingest();
    const notJson = await runCli(["audit", "record", "--file", writeJson("[{ oops")], { env });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain("is not valid JSON");
    expect(notJson.stderr).toContain("fix: the file holds a JSON array of entries");
    const notArray = await runCli(["audit", "record", "--file", writeJson({ actor: "x" })], { env });
    expect(notArray.code).toBe(2);
    expect(notArray.stderr).toContain("is not a JSON array");
    const missing = await runCli(["audit", "record", "--file", join(emptyDir(), "nope.json")], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("ENOENT");

    const good = { environment: "audit-invalid", actor: "ci", action: "ok" };
    const invalid = await runCli(
      ["audit", "record", "--file", writeJson([good, good, { environment: "audit-invalid", action: "no actor" }])],
      { env },
    );
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain("invalid entries[2]: actor");
    expect(invalid.stderr).toContain("nothing was sent");
    const deployId = await liveDeploy("audit-invalid");
    expect((await query(server, "deploys.correlations", { id: deployId })).audit).toEqual([]);
  });

  it("names the flag the server refused, and refuses --file mixed with entry flags", async () => {
    const unknown = await runCli(["audit", "record", "--env", "production", "--actor", "a", "--action", "b", "--deploy-id", "999999"], {
      env: ingest(),
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("fix: correct --deploy-id");
    const mixed = await runCli(["audit", "record", "--file", "x.json", "--actor", "a"], { env: ingest() });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("--file cannot be combined with --actor");
    const badMeta = await runCli(["audit", "record", "--env", "p", "--actor", "a", "--action", "b", "--metadata", "[1]"], {
      env: ingest(),
    });
    expect(badMeta.code).toBe(2);
    expect(badMeta.stderr).toContain("expected a JSON object");
  });
});

describe("cuitty perf record", () => {
  it("records one snapshot from flags, in the deploy's after window", async () => {
    const deployId = await liveDeploy("perf-one");
    const t = now();
    const start = new Date((t - 120) * 1000).toISOString();
    const result = await runCli(
      [
        "perf",
        "record",
        "--env",
        "perf-one",
        "--metric",
        "GET /checkout",
        "--p50",
        "40",
        "--p95",
        "90.5",
        "--p99",
        "182.5",
        "--error-rate",
        "0.02",
        "--samples",
        "1200",
        "--window-start",
        start,
        "--window-end",
        String(t - 60),
      ],
      { env: ingest() },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Recorded 1 perf snapshot.");
    const { perf } = await query(server, "deploys.correlations", { id: deployId });
    expect(perf.before).toEqual([]);
    expect(perf.after).toEqual([
      expect.objectContaining({
        metric: "GET /checkout",
        p50: 40,
        p95: 90.5,
        p99: 182.5,
        errorRate: 0.02,
        samples: 1200,
        windowStart: t - 120,
        windowEnd: t - 60,
      }),
    ]);
  });

  it("records a snapshot given --id once, however often the command is repeated", async () => {
    const deployId = await liveDeploy("perf-id");
    const t = now();
    const args = [
      "perf",
      "record",
      "--env",
      "perf-id",
      "--metric",
      "GET /",
      "--p99",
      "80",
      "--samples",
      "150",
      "--window-start",
      String(t - 120),
      "--window-end",
      String(t - 60),
      "--id",
      "perf-id-run-1",
    ];
    const first = await runCli([...args, "--json"], { env: ingest() });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ accepted: 1, duplicates: 0, batches: 1 });
    const again = await runCli(args, { env: ingest() });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("Recorded 0 perf snapshots; 1 already recorded (same id), not recorded again.");
    const { perf } = await query(server, "deploys.correlations", { id: deployId });
    expect(perf.after).toEqual([expect.objectContaining({ metric: "GET /", p99: 80, samples: 150 })]);
  });

  it("records a --file batch of 1,100 snapshots in 3 calls, all counted by deploys.regression, and a rerun of the file records nothing twice", async () => {
    const deployId = await liveDeploy("perf-batch");
    const t = now() - 600;
    const snapshots = Array.from({ length: 1100 }, (_, i) => {
      const before = i % 2 === 0;
      const windowStart = before ? t - 1 - (i % 1000) : t + (i % 500);
      return {
        id: `perf-batch-${i}`,
        environment: "perf-batch",
        metric: "GET /",
        p99: before ? 100 : 130,
        samples: 2,
        windowStart,
        windowEnd: windowStart + 1,
      };
    });
    const file = writeJson(snapshots);
    const result = await runCli(["perf", "record", "--file", file, "--json"], { env: ingest() });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ accepted: 1100, duplicates: 0, batches: 3 });
    const counted = expect.objectContaining({
      metric: "GET /",
      samplesBefore: 1100,
      samplesAfter: 1100,
      p99Before: 100,
      p99After: 130,
      verdict: "regressed",
    });
    expect((await query(server, "deploys.regression", { id: deployId })).metrics).toEqual([counted]);

    const again = await runCli(["perf", "record", "--file", file, "--json"], { env: ingest() });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ accepted: 0, duplicates: 1100, batches: 3 });
    const human = await runCli(["perf", "record", "--file", file], { env: ingest() });
    expect(human.stderr).toContain("Recorded 0 perf snapshots in 3 batches; 1100 already recorded (same id), not recorded again.");
    expect((await query(server, "deploys.regression", { id: deployId })).metrics).toEqual([counted]);
  });

  it("names missing and malformed flags with E_USAGE", async () => {
    const missing = await runCli(["perf", "record", "--env", "production", "--metric", "GET /"], { env: cleanEnv() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing --p99, --samples, --window-start, --window-end");
    const nan = await runCli(["perf", "record", "--p99", "fast"], { env: cleanEnv() });
    expect(nan.code).toBe(2);
    expect(nan.stderr).toContain("--p99");
    const rate = await runCli(["perf", "record", "--error-rate", "5"], { env: cleanEnv() });
    expect(rate.code).toBe(2);
    expect(rate.stderr).toContain("fraction from 0 to 1");
    const backwards = await runCli(
      ["perf", "record", "--env", "p", "--metric", "m", "--p99", "1", "--samples", "1", "--window-start", "200", "--window-end", "100"],
      { env: cleanEnv() },
    );
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain("invalid --window-end");
    const both = await runCli(["perf", "record", "--file", "snapshots.json", "--id", "x"], { env: cleanEnv() });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--file cannot be combined with --id");
  });

  it("refuses a batch file with a bad snapshot, naming it, before sending any", async () => {
    const ok = { environment: "perf-bad", metric: "m", p99: 1, samples: 1, windowStart: now() - 60, windowEnd: now() };
    const result = await runCli(["perf", "record", "--file", writeJson([ok, { ...ok, p99: -1 }, { ...ok, samples: 1.5 }])], {
      env: ingest(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("2 invalid items, nothing was sent");
    expect(result.stderr).toContain("snapshots[1]: p99");
    expect(result.stderr).toContain("snapshots[2]: samples");
    const deployId = await liveDeploy("perf-bad");
    expect((await query(server, "deploys.correlations", { id: deployId })).perf.after).toEqual([]);
  });
});

describe("--help of the record commands", () => {
  for (const [command, options] of [
    [
      ["audit", "record"],
      ["--env", "--actor", "--action", "--target", "--deploy-id", "--commit", "--metadata", "--occurred-at", "--id", "--file", "--json"],
    ],
    [
      ["perf", "record"],
      [
        "--env",
        "--metric",
        "--p50",
        "--p95",
        "--p99",
        "--error-rate",
        "--samples",
        "--window-start",
        "--window-end",
        "--id",
        "--file",
        "--json",
      ],
    ],
  ] as const) {
    it(`cuitty ${command.join(" ")} --help lists every option and examples`, async () => {
      const result = await runCli([...command, "--help"]);
      expect(result.code).toBe(0);
      for (const option of options) expect(result.stdout).toContain(option);
      expect(result.stdout).toMatch(new RegExp(`Examples:\\n  cuitty ${command.join(" ")} `));
      expect(result.stdout).toContain("credentials.json");
    });
  }
});

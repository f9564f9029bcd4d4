// `cuitty env set|list|hook-secret`: the health policy and rollback hook round-trip through the server and data dir.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rollbackHookSecret } from "@cuitty/db";
import { startTestServer, type TestServer } from "@cuitty/server/testing";
import { cleanEnv, connection, query, runCli } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const admin = () => cleanEnv(connection(server, "admin"));

describe("cuitty env set and env list", () => {
  it("sets every policy field, and the result is what environments.list answers", async () => {
    const set = await runCli(
      [
        "env",
        "set",
        "production",
        "--health-url",
        "https://api.example.com/healthz",
        "--expect-status",
        "204",
        "--interval",
        "15",
        "--timeout",
        "2500",
        "--checks",
        "20",
        "--failures",
        "4",
        "--auto-rollback",
        "--rollback-webhook",
        "https://ops.example.com/hooks/cuitty",
        "--rollback-github-repo",
        "acme/api",
        "--rollback-github-workflow",
        "rollback.yml",
        "--rollback-github-ref",
        "main",
        "--json",
      ],
      { env: admin() },
    );
    expect(set.code).toBe(0);
    const expected = {
      name: "production",
      healthUrl: "https://api.example.com/healthz",
      healthExpectStatus: 204,
      healthIntervalSeconds: 15,
      healthTimeoutMs: 2500,
      healthChecks: 20,
      healthFailures: 4,
      autoRollback: true,
      rollbackWebhookUrl: "https://ops.example.com/hooks/cuitty",
      rollbackGithubRepo: "acme/api",
      rollbackGithubWorkflow: "rollback.yml",
      rollbackGithubRef: "main",
    };
    expect(JSON.parse(set.stdout)).toMatchObject(expected);
    const listed = await query(server, "environments.list");
    expect(listed.find((e) => e.name === "production")).toMatchObject(expected);

    const cli = await runCli(["env", "list", "--json"], { env: cleanEnv(connection(server, "read")) });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(listed);
  });

  it("changes only the options given, and --no-… options clear a setting", async () => {
    const env = admin();
    expect(
      (
        await runCli(
          [
            "env",
            "set",
            "partial",
            "--health-url",
            "http://127.0.0.1:9/h",
            "--checks",
            "7",
            "--auto-rollback",
            "--rollback-webhook",
            "http://127.0.0.1:9/hook",
          ],
          { env },
        )
      ).code,
    ).toBe(0);
    const after = await runCli(["env", "set", "partial", "--failures", "2", "--no-auto-rollback", "--no-rollback-webhook", "--json"], {
      env,
    });
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({
      healthUrl: "http://127.0.0.1:9/h",
      healthChecks: 7,
      healthFailures: 2,
      autoRollback: false,
      rollbackWebhookUrl: null,
    });
    const off = await runCli(["env", "set", "partial", "--no-health-url", "--json"], { env });
    expect(JSON.parse(off.stdout)).toMatchObject({ healthUrl: null, healthChecks: 7 });
  });

  it("lists environments as an aligned table for people", async () => {
    const result = await runCli(["env", "list"], { env: cleanEnv(connection(server, "read")) });
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trim().split("\n");
    expect(header).toMatch(/^ENV\s+CURRENT\s+HEALTH CHECK\s+AUTO-ROLLBACK\s+ROLLBACK HOOKS$/);
    const production = rows.find((r) => r.startsWith("production"));
    expect(production).toContain(
      "GET https://api.example.com/healthz → 204, every 15s, timeout 2500ms, 20 checks, failing after 4 in a row",
    );
    expect(production).toContain("webhook https://ops.example.com/hooks/cuitty; github acme/api rollback.yml @main");
    expect(header!.indexOf("AUTO-ROLLBACK")).toBe(production!.indexOf(" on ") + 1);
  });

  it("refuses bad values before calling the server, naming the flag, with E_USAGE", async () => {
    const env = admin();
    const url = await runCli(["env", "set", "production", "--health-url", "ftp://example.com"], { env });
    expect(url.code).toBe(2);
    expect(url.stderr).toContain("--health-url");
    expect(url.stderr).toContain("[E_USAGE]");
    const status = await runCli(["env", "set", "production", "--expect-status", "700"], { env });
    expect(status.code).toBe(2);
    expect(status.stderr).toContain("--expect-status");
    const repo = await runCli(["env", "set", "production", "--rollback-github-repo", "not a repo"], { env });
    expect(repo.code).toBe(2);
    expect(repo.stderr).toContain("--rollback-github-repo");
    const nothing = await runCli(["env", "set", "production"], { env });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("nothing to set");
    const interval = await runCli(["env", "set", "production", "--interval", "soon"], { env });
    expect(interval.code).toBe(2);
  });

  it("sets the Prometheus source and health condition, keeps its credentials out of every listing, and clears them", async () => {
    const env = admin();
    const latency = 'histogram_quantile(0.99, sum by (le, route) (increase(latency_bucket{env="$environment"}[$window])))';
    const errors = 'sum(rate(errors_total{env="$environment"}[1m])) / sum(rate(requests_total{env="$environment"}[1m]))';
    const set = await runCli(
      [
        "env",
        "set",
        "prom",
        "--prometheus-url",
        "http://127.0.0.1:9090",
        "--prometheus-latency-query",
        latency,
        "--prometheus-bearer-token",
        "tok-123-secret",
        "--prometheus-error-query",
        errors,
        "--prometheus-error-max",
        "0.02",
        "--json",
      ],
      { env },
    );
    expect(set.code, set.stderr).toBe(0);
    const expected = {
      name: "prom",
      prometheusUrl: "http://127.0.0.1:9090",
      prometheusLatencyQuery: latency,
      prometheusCountQuery: null,
      prometheusAuth: "bearer",
      prometheusErrorQuery: errors,
      prometheusErrorMax: 0.02,
    };
    expect(JSON.parse(set.stdout)).toMatchObject(expected);
    expect(set.stdout).not.toContain("tok-123-secret");
    const listed = await runCli(["env", "list", "--json"], { env: cleanEnv(connection(server, "read")) });
    expect(JSON.parse(listed.stdout).find((e: { name: string }) => e.name === "prom")).toMatchObject(expected);
    expect(listed.stdout).not.toContain("tok-123-secret");

    const basic = await runCli(["env", "set", "prom", "--prometheus-basic-auth", "bob:pw-secret"], { env });
    expect(basic.code, basic.stderr).toBe(0);
    expect(basic.stdout).toContain(
      "http://127.0.0.1:9090 (basic auth); custom latency query; health: error ratio ≤ 0.02 of sum(rate(errors_total",
    );
    expect(basic.stdout).not.toContain("pw-secret");

    const off = await runCli(
      ["env", "set", "prom", "--no-prometheus-auth", "--no-prometheus-latency-query", "--no-prometheus-error-query", "--json"],
      { env },
    );
    expect(JSON.parse(off.stdout)).toMatchObject({
      prometheusAuth: null,
      prometheusLatencyQuery: null,
      prometheusErrorQuery: null,
      prometheusUrl: "http://127.0.0.1:9090",
    });
    const gone = await runCli(["env", "set", "prom", "--no-prometheus-url", "--json"], { env });
    expect(JSON.parse(gone.stdout)).toMatchObject({ prometheusUrl: null });

    const ratio = await runCli(["env", "set", "prom", "--prometheus-error-max", "lots"], { env });
    expect(ratio.code).toBe(2);
    expect(ratio.stderr).toContain("--prometheus-error-max");
    const url = await runCli(["env", "set", "prom", "--prometheus-url", "prometheus:9090"], { env });
    expect(url.code).toBe(2);
    expect(url.stderr).toContain("--prometheus-url");
  });

  it("needs an admin key to set, and says so with E_AUTH", async () => {
    const result = await runCli(["env", "set", "production", "--checks", "3"], { env: cleanEnv(connection(server, "read")) });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("admin");
  });
});

describe("cuitty env hook-secret", () => {
  it("prints the environment's webhook secret, the same until --rotate replaces it", async () => {
    const first = await runCli(["env", "hook-secret", "production", "--data", server.dataDir], { env: cleanEnv() });
    expect(first.code).toBe(0);
    const secret = first.stdout.trim();
    expect(secret).toMatch(/^whsec_[\w-]{20,}$/);
    expect(first.stderr).toContain("keep it secret");
    const again = await runCli(["env", "hook-secret", "production", "--data", server.dataDir, "--json"], { env: cleanEnv() });
    expect(JSON.parse(again.stdout)).toEqual({ projectId: server.projectId, environment: "production", secret, rotated: false });
    const rotated = await runCli(["env", "hook-secret", "production", "--rotate", "--data", server.dataDir], { env: cleanEnv() });
    expect(rotated.code).toBe(0);
    expect(rotated.stdout.trim()).toMatch(/^whsec_/);
    expect(rotated.stdout.trim()).not.toBe(secret);
    // What the server signs the environment's webhooks with from now on.
    expect(await rollbackHookSecret(server.db, server.projectId, "production")).toBe(rotated.stdout.trim());
  });

  it("refuses an environment that does not exist with E_NOT_FOUND and says how to create it", async () => {
    const result = await runCli(["env", "hook-secret", "nowhere", "--data", server.dataDir], { env: cleanEnv() });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain("cuitty env set nowhere");
  });
});

describe("cuitty env --help", () => {
  for (const [sub, options] of [
    [
      "set",
      [
        "--health-url",
        "--expect-status",
        "--interval",
        "--timeout",
        "--checks",
        "--failures",
        "--auto-rollback",
        "--no-auto-rollback",
        "--rollback-webhook",
        "--rollback-github-repo",
        "--rollback-github-workflow",
        "--rollback-github-ref",
        "--prometheus-url",
        "--prometheus-latency-query",
        "--prometheus-count-query",
        "--prometheus-bearer-token",
        "--prometheus-basic-auth",
        "--no-prometheus-auth",
        "--prometheus-error-query",
        "--prometheus-error-max",
        "--json",
      ],
    ],
    ["list", ["--json", "--api-key"]],
    ["hook-secret", ["--rotate", "--data", "--project"]],
  ] as const) {
    it(`cuitty env ${sub} --help lists its options and an example`, async () => {
      const result = await runCli(["env", sub, "--help"]);
      expect(result.code).toBe(0);
      for (const option of options) expect(result.stdout).toContain(option);
      expect(result.stdout).toMatch(new RegExp(`Examples?:\\n  cuitty env ${sub}`));
    });
  }
});

// `cuitty dora`, `cuitty deploy mark-bad|mark-good` and `cuitty hooks` through the built binary against a real server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "@cuitty/server/testing";
import { cleanEnv, connection, deployByKey, runCli } from "./helpers.js";

let server: TestServer;
const now = Math.floor(Date.now() / 1000);
beforeAll(async () => {
  server = await startTestServer();
  const events = [
    {
      id: "m1",
      type: "deploy",
      deploy: "m1",
      environment: "production",
      status: "live",
      occurredAt: now - 3 * 86_400,
      committedAt: now - 3 * 86_400 - 7200,
    },
    {
      id: "m2",
      type: "deploy",
      deploy: "m2",
      environment: "production",
      status: "live",
      occurredAt: now - 2 * 86_400,
      committedAt: now - 2 * 86_400 - 3600,
    },
    { id: "m3", type: "deploy", deploy: "m3", environment: "production", status: "failed", occurredAt: now - 86_400 },
  ];
  const res = await server.request("deploys.emitBatch", { input: { events } });
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
});
afterAll(() => server?.stop());

const admin = () => cleanEnv(connection(server, "admin"));

describe("cuitty dora", () => {
  it("prints the four metrics with bands, and --json has the figures and series", async () => {
    const human = await runCli(["dora", "--env", "production", "--since", "7d"], { env: cleanEnv(connection(server, "read")) });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/deployment frequency\s+0\.29\/day\s+2/);
    expect(human.stdout).toMatch(/lead time \(median\)\s+1h 30m/);
    // m3 failed before going live: a failed run beside the rate, not a change failure (0 of the 2 that went live).
    expect(human.stdout).toMatch(/change failure rate\s+0\.0%\s+0\/2 live/);
    expect(human.stdout).toMatch(/failed runs \(never live\)\s+1/);
    expect(human.stdout).toMatch(/open outage\s+none\s+0/);
    const json = JSON.parse((await runCli(["dora", "--env", "production", "--since", "7d", "--json"], { env: admin() })).stdout);
    expect(json.deploymentFrequency.count).toBe(2);
    expect(json.deploymentFrequency.series.length).toBeGreaterThanOrEqual(7);
    expect(json.leadTime.medianSeconds).toBe(5400);
  });

  it("names the cause when the environment is unknown or --env is missing", async () => {
    const unknown = await runCli(["dora", "--env", "prod"], { env: admin() });
    expect(unknown.code).toBe(6);
    expect(unknown.stderr).toContain("no environment named prod");
    const missing = await runCli(["dora"], { env: admin() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing --env");
    const badSince = await runCli(["dora", "--env", "production", "--since", "soon"], { env: admin() });
    expect(badSince.code).toBe(2);
  });
});

describe("cuitty deploy mark-bad and mark-good", () => {
  it("marks a deploy bad with the reason and who, counts it as a failure, then undoes it", async () => {
    const m2 = await deployByKey(server, "m2");
    const bad = await runCli(["deploy", "mark-bad", `#${m2.id}`, "--reason", "checkout errors"], { env: admin() });
    expect(bad.code).toBe(0);
    expect(bad.stderr).toContain("marked bad");
    const shown = await deployByKey(server, "m2");
    expect(shown).toMatchObject({ markedBadReason: "checkout errors", markedBadBy: expect.stringMatching(/^key:/) });
    const dora = JSON.parse((await runCli(["dora", "--env", "production", "--since", "7d", "--json"], { env: admin() })).stdout);
    expect(dora.changeFailureRate).toMatchObject({ failures: 1, total: 2, failedRuns: 1 });
    // m2 is the current deploy: marked bad, it is an open outage since its go-live two days ago.
    expect(dora.timeToRestore).toMatchObject({ unrestored: 1, openSince: now - 2 * 86_400 });
    const human = await runCli(["dora", "--env", "production", "--since", "7d"], { env: admin() });
    expect(human.stdout).toMatch(/open outage\s+began 2d ago\s+1/);
    const good = await runCli(["deploy", "mark-good", String(m2.id), "--json"], { env: admin() });
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ changed: true, deploy: { markedBadAt: null } });
  });

  it("refuses without --reason, and with a read key names the fix", async () => {
    const noReason = await runCli(["deploy", "mark-bad", "1"], { env: admin() });
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("--reason");
    const read = await runCli(["deploy", "mark-bad", "1", "--reason", "x"], { env: cleanEnv(connection(server, "read")) });
    expect(read.code).toBe(4);
    expect(read.stderr).toContain("admin");
  });
});

describe("cuitty hooks", () => {
  it("adds a hook with a generated secret, lists it, shows its deliveries and removes it", async () => {
    const add = await runCli(
      ["hooks", "add", "http://127.0.0.1:9/in", "--events", "live,failed", "-e", "production", "--format", "slack"],
      { env: admin() },
    );
    expect(add.code).toBe(0);
    expect(add.stdout.trim()).toMatch(/^whsec_/);
    expect(add.stderr).toMatch(/hook #(\d+) sends deploy.live, deploy.failed/);
    const id = Number(/hook #(\d+)/.exec(add.stderr)![1]);
    const list = await runCli(["hooks", "list"], { env: admin() });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`#${id}\\s+http://127.0.0.1:9/in\\s+live,failed\\s+production\\s+slack`));
    expect(list.stdout).not.toContain(add.stdout.trim());
    const json = JSON.parse((await runCli(["hooks", "list", "--json"], { env: admin() })).stdout);
    expect(json[0]).toMatchObject({ id, format: "slack", environments: ["production"] });
    const deliveries = await runCli(["hooks", "deliveries", String(id), "--json"], { env: admin() });
    expect(deliveries.code).toBe(0);
    expect(JSON.parse(deliveries.stdout)).toEqual([]); // the test server runs no delivery worker
    expect((await runCli(["hooks", "remove", String(id)], { env: admin() })).code).toBe(0);
    const again = await runCli(["hooks", "remove", String(id)], { env: admin() });
    expect(again.code).toBe(6);
  });

  it("refuses an unknown event name before calling the server", async () => {
    const r = await runCli(["hooks", "add", "https://example.com", "--events", "exploded"], { env: admin() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("deploy.marked_bad");
  });
});

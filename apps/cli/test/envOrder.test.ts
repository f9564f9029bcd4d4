// The order environments are listed in: production, staging, then the rest by name, unless `env set --order` says otherwise.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "@cuitty/server/testing";
import { cleanEnv, connection, query, runCli } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  // Reported alphabetically, so name order would put both previews and alpha before production.
  for (const environment of ["alpha", "preview-pr-412", "production", "staging", "preview-pr-7"]) {
    const res = await server.request("deploys.emit", {
      input: { type: "deploy", deploy: `d-${environment}`, status: "live", environment },
      key: server.keys.ingest,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
});
afterAll(() => server?.stop());

const admin = () => cleanEnv(connection(server, "admin"));
const names = async () => ({
  current: (await query(server, "deploys.current")).map((r) => r.environment),
  list: (await query(server, "environments.list")).map((r) => r.name),
});
const statusOrder = async () => {
  const result = await runCli(["status"], { env: admin() });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(/\s+/)[0]);
};

describe("environment order", () => {
  it("is production, then staging, then the rest by name, by default", async () => {
    const expected = ["production", "staging", "alpha", "preview-pr-412", "preview-pr-7"];
    expect(await names()).toEqual({ current: expected, list: expected });
    expect(await statusOrder()).toEqual(expected);
  });

  it("follows env set --order, and --no-order restores the default", async () => {
    const set = await runCli(["env", "set", "preview-pr-7", "--order", "0", "--json"], { env: admin() });
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ name: "preview-pr-7", sortOrder: 0 });
    expect((await runCli(["env", "set", "alpha", "--order", "2"], { env: admin() })).code).toBe(0);
    // alpha ties with staging's default 2 and comes first by name; the unordered come after, by name.
    const ordered = ["preview-pr-7", "production", "alpha", "staging", "preview-pr-412"];
    expect(await names()).toEqual({ current: ordered, list: ordered });
    expect(await statusOrder()).toEqual(ordered);

    const cleared = await runCli(["env", "set", "preview-pr-7", "--no-order", "--json"], { env: admin() });
    expect(JSON.parse(cleared.stdout)).toMatchObject({ name: "preview-pr-7", sortOrder: null });
    expect((await names()).list).toEqual(["production", "alpha", "staging", "preview-pr-412", "preview-pr-7"]);
  });

  it("refuses an order that is not a whole number, naming the flag", async () => {
    const result = await runCli(["env", "set", "alpha", "--order", "first"], { env: admin() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--order/);
    expect(result.stderr).toMatch(/whole number/);
  });
});

// History, current state and rollback, for people and (--json) for scripts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProcedureOutput, startTestServer, type TestServer } from "@cuitty/server/testing";
import { cleanEnv, connection, deployByKey, runCli } from "./helpers.js";

/** What `cuitty status --json` prints: deploys.current's answer as is. */
type CurrentRows = ProcedureOutput<"deploys.current">;

let server: TestServer;
let firstId: number;
let secondId: number;
beforeAll(async () => {
  server = await startTestServer();
  const env = cleanEnv(connection(server, "ingest"));
  for (const [key, version, branch] of [
    ["q-1", "v1.0.0", "main"],
    ["q-2", "v1.1.0", "main"],
    ["q-3", "v0.9.0-rc", "feature"],
  ] as const) {
    const status = key === "q-3" ? "failed" : "live";
    const result = await runCli(
      [
        "deploy",
        status,
        "--env",
        key === "q-3" ? "staging" : "production",
        "--deploy",
        key,
        "--version",
        version,
        "--branch",
        branch,
        "--commit",
        "abcdef1234",
      ],
      { env },
    );
    if (result.code !== 0) throw new Error(result.stderr);
  }
  firstId = (await deployByKey(server, "q-1")).id;
  secondId = (await deployByKey(server, "q-2")).id;
});
afterAll(() => server?.stop());

const read = () => cleanEnv(connection(server, "read"));

describe("cuitty deploys", () => {
  it("prints aligned columns with relative times for people", async () => {
    const result = await runCli(["deploys"], { env: read() });
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trim().split("\n");
    expect(header).toMatch(/^ID\s+ENV\s+STATUS\s+TITLE/);
    expect(rows).toHaveLength(3);
    expect(result.stdout).toMatch(/ago/);
    expect(result.stdout).not.toContain("\x1b["); // no colour without a TTY
  });

  it("filters by environment, status and branch, and --json parses", async () => {
    const result = await runCli(["deploys", "--env", "production", "--status", "live", "--branch", "main", "--limit", "1", "--json"], {
      env: read(),
    });
    expect(result.code).toBe(0);
    const page = JSON.parse(result.stdout);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ environment: "production", status: "live", version: "v1.1.0" });
    expect(page.nextCursor).toBeTruthy();
  });
});

describe("cuitty deploy show", () => {
  it("shows the fields and the timeline, and --json has the events", async () => {
    const human = await runCli(["deploy", "show", `#${secondId}`], { env: read() });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("v1.1.0");
    expect(human.stdout).toContain("Timeline");
    const json = JSON.parse((await runCli(["deploy", "show", String(secondId), "--json"], { env: read() })).stdout);
    expect(json).toMatchObject({ id: secondId, externalKey: "q-2", current: true });
    expect(json.events[0].toStatus).toBe("live");
  });
});

describe("cuitty status and cuitty rollback", () => {
  it("shows each environment's current deploy, then rolls production back to the previous live deploy", async () => {
    const before: CurrentRows = JSON.parse((await runCli(["status", "--json"], { env: read() })).stdout);
    expect(before.find((r) => r.environment === "production")?.deploy?.id).toBe(secondId);
    const human = await runCli(["status"], { env: read() });
    expect(human.stdout).toMatch(/production\s+#\d+\s+live\s+v1\.1\.0/);

    const rolled = await runCli(["rollback", "--env", "production", "--reason", "p99 doubled", "--json"], {
      env: cleanEnv(connection(server, "admin")),
    });
    expect(rolled.code).toBe(0);
    expect(JSON.parse(rolled.stdout)).toMatchObject({ id: secondId, status: "rolled_back", rollbackTargetId: firstId });

    const after: CurrentRows = JSON.parse((await runCli(["status", "--json"], { env: read() })).stdout);
    expect(after.find((r) => r.environment === "production")?.deploy?.id).toBe(firstId);
  });

  it("refuses a rollback target that never went live in that environment, with E_REFUSED", async () => {
    const staging = await deployByKey(server, "q-3");
    const result = await runCli(["rollback", "--env", "production", "--to", String(staging.id)], {
      env: cleanEnv(connection(server, "admin")),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/\[E_(REFUSED|NOT_FOUND)\]/);
  });

  it("refuses to roll the current deploy forward to one that went live after it, and says what can be rolled back", async () => {
    // After the rollback above, q-1 is current again; q-2 went live after it.
    const result = await runCli(["rollback", "--env", "production", "--to", String(secondId)], {
      env: cleanEnv(connection(server, "admin")),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("[E_REFUSED]");
    expect(result.stderr).toContain("went live after");
    const status: CurrentRows = JSON.parse((await runCli(["status", "--json"], { env: read() })).stdout);
    expect(status.find((r) => r.environment === "production")?.deploy?.id).toBe(firstId);
  });
});

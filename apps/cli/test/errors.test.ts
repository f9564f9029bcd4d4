// Every error names its cause and its fix and exits non-zero with a stable code.
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "@cuitty/server/testing";
import { cleanEnv, connection, emptyDir, runCli } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe("error paths", () => {
  it("a missing variable names the variable and how to set it, with E_CONFIG (exit 3)", async () => {
    const { CUITTY_API_KEY: _, ...partial } = connection(server);
    const result = await runCli(["deploy", "live", "--env", "production", "--deploy", "e-1"], { env: cleanEnv(partial) });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("CUITTY_API_KEY is not set");
    expect(result.stderr).toContain("[E_CONFIG]");
    expect(result.stderr).toContain("fix:");
    expect(result.stderr).not.toContain("CUITTY_PORTAL_URL is");
  });

  it("falls back to ./.cuitty/credentials.json when the variables are absent", async () => {
    const dir = emptyDir();
    mkdirSync(join(dir, ".cuitty"));
    writeFileSync(
      join(dir, ".cuitty", "credentials.json"),
      JSON.stringify({ portalUrl: server.url, projectId: server.projectId, apiKey: server.keys.admin }),
    );
    const result = await runCli(["status", "--json"], { env: cleanEnv(), cwd: dir });
    expect(result.code).toBe(0);
    expect(Array.isArray(JSON.parse(result.stdout))).toBe(true);
  });

  it("a bad key is refused with E_AUTH (exit 4), even without --strict", async () => {
    const result = await runCli(["deploy", "live", "--env", "production", "--deploy", "e-2"], {
      env: cleanEnv({ ...connection(server), CUITTY_API_KEY: "ck_not_a_real_key" }),
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("refused the API key");
    expect(result.stderr).toContain("[E_AUTH]");
    expect(result.stderr).toContain("fix: check that CUITTY_API_KEY");
  });

  it("an unknown project is refused with E_AUTH and names the project", async () => {
    const result = await runCli(["deploys"], { env: cleanEnv({ ...connection(server), CUITTY_PROJECT_ID: "prj_nope" }) });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("[E_AUTH]");
  });

  it("an illegal transition names both states, with E_REFUSED (exit 5)", async () => {
    const env = cleanEnv(connection(server, "ingest"));
    expect((await runCli(["deploy", "live", "--env", "production", "--deploy", "e-3"], { env })).code).toBe(0);
    const result = await runCli(["deploy", "building", "--env", "production", "--deploy", "e-3"], { env });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain("from live to building");
    expect(result.stderr).toContain("[E_REFUSED]");
  });

  it("a rollback with an ingest key is refused with E_AUTH and says which key to use", async () => {
    const env = cleanEnv(connection(server, "ingest"));
    expect((await runCli(["deploy", "live", "--env", "scoped", "--deploy", "e-4"], { env })).code).toBe(0);
    const result = await runCli(["rollback", "--env", "scoped"], { env });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("admin key");
  });

  it("an unknown deploy id is E_NOT_FOUND (exit 6)", async () => {
    const result = await runCli(["deploy", "show", "999999"], { env: cleanEnv(connection(server, "read")) });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain("#999999");
  });

  it("a report outside CI without --deploy asks for one, with E_USAGE (exit 2)", async () => {
    const result = await runCli(["deploy", "live", "--env", "production"], { env: cleanEnv(connection(server)) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("pass --deploy KEY");
  });

  it("a report without --env and a malformed flag are E_USAGE (exit 2)", async () => {
    const env = cleanEnv(connection(server));
    const noEnv = await runCli(["deploy", "live", "--deploy", "e-5"], { env });
    expect(noEnv.code).toBe(2);
    expect(noEnv.stderr).toContain("missing --env");
    const badCommit = await runCli(["deploy", "live", "--env", "production", "--deploy", "e-5", "--commit", "not-hex"], { env });
    expect(badCommit.code).toBe(2);
    expect(badCommit.stderr).toContain("--commit");
    const badStatus = await runCli(["deploy", "shipped", "--env", "production"], { env });
    expect(badStatus.code).toBe(2);
  });

  it("a portal URL that is not a Cuitty server is E_CONFIG and not mistaken for an outage", async () => {
    const result = await runCli(["deploys"], { env: cleanEnv({ ...connection(server), CUITTY_PORTAL_URL: `${server.url}/nothing-here` }) });
    expect(result.stderr).toMatch(/\[E_(CONFIG|NOT_FOUND)\]/);
    expect(result.code).not.toBe(0);
  });
});

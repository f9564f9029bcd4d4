// Organisation keys from the command line: issued, listed and revoked locally; `cuitty status --all` prints the matrix.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, createProject } from "@cuitty/db";
import { startTestServer, type TestServer } from "@cuitty/server/testing";
import { cleanEnv, runCli } from "./helpers.js";

let server: TestServer;
let orgRead: { keyId: string; apiKey: string };

const local = (args: string[]) => runCli([...args, "--data", server.dataDir], { env: cleanEnv() });
const asOrg = (args: string[], key = orgRead.apiKey) =>
  runCli(args, { env: cleanEnv({ CUITTY_PORTAL_URL: server.url, CUITTY_PROJECT_ID: "org", CUITTY_API_KEY: key }) });

beforeAll(async () => {
  server = await startTestServer();
  const now = Math.floor(Date.now() / 1000);
  for (const [name, status] of [
    ["payments", "failed"],
    ["search", "live"],
  ] as const) {
    const project = await createProject(server.db, name);
    const key = (await createApiKey(server.db, project.id, "ingest")).apiKey;
    const res = await server.request("deploys.emit", {
      projectId: project.id,
      key,
      input: {
        id: `${name}-1`,
        type: "deploy",
        deploy: `${name}-1`,
        environment: "production",
        status,
        version: `${name}-v1`,
        occurredAt: now - 600,
      },
    });
    expect(res.status).toBe(200);
  }
});
afterAll(() => server?.stop());

describe("cuitty keys --org", () => {
  it("issues an organisation read key once, lists it with --org, and refuses ingest scope or a project beside --org", async () => {
    const created = await local(["keys", "create", "--org", "--scope", "read", "--label", "platform team", "--json"]);
    expect(created.code, created.stderr).toBe(0);
    orgRead = JSON.parse(created.stdout);
    expect(orgRead).toMatchObject({ scope: "read", org: true });
    expect(orgRead.keyId).toMatch(/^okey_/);
    const listed = await local(["keys", "list", "--org", "--json"]);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ keyId: orgRead.keyId, scope: "read", label: "platform team", revokedAt: null }),
    ]);
    expect(listed.stdout).not.toContain(orgRead.apiKey);
    const ingest = await local(["keys", "create", "--org", "--scope", "ingest"]);
    expect([ingest.code, ingest.stderr]).toEqual([2, expect.stringContaining("organisation keys are read or admin")]);
    const both = await local(["keys", "create", "--org", "--project", server.projectId, "--scope", "read"]);
    expect(both.code).toBe(2);
  });
});

describe("cuitty status --all", () => {
  it("prints every service with its environments, trouble first", async () => {
    const res = await asOrg(["status", "--all"]);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^SERVICE\s+ATTENTION\s+PRODUCTION$/);
    expect(lines[1]).toMatch(/^payments\s+failed <24h\s+none live, ✗ payments-v1 failed 1\dm ago$/);
    expect(lines[2]).toMatch(/^search\s+steady\s+search-v1 1\dm ago$/);
    expect(lines[3]).toMatch(/^default\s+nothing live\s+-$/);
  });

  it("prints org.overview as JSON with --json, with the filters given", async () => {
    const res = await asOrg(["status", "--all", "--json", "--search", "sea", "--env", "production"]);
    expect(res.code, res.stderr).toBe(0);
    const overview = JSON.parse(res.stdout);
    expect(overview.environments).toEqual(["production"]);
    expect(overview.services).toEqual([expect.objectContaining({ service: "search", attention: "steady" })]);
  });

  it("refuses a project key and a revoked organisation key with the fix", async () => {
    const project = await asOrg(["status", "--all"], server.keys.admin);
    expect([project.code, project.stderr]).toEqual([4, expect.stringContaining("cuitty keys create --org --scope read")]);
    const revoked = await local(["keys", "revoke", orgRead.keyId]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await asOrg(["status", "--all"]);
    expect(after.code).toBe(4);
  });
});

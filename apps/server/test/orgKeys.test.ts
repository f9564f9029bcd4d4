// Organisation keys cannot be used to escalate: an org read key does in each project only what a project read
// key does, org admin is admin in every project, and no project key reaches another project or org.* procedures.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORG_PROJECT } from "@cuitty/core";
import { createOrgKey, revokeOrgKey } from "@cuitty/db";
import { type ResponseBody, startTestServer, type TestServer } from "@cuitty/server/testing";
import { type Service, createService, history, orgKeys } from "./orgHelpers.js";
import { rowCounts } from "./helpers.js";

let server: TestServer;
let keys: { read: string; admin: string };
let a: Service;
let b: Service;
let liveId: number;
let targetId: number;

const refusal = (res: { status: number; body: ResponseBody<unknown> }) => [res.status, res.body?.error?.data?.cuittyCode];
const event = (status: string, extra: Record<string, unknown> = {}) => ({
  type: "deploy",
  deploy: `k-${status}`,
  environment: "production",
  status,
  ...extra,
});

beforeAll(async () => {
  server = await startTestServer();
  keys = await orgKeys(server);
  a = await createService(server, "api");
  b = await createService(server, "billing");
  targetId = await history(server, a, "production", "t", [["live", Math.floor(Date.now() / 1000) - 600]]);
  liveId = await history(server, a, "production", "l", [["live", Math.floor(Date.now() / 1000) - 60]]);
});
afterAll(() => server?.stop());

describe("an organisation read key", () => {
  it("reads every project as that project's read key does", async () => {
    for (const s of [a, b]) {
      const res = await server.request("deploys.current", { projectId: s.projectId, key: keys.read });
      expect(res.status).toBe(200);
    }
    const who = await server.request("auth.whoami", { projectId: a.projectId, key: keys.read });
    expect(who.body.result.data).toMatchObject({ projectId: a.projectId, scope: "read" });
    expect(who.body.result.data.keyId).toMatch(/^okey_/);
  });

  it("cannot ingest, roll back, mark bad, change settings or subscribe hooks in any project, and writes nothing trying", async () => {
    const before = await rowCounts(server);
    const attempts: [string, unknown][] = [
      ["deploys.emit", event("live")],
      ["deploys.emitBatch", { events: [event("building")] }],
      ["deploys.rollback", { deployId: liveId, targetId }],
      ["deploys.markBad", { id: liveId, reason: "no" }],
      ["environments.update", { environment: "production", healthUrl: "http://127.0.0.1:9/h" }],
      ["hooks.add", { url: "http://127.0.0.1:9/hook" }],
      ["audit.record", { entries: [{ environment: "production", actor: "x", action: "y" }] }],
    ];
    for (const [procedure, input] of attempts) {
      const res = await server.request(procedure, { projectId: a.projectId, key: keys.read, input });
      expect([procedure, ...refusal(res)]).toEqual([procedure, 403, "FORBIDDEN_SCOPE"]);
    }
    expect(await rowCounts(server)).toEqual(before);
  });

  it("calls org.* procedures only with x-cuitty-project: org, and project procedures only with a real project id", async () => {
    expect((await server.request("org.overview", { projectId: ORG_PROJECT, key: keys.read })).status).toBe(200);
    expect(refusal(await server.request("org.overview", { projectId: a.projectId, key: keys.read }))).toEqual([403, "FORBIDDEN_SCOPE"]);
    expect(refusal(await server.request("deploys.current", { projectId: ORG_PROJECT, key: keys.read }))).toEqual([401, "UNKNOWN_PROJECT"]);
    expect(refusal(await server.request("deploys.current", { projectId: "prj_000000000000", key: keys.read }))).toEqual([
      401,
      "UNKNOWN_PROJECT",
    ]);
  });
});

describe("an organisation admin key", () => {
  it("is an admin key in every project: it ingests, rolls back and changes settings, and is named by its label", async () => {
    const emit = await server.request("deploys.emit", { projectId: b.projectId, key: keys.admin, input: event("building") });
    expect(emit.status).toBe(200);
    const settings = await server.request("environments.update", {
      projectId: b.projectId,
      key: keys.admin,
      input: { environment: "production", healthExpectStatus: 204 },
    });
    expect(settings.status).toBe(200);
    const rollback = await server.request("deploys.rollback", {
      projectId: a.projectId,
      key: keys.admin,
      input: { deployId: liveId, targetId },
    });
    expect(rollback.status).toBe(200);
    const got = await server.request("deploys.get", { projectId: a.projectId, key: keys.admin, input: { id: liveId } });
    expect(got.body.result.data.events.at(-1)).toMatchObject({ toStatus: "rolled_back", actorName: "platform admins" });
  });

  it("stops working the moment it is revoked", async () => {
    const key = await createOrgKey(server.db, "admin", "short-lived");
    expect((await server.request("org.overview", { projectId: ORG_PROJECT, key: key.apiKey })).status).toBe(200);
    await revokeOrgKey(server.db, key.keyId);
    expect(refusal(await server.request("org.overview", { projectId: ORG_PROJECT, key: key.apiKey }))).toEqual([401, "BAD_SIGNATURE"]);
    expect(refusal(await server.request("deploys.current", { projectId: a.projectId, key: key.apiKey }))).toEqual([401, "BAD_SIGNATURE"]);
  });
});

describe("a project key", () => {
  it("never reaches org.* procedures, whatever project header it sends", async () => {
    for (const key of [a.admin, a.read, a.ingest]) {
      expect(refusal(await server.request("org.overview", { projectId: ORG_PROJECT, key }))).toEqual([401, "BAD_SIGNATURE"]);
      expect(refusal(await server.request("org.activity", { projectId: a.projectId, key }))).toEqual([403, "FORBIDDEN_SCOPE"]);
    }
    expect(
      refusal(await server.request("org.dora", { projectId: a.projectId, key: a.admin, input: { environment: "production" } })),
    ).toEqual([403, "FORBIDDEN_SCOPE"]);
  });

  it("never sees another project: its admin key names billing and is refused", async () => {
    for (const procedure of ["deploys.current", "deploys.list", "environments.list"]) {
      expect(refusal(await server.request(procedure, { projectId: b.projectId, key: a.admin }))).toEqual([401, "BAD_SIGNATURE"]);
    }
    const other = await server.request("deploys.get", { projectId: b.projectId, key: b.read, input: { id: liveId } });
    expect(refusal(other)).toEqual([404, "NOT_FOUND"]);
  });
});

describe("an organisation key at rest", () => {
  it("is stored sealed under the master key, and signs as issued", async () => {
    const { randomBytes } = await import("node:crypto");
    const sealed = await startTestServer({ config: { masterKeys: { current: randomBytes(32) } } });
    try {
      const key = await createOrgKey(sealed.db, "read", "sealed");
      const { rows } = await sealed.db.clients.deploys.execute({ sql: "SELECT secret FROM org_keys WHERE key_id = ?", args: [key.keyId] });
      expect(String(rows[0]!.secret)).toMatch(/^enc:v1:[0-9a-f]{8}:/);
      expect((await sealed.request("org.overview", { projectId: ORG_PROJECT, key: key.apiKey })).status).toBe(200);
    } finally {
      await sealed.stop();
    }
  });
});

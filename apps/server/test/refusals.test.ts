// Every refusal names its cause with a stable code and the right status, leaks no stack, and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CuittyErrorData, signedHeaders } from "@cuitty/core";
import { createApiKey, createProject, revokeApiKey } from "@cuitty/db";
import { type ResponseBody, type TestServer, startTestServer } from "../src/testing.js";
import { deployIn, emit, event, rowCounts, uniq } from "./helpers.js";

let server: TestServer;
let other: { projectId: string; admin: string };
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  server = await startTestServer();
  const p = await createProject(server.db, "other");
  other = { projectId: p.id, admin: (await createApiKey(server.db, p.id, "admin")).apiKey };
});
afterAll(() => server.stop());

async function expectRefused(
  send: () => Promise<{ status: number; body: ResponseBody<unknown> }>,
  status: number,
  code: string,
  messagePart?: string,
) {
  const before = await rowCounts(server);
  const res = await send();
  expect(res.status).toBe(status);
  expect(res.body.error.data.cuittyCode).toBe(code);
  // CuittyErrorData has no stack: read as one that might, to prove none slipped into the answer.
  const data: CuittyErrorData & { stack?: unknown } = res.body.error.data;
  expect(data.stack).toBeUndefined();
  expect(JSON.stringify(res.body)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  if (messagePart) expect(res.body.error.message).toContain(messagePart);
  expect(await rowCounts(server)).toEqual(before);
  return res;
}

/** A raw POST with hand-made headers, for refusals the helper cannot produce. */
async function rawPost(path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(server.url + path, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

const ok = () => event(uniq("r"), "building");

describe("authentication refusals", () => {
  it("should refuse a body changed after signing with BAD_SIGNATURE", async () => {
    const body = JSON.stringify(ok());
    const headers = await signedHeaders(
      { projectId: server.projectId, apiKey: server.keys.ingest },
      { method: "POST", pathAndQuery: "/trpc/deploys.emit", body },
    );
    await expectRefused(() => rawPost("/trpc/deploys.emit", body.replace("building", "deploying"), headers), 401, "BAD_SIGNATURE");
  });

  it("should refuse a key that was never issued with BAD_SIGNATURE", async () => {
    await expectRefused(() => emit(server, ok(), "cdk_admin_not-a-real-key"), 401, "BAD_SIGNATURE");
  });

  it("should refuse a revoked key with BAD_SIGNATURE", async () => {
    const key = await createApiKey(server.db, server.projectId, "ingest");
    expect((await emit(server, ok(), key.apiKey)).status).toBe(200);
    await revokeApiKey(server.db, key.keyId);
    await expectRefused(() => emit(server, ok(), key.apiKey), 401, "BAD_SIGNATURE");
  });

  it("should refuse a timestamp more than 300 s old with STALE_TIMESTAMP naming the server time", async () => {
    const res = await expectRefused(
      () => server.request("deploys.emit", { input: ok(), key: server.keys.ingest, timestamp: now() - 301 }),
      401,
      "STALE_TIMESTAMP",
      "server time",
    );
    expect(res.body.error.data.serverTime).toBeTypeOf("number");
  });

  it("should refuse a timestamp more than 300 s in the future with STALE_TIMESTAMP", async () => {
    await expectRefused(
      () => server.request("deploys.emit", { input: ok(), key: server.keys.ingest, timestamp: now() + 301 }),
      401,
      "STALE_TIMESTAMP",
    );
  });

  it("should refuse requests without signature headers", async () => {
    await expectRefused(() => rawPost("/trpc/deploys.emit", JSON.stringify(ok()), {}), 401, "UNKNOWN_PROJECT");
    await expectRefused(
      () => rawPost("/trpc/deploys.emit", JSON.stringify(ok()), { "x-cuitty-project": server.projectId }),
      401,
      "BAD_SIGNATURE",
    );
  });

  it("should refuse an unknown project with UNKNOWN_PROJECT", async () => {
    await expectRefused(() => server.request("deploys.emit", { input: ok(), projectId: "prj_nope" }), 401, "UNKNOWN_PROJECT");
  });

  it("should refuse keys without the needed scope with FORBIDDEN_SCOPE", async () => {
    await expectRefused(() => server.request("deploys.list", { input: {}, key: server.keys.ingest }), 403, "FORBIDDEN_SCOPE", "read");
    await expectRefused(() => emit(server, ok(), server.keys.read), 403, "FORBIDDEN_SCOPE", "ingest");
    const id = await deployIn(server, "live");
    await expectRefused(
      () => server.request("deploys.rollback", { input: { deployId: id }, key: server.keys.read }),
      403,
      "FORBIDDEN_SCOPE",
      "admin",
    );
    await expectRefused(
      () => server.request("environments.update", { input: { environment: "production", autoRollback: true }, key: server.keys.ingest }),
      403,
      "FORBIDDEN_SCOPE",
    );
  });
});

describe("another project's key", () => {
  it("should not sign for this project (writes and reads)", async () => {
    await expectRefused(() => emit(server, ok(), other.admin), 401, "BAD_SIGNATURE");
    await expectRefused(() => server.request("deploys.list", { input: {}, key: other.admin }), 401, "BAD_SIGNATURE");
  });

  it("should see nothing of this project through its own project", async () => {
    const id = await deployIn(server, "live");
    const list = await server.request("deploys.list", { input: {}, key: other.admin, projectId: other.projectId });
    expect(list.body.result.data.items).toEqual([]);
    await expectRefused(
      () => server.request("deploys.get", { input: { id }, key: other.admin, projectId: other.projectId }),
      404,
      "NOT_FOUND",
    );
    await expectRefused(
      () => server.request("deploys.rollback", { input: { deployId: id }, key: other.admin, projectId: other.projectId }),
      404,
      "NOT_FOUND",
    );
    const current = await server.request("deploys.current", { key: other.admin, projectId: other.projectId });
    expect(current.body.result.data).toEqual([]);
  });
});

describe("input refusals", () => {
  it("should refuse malformed JSON with VALIDATION_FAILED", async () => {
    await expectRefused(
      () => server.request("deploys.emit", { rawBody: "{not json", key: server.keys.ingest }),
      400,
      "VALIDATION_FAILED",
      "JSON",
    );
  });

  it("should refuse wrong types naming the field", async () => {
    const res = await expectRefused(() => emit(server, { ...ok(), status: 5 }), 400, "VALIDATION_FAILED");
    expect(res.body.error.data.fields).toContain("status");
    const res2 = await expectRefused(() => emit(server, { ...ok(), occurredAt: "yesterday" }), 400, "VALIDATION_FAILED");
    expect(res2.body.error.data.fields).toContain("occurredAt");
  });

  it("should refuse unknown fields naming them", async () => {
    const res = await expectRefused(() => emit(server, { ...ok(), colour: "blue" }), 400, "VALIDATION_FAILED", "colour");
    expect(res.body.error.message).toContain("colour");
  });

  it("should refuse an occurredAt more than 300 s in the future", async () => {
    const res = await expectRefused(() => emit(server, { ...ok(), occurredAt: now() + 3600 }), 400, "VALIDATION_FAILED");
    expect(res.body.error.data.fields).toEqual(["occurredAt"]);
  });

  it("should refuse a 65 KiB body with PAYLOAD_TOO_LARGE before parsing it", async () => {
    const big = JSON.stringify({ ...ok(), reason: "x".repeat(65 * 1024) });
    await expectRefused(() => server.request("deploys.emit", { rawBody: big, key: server.keys.ingest }), 413, "PAYLOAD_TOO_LARGE");
    // Not even valid JSON: the size is refused first.
    await expectRefused(
      () => server.request("deploys.emit", { rawBody: "{".repeat(70_000), key: server.keys.ingest }),
      413,
      "PAYLOAD_TOO_LARGE",
    );
  });

  it("should allow batch procedures up to 1 MiB but not 64 KiB procedures", async () => {
    const events = Array.from({ length: 300 }, () => ({ ...ok(), reason: "r".repeat(300) }));
    const res = await server.request("deploys.emitBatch", { input: { events }, key: server.keys.ingest });
    expect(res.status).toBe(200);
    expect(res.body.result.data.results).toHaveLength(300);
  });

  it("should refuse a batch of more than 500 events", async () => {
    const events = Array.from({ length: 501 }, () => ok());
    await expectRefused(
      () => server.request("deploys.emitBatch", { input: { events }, key: server.keys.ingest }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("should refuse a cursor the server did not issue", async () => {
    await expectRefused(
      () => server.request("deploys.list", { input: { cursor: "bm9wZQ" }, key: server.keys.read }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("should answer an unknown procedure with NOT_FOUND", async () => {
    await expectRefused(() => server.request("deploys.nope", { input: {}, method: "POST" }), 404, "NOT_FOUND");
  });

  it("should refuse an event that moves a deploy to another environment", async () => {
    const key = uniq("env");
    await emit(server, event(key, "building"));
    await expectRefused(() => emit(server, event(key, "live", { environment: "staging" })), 400, "VALIDATION_FAILED");
  });
});

describe("rollback refusals", () => {
  it("should refuse a rollback target in another environment", async () => {
    const target = await deployIn(server, "live", "staging");
    const id = await deployIn(server, "live");
    await expectRefused(
      () => server.request("deploys.rollback", { input: { deployId: id, targetId: target } }),
      409,
      "INVALID_ROLLBACK_TARGET",
      "another environment",
    );
  });

  it("should refuse a rollback target of another project as not found", async () => {
    const id = await deployIn(server, "live");
    const res = await server.request("deploys.emit", {
      input: event(uniq("o"), "live"),
      key: other.admin,
      projectId: other.projectId,
    });
    const foreign = res.body.result.data.deploy.id;
    await expectRefused(() => server.request("deploys.rollback", { input: { deployId: id, targetId: foreign } }), 404, "NOT_FOUND");
  });

  it("should refuse a rollback target that never reached live", async () => {
    const never = await deployIn(server, "building");
    const id = await deployIn(server, "live");
    await expectRefused(
      () => server.request("deploys.rollback", { input: { deployId: id, targetId: never } }),
      409,
      "INVALID_ROLLBACK_TARGET",
      "never reached live",
    );
  });

  it("should refuse rolling back a deploy that is still building", async () => {
    const id = await deployIn(server, "building");
    await expectRefused(() => server.request("deploys.rollback", { input: { deployId: id } }), 409, "INVALID_TRANSITION", "building");
  });

  it("should refuse a rollback when no earlier live deploy exists", async () => {
    const id = await deployIn(server, "live", `lonely-${process.pid}`);
    await expectRefused(() => server.request("deploys.rollback", { input: { deployId: id } }), 409, "INVALID_ROLLBACK_TARGET");
  });

  it("should refuse an unknown deploy id with NOT_FOUND", async () => {
    await expectRefused(() => server.request("deploys.get", { input: { id: 999_999 }, key: server.keys.read }), 404, "NOT_FOUND");
  });
});

describe("the server after refusals", () => {
  it("should still answer /healthz", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
  });
});

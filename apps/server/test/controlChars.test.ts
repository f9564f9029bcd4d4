// NUL and other control characters in keys, names and refs are refused (SQLite would cut the text at NUL).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ResponseBody, type TestServer, startTestServer } from "../src/testing.js";
import { emit, event, rowCounts, uniq } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

async function expectFieldRefused(send: () => Promise<{ status: number; body: ResponseBody<unknown> }>, fields: string[]) {
  const before = await rowCounts(server);
  const res = await send();
  expect(res.status).toBe(400);
  expect(res.body.error.data.cuittyCode).toBe("VALIDATION_FAILED");
  expect([...res.body.error.data.fields!].sort()).toEqual(fields);
  expect(await rowCounts(server)).toEqual(before);
}

describe("control characters on the wire", () => {
  it("refuses a deploy key with a NUL in it, naming the field, and writes nothing", async () => {
    expect((await emit(server, event("gamma", "live"))).status).toBe(200);
    await expectFieldRefused(() => emit(server, event("gamma\u0000-pr-42", "live")), ["deploy"]);
    const list = await server.request("deploys.list", { input: {}, key: server.keys.read });
    expect(list.body.result.data.items.map((d: { externalKey?: string; deploy?: string }) => d.externalKey ?? d.deploy)).not.toContain(
      "gamma\u0000-pr-42",
    );
  });

  it("refuses a branch with a NUL in it and writes nothing", async () => {
    await expectFieldRefused(() => emit(server, event(uniq("nul"), "building", { branch: "ma\u0000in" })), ["branch"]);
  });

  it("refuses control characters in every event of a batch by their paths", async () => {
    await expectFieldRefused(
      () =>
        server.request("deploys.emitBatch", {
          key: server.keys.ingest,
          input: { events: [event(uniq("ok"), "building"), event(uniq("b"), "building", { version: "v1\u001b[2J", triggeredBy: "x\ty" })] },
        }),
      ["events.1.triggeredBy", "events.1.version"],
    );
  });

  it("accepts a reason with newlines but refuses one with a NUL", async () => {
    const key = uniq("reason");
    expect((await emit(server, event(key, "failed", { reason: "step 1 failed\n\tstep 2 skipped" }))).status).toBe(200);
    await expectFieldRefused(() => emit(server, event(uniq("reason"), "failed", { reason: "oops\u0000" })), ["reason"]);
  });

  it("refuses control characters in audit actors and metric names", async () => {
    const auditBefore = await server.db.clients.audit.execute("SELECT count(*) AS n FROM audit_entries");
    await expectFieldRefused(
      () =>
        server.request("audit.record", {
          key: server.keys.ingest,
          input: { entries: [{ environment: "production", actor: "ali\u0000ce", action: "flag.update" }] },
        }),
      ["entries.0.actor"],
    );
    expect((await server.db.clients.audit.execute("SELECT count(*) AS n FROM audit_entries")).rows[0]!.n).toEqual(auditBefore.rows[0]!.n);
    await expectFieldRefused(
      () =>
        server.request("perf.record", {
          key: server.keys.ingest,
          input: { snapshots: [{ environment: "production", metric: "GET /\u0000", p99: 1, samples: 1, windowStart: 1, windowEnd: 2 }] },
        }),
      ["snapshots.0.metric"],
    );
  });
});

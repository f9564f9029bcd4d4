// The organisation's overview and activity feed on four services whose histories are worked out by hand:
// attention per cell, trouble-first order, filters, live since, and the feed's order, pages and filters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProcedureOutput, startTestServer, type TestServer } from "@cuitty/server/testing";
import { createService, history, orgCall, orgKeys } from "./orgHelpers.js";

const M = 60;
const H = 3600;
const D = 86_400;
let server: TestServer;
let key: string;
let N: number;
const ids: Record<string, number> = {};
const projects: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  key = (await orgKeys(server)).read;
  N = Math.floor(Date.now() / 1000);
  const payments = await createService(server, "payments");
  const search = await createService(server, "search");
  const checkout = await createService(server, "Checkout");
  const zeta = await createService(server, "zeta-old");
  Object.assign(projects, { payments: payments.projectId, search: search.projectId, checkout: checkout.projectId, zeta: zeta.projectId });

  // payments: A live 3 d ago; B live 2 h ago, now failing its health checks; staging: C building 10 min ago.
  ids.A = await history(server, payments, "production", "A", [["live", N - 3 * D, { version: "v1" }]]);
  ids.B = await history(server, payments, "production", "B", [["live", N - 2 * H, { version: "v2" }]]);
  await server.db.clients.deploys.execute({ sql: "UPDATE deploys SET health_status = 'failing' WHERE id = ?", args: [ids.B] });
  ids.C = await history(server, payments, "staging", "C", [["building", N - 10 * M, { version: "v3-rc" }]]);
  // search: D live 2 d ago; E live 5 h ago, rolled back to D 4 h ago.
  ids.D = await history(server, search, "production", "D", [["live", N - 2 * D, { version: "s1" }]]);
  ids.E = await history(server, search, "production", "E", [
    ["live", N - 5 * H, { version: "s2" }],
    ["rolled_back", N - 4 * H, { rollbackTargetId: ids.D, reason: "errors up" }],
  ]);
  // Checkout: F live 1 d ago; G cancelled 1 h ago (not trouble); staging: H failed 30 h ago (older than 24 h).
  ids.F = await history(server, checkout, "production", "F", [["live", N - D, { version: "c1" }]]);
  ids.G = await history(server, checkout, "production", "G", [
    ["building", N - 70 * M],
    ["failed", N - H, { reason: "cancelled" }],
  ]);
  ids.H = await history(server, checkout, "staging", "H", [
    ["building", N - 31 * H],
    ["failed", N - 30 * H, { reason: "exit 1" }],
  ]);
  // zeta-old: I live 10 d ago; J failed 3 h ago; K deploying 5 min ago.
  ids.I = await history(server, zeta, "production", "I", [["live", N - 10 * D, { version: "z1" }]]);
  ids.J = await history(server, zeta, "production", "J", [["failed", N - 3 * H, { version: "z2", reason: "exit 2" }]]);
  ids.K = await history(server, zeta, "production", "K", [["deploying", N - 5 * M, { version: "z3" }]]);
});
afterAll(() => server?.stop());

describe("org.overview", () => {
  it("puts broken first, then failed in the last 24 h, then in flight, steady, and services with nothing live, by name within each", async () => {
    const o = await orgCall(server, key, "org.overview");
    expect(o.environments).toEqual(["production", "staging"]);
    expect(o.services.map((s) => [s.service, s.attention])).toEqual([
      ["payments", "broken"],
      ["search", "failed_recently"],
      ["zeta-old", "failed_recently"],
      ["Checkout", "steady"],
      ["default", "no_deploy"],
    ]);
    expect(o.total).toBe(5);
  });

  it("describes each cell: current deploy, health, live since, in flight with its phase, and the last failure or rollback", async () => {
    const o = await orgCall(server, key, "org.overview");
    const cells = (name: string) => Object.fromEntries(o.services.find((s) => s.service === name)!.cells.map((c) => [c.environment, c]));
    const payments = cells("payments");
    expect(payments.production).toMatchObject({
      attention: "broken",
      current: { id: ids.B, title: "v2", healthStatus: "failing", markedBad: false, liveSince: N - 2 * H },
      inFlight: null,
      lastFailure: null,
      lastRollback: null,
    });
    expect(payments.staging).toMatchObject({
      attention: "in_flight",
      current: null,
      inFlight: { id: ids.C, title: "v3-rc", status: "building", startedAt: N - 10 * M },
    });
    // After a rollback the environment's deploy is D again, live since the rollback.
    expect(cells("search").production).toMatchObject({
      attention: "failed_recently",
      current: { id: ids.D, title: "s1", liveSince: N - 4 * H },
      lastRollback: { deployId: ids.E, title: "s2", at: N - 4 * H, targetId: ids.D, reason: "errors up" },
      lastFailure: null,
    });
    // A failure outranks a deploy in flight in the same cell.
    expect(cells("zeta-old").production).toMatchObject({
      attention: "failed_recently",
      current: { id: ids.I, liveSince: N - 10 * D },
      inFlight: { id: ids.K, status: "deploying" },
      lastFailure: { deployId: ids.J, title: "z2", at: N - 3 * H, reason: "exit 2" },
    });
    // A cancelled run is no failure, and one 30 h ago is outside the window.
    expect(cells("Checkout").production).toMatchObject({ attention: "steady", current: { id: ids.F }, lastFailure: null });
    expect(cells("Checkout").staging).toMatchObject({ attention: "no_deploy", current: null, lastFailure: null, inFlight: null });
    expect(o.services.find((s) => s.service === "default")?.cells).toEqual([]);
  });

  it("filters by environment and by text in the service's name, case-insensitively, and cuts at the limit", async () => {
    const staging = await orgCall(server, key, "org.overview", { environment: "staging" });
    expect(staging.environments).toEqual(["staging"]);
    expect(staging.services.map((s) => [s.service, s.attention, s.cells.length])).toEqual([
      ["payments", "in_flight", 1],
      ["Checkout", "no_deploy", 1],
    ]);
    const found = await orgCall(server, key, "org.overview", { search: "CHECK" });
    expect(found.services.map((s) => s.projectId)).toEqual([projects.checkout]);
    const byId = await orgCall(server, key, "org.overview", { search: projects.search });
    expect(byId.services.map((s) => s.service)).toEqual(["search"]);
    const two = await orgCall(server, key, "org.overview", { limit: 2 });
    expect(two.services.map((s) => s.service)).toEqual(["payments", "search"]);
    expect(two.total).toBe(5);
  });
});

describe("org.activity", () => {
  const feed = ["K", "C", "G", "G", "B", "J", "E", "E", "F", "H", "H", "D", "A", "I"];
  const statuses = [
    "deploying",
    "building",
    "failed",
    "building",
    "live",
    "failed",
    "rolled_back",
    "live",
    "live",
    "failed",
    "building",
    "live",
    "live",
    "live",
  ];

  it("lists every transition of every service newest first, in pages that together hold each exactly once", async () => {
    const seen: ProcedureOutput<"org.activity">["items"] = [];
    let cursor: string | null | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await orgCall(server, key, "org.activity", { limit: 5, ...(cursor ? { cursor } : {}) });
      seen.push(...res.items);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    expect(seen.map((e) => e.deployId)).toEqual(feed.map((k) => ids[k]));
    expect(seen.map((e) => e.to)).toEqual(statuses);
    expect(seen[0]).toMatchObject({
      service: "zeta-old",
      projectId: projects.zeta,
      environment: "production",
      title: "z3",
      from: null,
      occurredAt: N - 5 * M,
    });
    expect(seen[6]).toMatchObject({ service: "search", from: "live", to: "rolled_back", rollbackTargetId: ids.D, reason: "errors up" });
  });

  it("filters the feed by environment and by service name", async () => {
    const staging = await orgCall(server, key, "org.activity", { environment: "staging" });
    expect(staging.items.map((e) => [e.deployId, e.to])).toEqual([
      [ids.C, "building"],
      [ids.H, "failed"],
      [ids.H, "building"],
    ]);
    const search = await orgCall(server, key, "org.activity", { search: "sear" });
    expect(search.items.map((e) => [e.deployId, e.to])).toEqual([
      [ids.E, "rolled_back"],
      [ids.E, "live"],
      [ids.D, "live"],
    ]);
    expect(search.nextCursor).toBeNull();
  });

  it("shows a new transition at the top of the feed as soon as it is accepted", async () => {
    const res = await server.request("deploys.emit", {
      projectId: projects.payments,
      key: (await orgKeys(server)).admin,
      input: { id: "pay-C-deploying", type: "deploy", deploy: "staging:C", environment: "staging", status: "deploying" },
    });
    expect(res.status).toBe(200);
    const top = await orgCall(server, key, "org.activity", { limit: 1 });
    expect(top.items[0]).toMatchObject({
      deployId: ids.C,
      from: "building",
      to: "deploying",
      projectId: projects.payments,
      service: "payments",
    });
  });
});

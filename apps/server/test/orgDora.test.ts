// DORA across services on histories worked out by hand: per-service figures as metrics.dora gives them, and the
// organisation's figures combined from the same samples (medians over the union, not a median of medians).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORG_PROJECT } from "@cuitty/core";
import { startTestServer, type TestServer } from "@cuitty/server/testing";
import { type Service, createService, history, orgCall, orgKeys } from "./orgHelpers.js";

const M = 60;
const H = 3600;
const D = 86_400;
/** Monday 2025-03-03 00:00 UTC. */
const T0 = 1_740_960_000;
const at = (h: number, m = 0) => T0 + h * H + m * M;
const sha = (n: number) => n.toString(16).padStart(8, "a");

let server: TestServer;
let keys: { read: string; admin: string };
let alpha: Service;
let beta: Service;

beforeAll(async () => {
  server = await startTestServer();
  keys = await orgKeys(server);
  alpha = await createService(server, "alpha");
  beta = await createService(server, "beta");
  const gamma = await createService(server, "gamma");
  // alpha: a1 live 01:00 (commit 00:00, lead 1 h); a2 live 03:00 (commit 01:00, lead 2 h), rolled back to a1 at 03:30.
  const a1 = await history(server, alpha, "production", "a1", [["live", at(1), { commitSha: sha(1), committedAt: at(0) }]]);
  await history(server, alpha, "production", "a2", [
    ["live", at(3), { commitSha: sha(2), committedAt: at(1) }],
    ["rolled_back", at(3, 30), { rollbackTargetId: a1 }],
  ]);
  // beta: b1 live 02:00 (lead 2 h); b2 live 05:00 (lead 4 h), later marked bad; b3 live 07:00 (lead 1 h) restores;
  // b4 fails before going live (a failed run, not a change failure).
  await history(server, beta, "production", "b1", [["live", at(2), { commitSha: sha(3), committedAt: at(0) }]]);
  const b2 = await history(server, beta, "production", "b2", [["live", at(5), { commitSha: sha(4), committedAt: at(1) }]]);
  await history(server, beta, "production", "b3", [["live", at(7), { commitSha: sha(5), committedAt: at(6) }]]);
  await history(server, beta, "production", "b4", [
    ["building", at(8)],
    ["failed", at(8, 10), { reason: "exit 1" }],
  ]);
  // Marked bad with the organisation's admin key acting in beta: an org admin key is an admin key there.
  const mark = await server.request("deploys.markBad", {
    projectId: beta.projectId,
    key: keys.admin,
    input: { id: b2, reason: "bad invoices" },
  });
  expect(mark.status).toBe(200);
  // gamma has no production environment: it is not a service of this roll-up.
  await history(server, gamma, "staging", "g1", [["live", at(4), { commitSha: sha(6), committedAt: at(3) }]]);
});
afterAll(() => server?.stop());

const range = { environment: "production", from: T0, to: T0 + D };

describe("org.dora", () => {
  it("gives each service the figures metrics.dora gives it in its own project", async () => {
    const org = await orgCall(server, keys.read, "org.dora", range);
    expect(org.services.map((s) => s.service)).toEqual(["alpha", "beta"]);
    for (const s of [alpha, beta]) {
      const own = await server.request("metrics.dora", { projectId: s.projectId, key: s.read, input: { ...range, bucket: "week" } });
      const row = org.services.find((r) => r.projectId === s.projectId);
      const { series: _f, ...frequency } = own.body.result.data.deploymentFrequency;
      const { series: _l, ...lead } = own.body.result.data.leadTime;
      const { series: _c, ...cfr } = own.body.result.data.changeFailureRate;
      const { series: _t, ...ttr } = own.body.result.data.timeToRestore;
      expect(row).toMatchObject({
        deploymentFrequency: frequency,
        leadTime: lead,
        changeFailureRate: cfr,
        timeToRestore: ttr,
        bands: own.body.result.data.bands,
      });
    }
  });

  it("works out each service's figures by hand: alpha 2 deploys, lead 1.5 h, 1 of 2 failed, restored in 30 min; beta 3, 2 h, 1 of 3, 2 h", async () => {
    const { services } = await orgCall(server, keys.read, "org.dora", range);
    expect(services[0]).toMatchObject({
      service: "alpha",
      deploymentFrequency: { count: 2 },
      leadTime: { medianSeconds: 1.5 * H, samples: 2 },
      changeFailureRate: { rate: 0.5, failures: 1, total: 2, failedRuns: 0 },
      timeToRestore: { medianSeconds: 30 * M, samples: 1, unrestored: 0 },
    });
    expect(services[1]).toMatchObject({
      service: "beta",
      deploymentFrequency: { count: 3 },
      leadTime: { medianSeconds: 2 * H, samples: 3 },
      changeFailureRate: { rate: 1 / 3, failures: 1, total: 3, failedRuns: 1 },
      timeToRestore: { medianSeconds: 2 * H, samples: 1, unrestored: 0 },
    });
  });

  it("combines the organisation's figures from every sample: sums, rate of sums, medians and p90 over the union", async () => {
    const { org } = await orgCall(server, keys.read, "org.dora", range);
    expect(org).toEqual({
      services: 2,
      // 5 go-lives in one day; the band is the typical service's: 2.5 a day per service.
      deploymentFrequency: { count: 5, perDay: 5, perServicePerDay: 2.5 },
      // Lead times 1 h, 2 h | 2 h, 4 h, 1 h: median of the union 2 h (a median of the medians would be 1.75 h), p90 4 h.
      leadTime: { medianSeconds: 2 * H, p90Seconds: 4 * H, samples: 5 },
      changeFailureRate: { rate: 2 / 5, failures: 2, total: 5, failedRuns: 1 },
      // Outages of 30 min and 2 h: median 75 min, p90 (nearest rank of 2) 2 h.
      timeToRestore: { medianSeconds: 75 * M, p90Seconds: 2 * H, samples: 2, unrestored: 0, openSince: null },
      bands: { deploymentFrequency: "elite", leadTime: "elite", changeFailureRate: "low", timeToRestore: "high" },
    });
  });

  it("sorts services worst first by the figure asked for", async () => {
    const order = async (sort: string) => (await orgCall(server, keys.read, "org.dora", { ...range, sort })).services.map((s) => s.service);
    expect(await order("service")).toEqual(["alpha", "beta"]);
    expect(await order("deploymentFrequency")).toEqual(["alpha", "beta"]);
    expect(await order("leadTime")).toEqual(["beta", "alpha"]);
    expect(await order("changeFailureRate")).toEqual(["alpha", "beta"]);
    expect(await order("timeToRestore")).toEqual(["beta", "alpha"]);
  });

  it("answers no services for an environment nobody has, and refuses an unknown sort", async () => {
    const none = await orgCall(server, keys.read, "org.dora", { environment: "nowhere", from: T0, to: T0 + D });
    expect(none.services).toEqual([]);
    expect(none.org).toMatchObject({
      services: 0,
      deploymentFrequency: { count: 0, perServicePerDay: 0 },
      changeFailureRate: { rate: null },
    });
    const bad = await server.request("org.dora", { projectId: ORG_PROJECT, key: keys.read, input: { ...range, sort: "vibes" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.data).toMatchObject({ cuittyCode: "VALIDATION_FAILED", fields: ["sort"] });
  });
});

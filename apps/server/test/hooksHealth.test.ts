// Health changes and auto-rollbacks as outbound events, end to end: a real server running the health worker and
// the hook worker, a local health target and a local receiver on 127.0.0.1.
import { afterEach, describe, expect, it } from "vitest";
import { HEADER_SIGNATURE, HEADER_TIMESTAMP, HOOK_DELIVERY_ID_HEADER, HOOK_EVENT_TYPE_HEADER, type HookEvent, verify } from "@cuitty/core";
import { getDeploy } from "@cuitty/db";
import { healthExtension } from "../src/health/healthExtension.js";
import { hooksExtension } from "../src/hooks/hooksExtension.js";
import { type ProcedurePath, type TestServer, startTestServer } from "../src/testing.js";
import { FAST, type LocalServer, answer, goLive, localServer, setPolicy, settled, waitFor } from "./healthHelpers.js";

const SECRET = "receiver-secret-0123456789abcdef";
/**
 * The hook worker at its default tick (250 ms) while the health worker runs fast: a verdict and the rollback it
 * causes land between two feeds, as they do in production.
 */
const HOOKS = { tickMs: 250, retryBaseMs: 40, retryMaxMs: 300, timeoutMs: 1500 };

interface Delivery {
  type: string;
  delivery: string;
  verified: boolean;
  event: HookEvent;
}

async function deliveries(receiver: LocalServer): Promise<Delivery[]> {
  return Promise.all(
    receiver.requests.map(async (r) => ({
      type: String(r.headers[HOOK_EVENT_TYPE_HEADER]),
      delivery: String(r.headers[HOOK_DELIVERY_ID_HEADER]),
      verified: await verify({
        apiKey: SECRET,
        method: "POST",
        pathAndQuery: r.path,
        body: r.body,
        timestamp: Number(r.headers[HEADER_TIMESTAMP]),
        signature: String(r.headers[HEADER_SIGNATURE]),
      }),
      event: JSON.parse(r.body) as HookEvent,
    })),
  );
}

async function ok<P extends ProcedurePath>(server: TestServer, procedure: P, input?: unknown) {
  const res = await server.request(procedure, { input });
  if (res.status !== 200) throw new Error(`${procedure} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.result.data;
}

describe("health changes and auto-rollbacks as outbound events", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  /** A health target answering 200 or 500 as `state.healthy` says, a receiver answering 200, and a server with both workers. */
  async function setup(policy: Record<string, unknown>) {
    const state = { healthy: true };
    const target = await localServer((n, req, res) => answer(state.healthy ? 200 : 500)(n, req, res));
    const receiver = await localServer(answer(200));
    const server = await startTestServer({ extensions: [healthExtension(FAST), hooksExtension(HOOKS)] });
    cleanup.push(
      () => target.close(),
      () => receiver.close(),
      () => server.stop(),
    );
    await setPolicy(server, { healthUrl: `${target.url}/healthz`, healthIntervalSeconds: 1, ...policy });
    return { state, receiver, server, hookUrl: `${receiver.url}/in/cuitty?team=ops` };
  }

  it("sends a signed deploy.health when a live deploy passes its checks and another when a later deploy fails them", async () => {
    const { state, receiver, server, hookUrl } = await setup({ healthChecks: 2, healthFailures: 2, autoRollback: false });
    await ok(server, "hooks.add", { url: hookUrl, secret: SECRET, events: ["deploy.health"] });

    const passing = await goLive(server);
    expect((await settled(server, passing)).deploy.healthStatus).toBe("passing");
    await waitFor("the passing event", async () => receiver.requests.length >= 1, 10_000);

    state.healthy = false;
    const failing = await goLive(server);
    expect((await settled(server, failing)).deploy.healthStatus).toBe("failing");
    await waitFor("the failing event", async () => receiver.requests.length >= 2, 10_000);
    await new Promise((r) => setTimeout(r, 600)); // more than two hook ticks: nothing else may follow

    const got = await deliveries(receiver);
    expect(got.map((d) => [d.type, d.event.type, d.event.deploy.id, d.event.health?.to])).toEqual([
      ["deploy.health", "deploy.health", passing, "passing"],
      ["deploy.health", "deploy.health", failing, "failing"],
    ]);
    for (const d of got) {
      expect(d.verified).toBe(true);
      expect(d.event).toMatchObject({ projectId: server.projectId, environment: "production", health: { from: "pending" } });
    }
    for (const r of receiver.requests) {
      expect(r.method).toBe("POST");
      expect(r.path).toBe("/in/cuitty?team=ops");
      const tampered = await verify({
        apiKey: SECRET,
        method: "POST",
        pathAndQuery: r.path,
        body: r.body.replace(/"to":"(passing|failing)"/, '"to":"unknown"'),
        timestamp: Number(r.headers[HEADER_TIMESTAMP]),
        signature: String(r.headers[HEADER_SIGNATURE]),
      });
      expect(tampered).toBe(false);
    }
  });

  it("sends live, failing health and the rollback naming its target, in that order and each once, when auto-rollback acts", async () => {
    const { state, receiver, server, hookUrl } = await setup({ healthChecks: 3, healthFailures: 2, autoRollback: true });
    await ok(server, "hooks.add", { url: hookUrl, secret: SECRET });

    const previous = await goLive(server);
    expect((await settled(server, previous)).deploy.healthStatus).toBe("passing");
    // Order is promised per deploy, not across deploys: let the previous deploy's events arrive first.
    await waitFor("the previous deploy's live and health events", async () => receiver.requests.length >= 2, 10_000);
    state.healthy = false;
    const failing = await goLive(server);
    await waitFor(
      "the auto-rollback",
      async () => (await getDeploy(server.db, server.projectId, failing)).status === "rolled_back",
      10_000,
    );
    const ofFailing = async () => (await deliveries(receiver)).filter((d) => d.event.deploy.id === failing);
    await waitFor("three events of the failing deploy", async () => (await ofFailing()).length >= 3, 10_000);
    await new Promise((r) => setTimeout(r, 600)); // more than two hook ticks: no late or repeated delivery

    const mine = await ofFailing();
    expect(mine.map((d) => d.event.type)).toEqual(["deploy.live", "deploy.health", "deploy.rolled_back"]);
    expect(mine.map((d) => d.type)).toEqual(["deploy.live", "deploy.health", "deploy.rolled_back"]);
    expect(mine[1]!.event.health).toEqual({ from: "pending", to: "failing" });
    expect(mine[2]!.event.transition).toMatchObject({
      from: "live",
      to: "rolled_back",
      actor: "cuitty:health-check",
      rollbackTargetId: previous,
      reason: expect.stringMatching(/^health checks failed: 2 consecutive failed probes/),
    });

    const all = await deliveries(receiver);
    expect(all.every((d) => d.verified)).toBe(true);
    expect(all.map((d) => [d.event.deploy.id, d.event.type])).toEqual([
      [previous, "deploy.live"],
      [previous, "deploy.health"],
      [failing, "deploy.live"],
      [failing, "deploy.health"],
      [failing, "deploy.rolled_back"],
    ]);
    const ids = all.map((d) => d.delivery);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(all.map((d) => d.event.id)).size).toBe(all.length);
  });
});
